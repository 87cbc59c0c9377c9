import PolicyRuntime

/// What the checker resolved: the compiled model's parts, with names, units and inheritance
/// already settled. ``Lowering`` adds the identity, digest and defaults and assembles the document.
public struct ResolvedPolicy: Sendable {
    /// Models in declaration order.
    public var models: [CompiledModel] = []
    /// Feature vocabulary.
    public var features: [String] = []
    /// Operation vocabulary.
    public var operations: [String] = []
    /// Pattern lists.
    public var patterns: [CompiledPatternList] = []
    /// Policy-declared internal host suffixes (normalised, without the defaults).
    public var internalDomains: [String] = []
    /// Roles, flattened.
    public var roles: [CompiledRole] = []
    /// Rules in declaration order.
    public var rules: [CompiledRule] = []
    /// Alerts.
    public var alerts: [CompiledAlert] = []
    /// Incident types, built-in first.
    public var incidentTypes: [String] = []
    /// Playbooks.
    public var playbooks: [CompiledPlaybook] = []
    /// Channels.
    public var channels: [CompiledChannel] = []
    /// Declared custom actions.
    public var customActions: [String] = []
    /// Budgets.
    public var budgets: [CompiledBudget] = []
    /// Rate limits.
    public var rateLimits: [CompiledRateLimit] = []
    /// The usage block, defaults filled.
    public var usage = CompiledUsageSettings.defaults
    /// Audit settings as written, defaults filled.
    public var audit = CompiledAudit(defaultLevel: .standard, logPrompts: .redacted, logResponses: .redacted,
                                     redact: [], encrypt: true, highRiskThresholdPercent: nil, highRiskAlert: nil)
    /// Retention settings.
    public var retention = CompiledRetention(periodsSeconds: [:], erasureWithinSeconds: nil)
    /// Controls (their `implemented_by` is filled by lowering).
    public var controls: [CompiledControl] = []
    /// Placeholders the policy sets (lowering adds the defaults).
    public var placeholders: [String: String] = [:]
    /// Custom detectors.
    public var detectors: [CompiledDetector] = []
    /// `test` blocks of every file (the compiled document does not carry them).
    public var tests: [PolicyTest] = []
    /// An empty policy: nothing resolved yet.
    public init() {}

    /// Where every declared name is written, declared and used (for editors).
    public var symbols = SymbolIndex()
}
