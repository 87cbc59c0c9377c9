/// A spending or token budget for a user, team, department or the whole organization.
public struct CompiledBudget: Sendable, Equatable {
    /// The budget's name.
    public var name: String
    /// Whose spending it limits.
    public var scope: BudgetScope
    /// The one member of the scope it applies to (e.g. team `platform`), or nil for each member.
    public var member: String?
    /// Length of the budget period in seconds (a month is 30 days, a year 365): the window of a
    /// rolling period, and a calendar period's nominal length.
    public var periodSeconds: Int
    /// The period as written when it is a calendar name (`monthly`): the budget then counts from
    /// the start of the current UTC calendar period. Nil for a rolling period (`30d`).
    public var periodName: CalendarPeriod?
    /// Limit in micro-dollars, when the budget is money.
    public var limitMicros: Int?
    /// Limit in tokens, when the budget is tokens.
    public var limitTokens: Int?
    /// Warning thresholds in whole percent, ascending.
    public var warnAtPercent: [Int]
    /// Alerts raised once per period when use first crosses a warning threshold, and when the
    /// limit first refuses a request.
    public var alerts: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a budget entry.
    public init(name: String, scope: BudgetScope, member: String?, periodSeconds: Int, periodName: CalendarPeriod?,
                limitMicros: Int?, limitTokens: Int?, warnAtPercent: [Int], alerts: [String] = [], source: String) {
        self.name = name
        self.scope = scope
        self.member = member
        self.periodSeconds = periodSeconds
        self.periodName = periodName
        self.limitMicros = limitMicros
        self.limitTokens = limitTokens
        self.warnAtPercent = warnAtPercent
        self.alerts = alerts
        self.source = source
    }

}

/// Audit logging settings (SOC2 CC7.x): what is logged and how.
public struct CompiledAudit: Sendable, Equatable {
    /// Audit level for requests whose role sets none.
    public var defaultLevel: AuditLevel
    /// How prompts are logged.
    public var logPrompts: LogMode
    /// How responses are logged.
    public var logResponses: LogMode
    /// Detectors and pattern lists redacted before anything is logged.
    public var redact: [String]
    /// Whether log records must be encrypted at rest.
    public var encrypt: Bool
    /// Risk score (whole percent) above which `high_risk_alert` is raised.
    public var highRiskThresholdPercent: Int?
    /// Alert raised for high-risk activity.
    public var highRiskAlert: String?
    /// Whether a decision may be given when its audit record cannot be written (false, the
    /// default: it is denied with `audit_unavailable`).
    public var failOpen: Bool

    /// Creates audit settings.
    public init(defaultLevel: AuditLevel, logPrompts: LogMode, logResponses: LogMode, redact: [String], encrypt: Bool,
                highRiskThresholdPercent: Int?, highRiskAlert: String?, failOpen: Bool = false) {
        self.defaultLevel = defaultLevel
        self.logPrompts = logPrompts
        self.logResponses = logResponses
        self.redact = redact
        self.encrypt = encrypt
        self.highRiskThresholdPercent = highRiskThresholdPercent
        self.highRiskAlert = highRiskAlert
        self.failOpen = failOpen
    }

}

/// How long each kind of record is kept, and the GDPR erasure deadline; all in seconds.
public struct CompiledRetention: Sendable, Equatable {
    /// Retention period per record kind.
    public var periodsSeconds: [RetentionKind: Int]
    /// Deadline for completing a right-to-erasure request, when set.
    public var erasureWithinSeconds: Int?

    /// Creates retention settings.
    public init(periodsSeconds: [RetentionKind: Int], erasureWithinSeconds: Int?) {
        self.periodsSeconds = periodsSeconds
        self.erasureWithinSeconds = erasureWithinSeconds
    }

}
