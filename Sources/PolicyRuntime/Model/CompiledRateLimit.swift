/// A rate limit: at most `limit` requests or tokens in any `windowSeconds`, per user, team,
/// department or role (or for one member, or the whole organization).
public struct CompiledRateLimit: Sendable, Equatable {
    /// The limit's name.
    public var name: String
    /// Whose requests it counts.
    public var scope: BudgetScope
    /// The one member of the scope it applies to, or nil for each member.
    public var member: String?
    /// Requests or tokens.
    public var unit: RateLimitUnit
    /// The most requests or tokens in any window.
    public var limit: Int
    /// The window in seconds (a minute is 60).
    public var windowSeconds: Int
    /// Alerts raised the first time in a window that the limit refuses a request.
    public var alerts: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a rate limit.
    public init(name: String, scope: BudgetScope, member: String?, unit: RateLimitUnit, limit: Int, windowSeconds: Int,
                alerts: [String], source: String) {
        self.name = name
        self.scope = scope
        self.member = member
        self.unit = unit
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.alerts = alerts
        self.source = source
    }
}

/// How the runtime meters usage against budgets and rate limits (the `usage` block).
public struct CompiledUsageSettings: Sendable, Equatable {
    /// Output tokens reserved for a request that gives no `max_tokens` and whose model declares
    /// no estimate; nil means such a request falls back to the model's context window.
    public var outputEstimateTokens: Int?
    /// Seconds after which a reservation no completion settled is released.
    public var reservationTimeoutSeconds: Int
    /// Whether requests are decided without budgets and rate limits when the usage store cannot
    /// be reached (false: they are denied with `budget_unavailable`).
    public var failOpen: Bool

    /// The defaults of a policy without a `usage` block: no estimate, 15 minutes, fail closed.
    public static let defaults = CompiledUsageSettings(outputEstimateTokens: nil, reservationTimeoutSeconds: 900, failOpen: false)

    /// Creates settings.
    public init(outputEstimateTokens: Int?, reservationTimeoutSeconds: Int, failOpen: Bool) {
        self.outputEstimateTokens = outputEstimateTokens
        self.reservationTimeoutSeconds = reservationTimeoutSeconds
        self.failOpen = failOpen
    }
}
