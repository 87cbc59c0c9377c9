/// The `usage` of a decision: what the request costs, what it holds, and where each budget and
/// rate limit in its scope stands (the guide's CostReport, docs/runtime.md "Usage").
public struct UsageSummary: Sendable, Equatable {
    /// The request's cost in micro-dollars: the estimate when it reserves, the actual cost when
    /// a completion settles it.
    public var cost: Int
    /// Micro-dollars this decision holds against budgets (0 when nothing was reserved).
    public var reserved: Int
    /// Budgets in the request's scope.
    public var budgets: [MeterStatus]
    /// Rate limits in the request's scope.
    public var rateLimits: [MeterStatus]
    /// For a completion: what became of the reservation it settles.
    public var settlement: SettlementResult?
    /// True when the store could not be reached and the policy lets requests through without it.
    public var storeUnavailable: Bool

    /// Creates a summary.
    public init(cost: Int, reserved: Int, budgets: [MeterStatus] = [], rateLimits: [MeterStatus] = [],
                settlement: SettlementResult? = nil, storeUnavailable: Bool = false) {
        self.cost = cost
        self.reserved = reserved
        self.budgets = budgets
        self.rateLimits = rateLimits
        self.settlement = settlement
        self.storeUnavailable = storeUnavailable
    }
}

/// Where one budget or rate limit stands for the request's user, team, department or role.
public struct MeterStatus: Sendable, Equatable {
    /// The budget's or rate limit's name.
    public var name: String
    /// Its scope.
    public var scope: BudgetScope
    /// The member it is counted for (`alice`, `platform`); empty for the organization.
    public var key: String
    /// What `used`, `limit` and `remaining` count.
    public var unit: UsageUnit
    /// Use in the current window, this request's hold included when it reserved.
    public var used: Int
    /// The limit.
    public var limit: Int
    /// `limit - used`, never below 0.
    public var remaining: Int
    /// When the calendar period ends (its next period's first second); nil for rolling windows.
    public var periodEnd: Int?

    /// Creates a status.
    public init(name: String, scope: BudgetScope, key: String, unit: UsageUnit, used: Int, limit: Int, periodEnd: Int?) {
        self.name = name
        self.scope = scope
        self.key = key
        self.unit = unit
        self.used = used
        self.limit = limit
        self.remaining = max(0, limit - used)
        self.periodEnd = periodEnd
    }
}
