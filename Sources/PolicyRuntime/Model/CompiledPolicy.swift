import Foundation

/// The compiled policy: the one JSON document every enforcement point loads.
///
/// This type *is* the contract documented in `docs/compiled-format.md` and
/// `schema/policy.schema.json`. The compiler lowers into it; the runtime plans from it.
/// Every reference is resolved, inheritance is flattened and every quantity is an integer
/// in its base unit (tokens, micro-dollars, seconds, whole percent).
public struct CompiledPolicy: Sendable, Equatable {
    /// The version of this document's layout this build writes and reads.
    public static let currentSchemaVersion = 5

    /// Layout version of the document; readers reject versions they do not know.
    public var schemaVersion: Int
    /// Name, version and source digest of the policy.
    public var policy: PolicyIdentity
    /// The source files the document was compiled from, root first, as named on the command line.
    public var sources: [String]
    /// Models that roles may grant, with context windows and prices.
    public var models: [CompiledModel]
    /// Declared feature vocabulary (agent_mode, ask_mode, …).
    public var features: [String]
    /// Declared operation vocabulary (database_operations, …).
    public var operations: [String]
    /// Named literal pattern lists.
    public var patterns: [CompiledPatternList]
    /// Host suffixes treated as internal by `network.internal_url`, defaults included.
    public var internalDomains: [String]
    /// Roles, inheritance flattened.
    public var roles: [CompiledRole]
    /// Custom rules in declaration order.
    public var rules: [CompiledRule]
    /// Alerts in declaration order.
    public var alerts: [CompiledAlert]
    /// Incident types: the guide's three plus declared ones.
    public var incidentTypes: [String]
    /// Incident-response playbooks, one per incident type that has one.
    public var playbooks: [CompiledPlaybook]
    /// Notification channels that `notify(…)` actions deliver to.
    public var channels: [CompiledChannel]
    /// Actions declared by the policy in addition to the built-in ones.
    public var customActions: [String]
    /// Spending and token budgets.
    public var budgets: [CompiledBudget]
    /// Request and token rate limits.
    public var rateLimits: [CompiledRateLimit]
    /// How usage is metered: output estimate, reservation timeout, fail-open.
    public var usage: CompiledUsageSettings
    /// Audit logging settings.
    public var audit: CompiledAudit
    /// Retention periods and the erasure deadline.
    public var retention: CompiledRetention
    /// Compliance controls and what in the policy implements each.
    public var controls: [CompiledControl]
    /// Redaction placeholder per detector or pattern list, defaults included.
    public var placeholders: [String: String]
    /// Detectors the policy declares.
    public var detectors: [CompiledDetector]

    /// Creates a document; the compiler is the usual caller.
    public init(
        schemaVersion: Int = CompiledPolicy.currentSchemaVersion, policy: PolicyIdentity, sources: [String],
        models: [CompiledModel], features: [String], operations: [String], patterns: [CompiledPatternList],
        internalDomains: [String], roles: [CompiledRole], rules: [CompiledRule], alerts: [CompiledAlert],
        incidentTypes: [String], playbooks: [CompiledPlaybook], channels: [CompiledChannel],
        customActions: [String], budgets: [CompiledBudget], audit: CompiledAudit,
        retention: CompiledRetention, controls: [CompiledControl], placeholders: [String: String],
        detectors: [CompiledDetector] = [], rateLimits: [CompiledRateLimit] = [],
        usage: CompiledUsageSettings = .defaults
    ) {
        self.rateLimits = rateLimits
        self.usage = usage
        self.schemaVersion = schemaVersion
        self.policy = policy
        self.sources = sources
        self.models = models
        self.features = features
        self.operations = operations
        self.patterns = patterns
        self.internalDomains = internalDomains
        self.roles = roles
        self.rules = rules
        self.alerts = alerts
        self.incidentTypes = incidentTypes
        self.playbooks = playbooks
        self.channels = channels
        self.customActions = customActions
        self.budgets = budgets
        self.audit = audit
        self.retention = retention
        self.controls = controls
        self.placeholders = placeholders
        self.detectors = detectors
    }

}

/// Name, version and source digest: what a decision cites as the policy that made it.
public struct PolicyIdentity: Sendable, Equatable {
    /// The policy's name from its `policy` header.
    public var name: String
    /// The author-maintained version number from the header.
    public var version: Int
    /// `sha256:` and the hex SHA-256 of the sources (see docs/compiled-format.md for the exact input).
    public var digest: String

    /// Creates an identity.
    public init(name: String, version: Int, digest: String) {
        self.name = name
        self.version = version
        self.digest = digest
    }
}
