/// What was used and spent over a period, from the usage store's settled requests: the guide's
/// `generateCostReport` (totals, by team, by model, top users, trends, recommendations), with
/// every amount in integer micro-dollars. A value: built once, then rendered as a table, JSON
/// or CSV (`policyc usage report`, docs/runtime.md "Usage reports"), or served by a gateway.
public struct UsageReport: Sendable, Equatable {
    /// The period's first second (seconds since the epoch).
    public var from: Int
    /// The first second after the period: `to` is exclusive.
    public var to: Int
    /// What ``rows`` are grouped by.
    public var dimension: UsageDimension
    /// Everything in the period.
    public var totals: UsageTally
    /// The period's use by ``dimension``, by cost (highest first), then name.
    public var rows: [UsageRow]
    /// Spend per model, as recorded (a model the policy does not know is listed too).
    public var models: [UsageRow]
    /// The ``topUserCount`` users who spent most.
    public var topUsers: [UsageRow]
    /// Day by day, and the second half against the first.
    public var trend: UsageTrend
    /// Every budget of the policy for every member it counts; nil when the report has no policy.
    public var budgets: [BudgetUse]?
    /// What the numbers suggest, savings first; empty without a policy.
    public var recommendations: [UsageRecommendation]

    /// How many users ``topUsers`` lists.
    public static let topUserCount = 10
    /// The longest period a report covers, in days (about ten years): its trend has one entry a day.
    public static let maximumDays = 3_660

    /// Builds the report.
    /// - Parameters:
    ///   - records: settled requests, from at least ``earliestRecord(from:policy:)`` when a
    ///     policy is given (budgets count their whole current period); records outside the
    ///     period count only towards budgets.
    ///   - policy: the policy whose budgets, roles and prices the budget status and the
    ///     recommendations read.
    ///   - from: the first second; `to`: the first second after the period.
    /// - Throws: ``UsageReportError`` when `from` is not before `to` or the period is longer
    ///   than ``maximumDays``.
    public init(records: [UsageRecord], policy: CompiledPolicy?, from: Int, to: Int, by dimension: UsageDimension = .user)
        throws(UsageReportError) {
        guard from < to else {
            throw UsageReportError("the period is empty: its start \(Timestamp(secondsSinceEpoch: from).rfc3339) is not before "
                                   + "its end \(Timestamp(secondsSinceEpoch: to).rfc3339)")
        }
        let daily = UsageWindow.calendar(.daily)
        guard daily.bucket(at: to - 1) - daily.bucket(at: from) < UsageReport.maximumDays else {
            throw UsageReportError("the period is longer than \(UsageReport.maximumDays) days")
        }
        // Sorted once (stably: a store gives them oldest first already) for the sliding windows.
        let sorted = records.enumerated()
            .sorted { $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset }
            .map(\.element).filter { $0.time < to }
        let inPeriod = sorted.filter { $0.time >= from }
        var totals = UsageTally()
        for record in inPeriod { totals.add(record) }
        self.from = from
        self.to = to
        self.dimension = dimension
        self.totals = totals
        rows = UsageRow.grouped(inPeriod, totalCost: totals.costMicros, by: dimension.name(of:))
        models = UsageRow.grouped(inPeriod, totalCost: totals.costMicros) { $0.attribution.model }
        topUsers = Array(UsageRow.grouped(inPeriod.filter { $0.attribution.user != nil }, totalCost: totals.costMicros) { $0.attribution.user }
            .prefix(UsageReport.topUserCount))
        trend = UsageTrend(inPeriod, from: from, to: to)
        if let policy {
            let budgets = BudgetUse.all(policy, sorted, from: from, to: to)
            self.budgets = budgets
            recommendations = UsageRecommendation.all(inPeriod, policy, budgets: budgets, from: from, to: to)
        } else {
            budgets = nil
            recommendations = []
        }
    }

    /// The first second whose records the report needs: `from`, or earlier when the period (or
    /// rolling window) of a budget current at `from` began before it (a budget's use in a period
    /// counts from the period's start). Read the store from here to the report's end.
    public static func earliestRecord(from: Int, policy: CompiledPolicy?) -> Int {
        var earliest = from
        for budget in policy?.budgets ?? [] {
            // Window starts only grow with time: the one current at `from` starts earliest.
            earliest = min(earliest, budget.window.start(at: from))
        }
        return earliest
    }

    /// Names in report order: by their UTF-8 bytes, so every renderer and platform agrees.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// A moment as a message shows it: the date alone at midnight UTC (a calendar period's
    /// start), else the full RFC 3339 time.
    static func moment(_ seconds: Int) -> String {
        let text = Timestamp(secondsSinceEpoch: seconds).rfc3339
        return Timestamp.floorModulo(seconds, 86_400) == 0 ? String(text.prefix(10)) : text
    }
}
