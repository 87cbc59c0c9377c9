import PolicyRuntime

/// Every name the policy declares, across all its files, collected before anything is
/// checked so that declarations may appear in any order (a role may use a model declared
/// further down, or in an imported file).
struct SymbolTable {
    var models: [String: Declared<ModelSyntax>] = [:]
    /// Alias or id → canonical model id.
    var modelNames: [String: String] = [:]
    var modelOrder: [String] = []
    var features: [String: DeclaredName] = [:]
    var featureOrder: [String] = []
    var operations: [String: DeclaredName] = [:]
    var operationOrder: [String] = []
    /// Incident types declared with `incidents` (the built-in ones are in ``Vocabulary``).
    var declaredIncidents: [String: DeclaredName] = [:]
    var incidentOrder: [String] = Vocabulary.builtinIncidentTypes
    var customActions: [String: DeclaredName] = [:]
    var customActionOrder: [String] = []
    var patternLists: [String: Declared<PatternListSyntax>] = [:]
    var patternListOrder: [String] = []
    var roles: [String: Declared<RoleSyntax>] = [:]
    var roleOrder: [String] = []
    var rules: [Declared<RuleSyntax>] = []
    var ruleNames: [String: Declared<RuleSyntax>] = [:]
    var alerts: [String: Declared<AlertSyntax>] = [:]
    var alertOrder: [String] = []
    var playbooks: [String: Declared<PlaybookSyntax>] = [:]
    var playbookOrder: [String] = []
    var channels: [String: Declared<ChannelSyntax>] = [:]
    var channelOrder: [String] = []
    var budgets: [Declared<BudgetSyntax>] = []
    var budgetNames: [String: Declared<BudgetSyntax>] = [:]
    var audit: Declared<AuditSyntax>?
    var retention: Declared<RetentionSyntax>?
    var controls: [String: Declared<ControlSyntax>] = [:]
    var controlOrder: [String] = []
    var placeholders: [Declared<PlaceholdersSyntax>] = []
    var internalDomains: [Declared<InternalDomainsSyntax>] = []

    /// Channels every policy has: the request's own user and their manager, whom the gateway
    /// knows from the request's identity.
    static let implicitChannels = ["user", "manager"]

    func isIncidentType(_ name: String) -> Bool {
        Vocabulary.builtinIncidentTypes.contains(name) || declaredIncidents[name] != nil
    }
}
