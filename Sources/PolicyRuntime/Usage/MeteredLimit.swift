/// A budget or rate limit, planned once for metering: its window, unit and limit, the alerts it
/// raises (as indexes into the plan's alerts), and how to find a request's member. A class so
/// that a request's metering holds one reference to it rather than copying its fields.
final class MeteredLimit: Sendable {
    /// Budget or rate limit: which reason refuses a request and where its status is reported.
    enum Kind: String, Sendable {
        case budget
        case rateLimit = "rate"
    }

    let kind: Kind
    let name: String
    let scope: BudgetScope
    let member: String?
    let window: UsageWindow
    let unit: UsageUnit
    let limit: Int
    let thresholds: [Int]
    /// Alert indexes in the plan.
    let alerts: [Int]
    let source: String
    /// `budget/NAME/UNIT/WINDOW/` or `rate/…`: the start of each of its meters' keys.
    let keyPrefix: String
    /// `keyPrefix`'s hash, for the meters' names.
    let keyPrefixHash: Int

    init(kind: Kind, name: String, scope: BudgetScope, member: String?, window: UsageWindow, unit: UsageUnit, limit: Int,
         thresholds: [Int], alerts: [Int], source: String, keyPrefix: String) {
        self.kind = kind
        self.name = name
        self.scope = scope
        self.member = member
        self.window = window
        self.unit = unit
        self.limit = limit
        self.thresholds = thresholds
        self.alerts = alerts
        self.source = source
        self.keyPrefix = keyPrefix
        self.keyPrefixHash = keyPrefix.hashValue
    }

    /// The limits of a plan, budgets first, each alert resolved.
    /// - Throws: ``PlanError`` for an alert the policy does not declare.
    static func all(_ plan: Plan) throws(PlanError) -> [MeteredLimit] {
        func alertIndexes(_ names: [String], _ path: String) throws(PlanError) -> [Int] {
            var indexes: [Int] = []
            for name in names {
                guard let index = plan.alerts.firstIndex(where: { $0.alert.name == name }) else {
                    throw PlanError("\(path): unknown alert `\(name)`")
                }
                indexes.append(index)
            }
            return indexes
        }
        var limits: [MeteredLimit] = []
        var names = Set<String>()
        for (index, budget) in plan.compiled.budgets.enumerated() {
            guard names.insert(budget.name).inserted else { throw PlanError("budgets[\(index)]: `\(budget.name)` is declared twice") }
            limits.append(MeteredLimit(
                kind: .budget, name: budget.name, scope: budget.scope, member: budget.member, window: budget.window,
                unit: budget.unit, limit: budget.limit,
                thresholds: budget.warnAtPercent, alerts: try alertIndexes(budget.alerts, "budgets[\(index)].alerts"),
                source: budget.source, keyPrefix: keyPrefix(.budget, budget.name, budget.unit, budget.window)))
        }
        for (index, rate) in plan.compiled.rateLimits.enumerated() {
            guard names.insert(rate.name).inserted else {
                throw PlanError("rate_limits[\(index)]: `\(rate.name)` is also the name of a budget or rate limit")
            }
            limits.append(MeteredLimit(
                kind: .rateLimit, name: rate.name, scope: rate.scope, member: rate.member, window: .rolling(seconds: rate.windowSeconds),
                unit: rate.unit == .requests ? .requests : .tokens, limit: rate.limit, thresholds: [],
                alerts: try alertIndexes(rate.alerts, "rate_limits[\(index)].alerts"), source: rate.source,
                keyPrefix: keyPrefix(.rateLimit, rate.name, rate.unit == .requests ? .requests : .tokens, .rolling(seconds: rate.windowSeconds))))
        }
        return limits
    }

    /// Where a limit's meters are kept: `budget/NAME/UNIT/WINDOW/` then the member. The unit and
    /// window are part of it so that a budget changed from dollars to tokens, or from daily to
    /// monthly, starts from zero instead of reading the old amounts in the new terms.
    static func keyPrefix(_ kind: Kind, _ name: String, _ unit: UsageUnit, _ window: UsageWindow) -> String {
        kind.rawValue + "/" + name + "/" + unit.rawValue + "/" + window.key + "/"
    }

    /// The member of the scope a request belongs to, if it names one.
    func member(of request: Request) -> String? {
        scope.member(user: request.userID, team: request.team, department: request.department, role: request.role)
    }

    /// The meter this limit keeps for one member of its scope.
    func meter(for member: String) -> Meter {
        Meter(limit: keyPrefix, limitHash: keyPrefixHash, member: member, window: window)
    }

    /// How a refusal reads in a decision's reasons.
    var what: String { kind == .budget ? "budget" : "rate limit" }
}
