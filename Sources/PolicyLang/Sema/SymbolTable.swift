import PolicyRuntime

/// Every name the policy declares, across all its files, collected before anything is
/// checked so that declarations may appear in any order (a role may use a model declared
/// further down, or in an imported file).
struct SymbolTable {
    var models = DeclarationTable<ModelSyntax>()
    /// Alias or id → canonical model id.
    var modelNames: [String: String] = [:]
    var features = DeclarationTable<Name>()
    var operations = DeclarationTable<Name>()
    /// Incident types declared with `incidents` (the built-in ones are in ``Vocabulary``).
    var incidents = DeclarationTable<Name>()
    var customActions = DeclarationTable<Name>()
    var patternLists = DeclarationTable<PatternListSyntax>()
    var roles = DeclarationTable<RoleSyntax>()
    var rules = DeclarationTable<RuleSyntax>()
    var alerts = DeclarationTable<AlertSyntax>()
    var playbooks = DeclarationTable<PlaybookSyntax>()
    var channels = DeclarationTable<ChannelSyntax>()
    var budgets = DeclarationTable<BudgetSyntax>()
    var rateLimits = DeclarationTable<RateLimitSyntax>()
    var usage: Declared<UsageSyntax>?
    var controls = DeclarationTable<ControlSyntax>()
    var detectors = DeclarationTable<DetectorSyntax>()
    var audit: Declared<AuditSyntax>?
    var retention: Declared<RetentionSyntax>?
    var placeholders: [Declared<PlaceholdersSyntax>] = []
    var internalDomains: [Declared<InternalDomainsSyntax>] = []

    /// Channels every policy has: the request's own user and their manager, whom the gateway
    /// knows from the request's identity.
    static let implicitChannels = ActionCatalog.implicitChannels

    /// Built-in incident types, then declared ones.
    var incidentOrder: [String] { Vocabulary.builtinIncidentTypes + incidents.names }

    func isIncidentType(_ name: String) -> Bool {
        Vocabulary.builtinIncidentTypes.contains(name) || incidents[name] != nil
    }
}
