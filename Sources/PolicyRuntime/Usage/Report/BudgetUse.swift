/// Where one budget stands for one member of its scope, computed from settled requests: its use
/// in the period current at the report's end, and the most it used in any one period of the
/// report.
///
/// Use is counted exactly as the stores count it (``UsageWindow/start(at:)``: a calendar
/// period from its first second, a rolling window over the buckets it spans), from the records
/// alone: reservations not settled yet and the prior use `policyc test` states are not records.
public struct BudgetUse: Sendable, Equatable {
    /// As decisions report it (`used`, `limit`, `remaining`, `period_end`), as of the report's
    /// last second: the budget's current period when the report ends now.
    public var status: MeterStatus
    /// The first second that period (or rolling window) counts.
    public var periodStart: Int
    /// `used × 100 ÷ limit`, whole percent rounded down (a zero limit with any use is 100).
    public var percentUsed: Int
    /// The most the member used in one of the budget's periods (rolling: windows) that end in
    /// the report's period.
    public var peakUsed: Int
    /// The first second of that period; nil when the member used nothing in the report's period.
    public var peakPeriodStart: Int?

    /// Creates a budget's use.
    public init(status: MeterStatus, periodStart: Int, percentUsed: Int, peakUsed: Int, peakPeriodStart: Int?) {
        self.status = status
        self.periodStart = periodStart
        self.percentUsed = percentUsed
        self.peakUsed = peakUsed
        self.peakPeriodStart = peakPeriodStart
    }

    /// `part` of `limit` in whole percent, rounded down.
    static func percent(_ part: Int, of limit: Int) -> Int {
        limit > 0 ? Proportion.scaled(part, per: limit, by: 100) : (part > 0 ? 100 : 0)
    }

    /// Every budget of `policy` for every member it counts: the one it names, the organization,
    /// or each member seen in the report's period or in the budget's current period; in the
    /// policy's order, then by member.
    /// - Parameter records: sorted by time, from at least ``UsageReport/earliestRecord(from:policy:)``.
    static func all(_ policy: CompiledPolicy, _ records: [UsageRecord], from: Int, to: Int) -> [BudgetUse] {
        var uses: [BudgetUse] = []
        for budget in policy.budgets {
            let window = budget.window
            let currentStart = window.start(at: to - 1)
            var byMember: [String: [UsageRecord]] = [:]
            for record in records {
                let attribution = record.attribution
                guard let member = budget.scope.member(user: attribution.user, team: attribution.team,
                                                       department: attribution.department, role: attribution.role) else { continue }
                if let named = budget.member, member != named { continue }
                byMember[member, default: []].append(record)
            }
            let members: [String]
            if let named = budget.member {
                members = [named]
            } else if budget.scope == .organization {
                members = [""]
            } else {
                let seenSince = min(from, currentStart)
                members = byMember.filter { _, records in records.contains { $0.time >= seenSince } }.keys
                    .sorted(by: UsageReport.precedes)
            }
            for member in members {
                uses.append(use(of: budget, window, member, byMember[member] ?? [], from: from, to: to, currentStart: currentStart))
            }
        }
        return uses
    }

    /// One member's use, in one pass over its records with a sliding window.
    private static func use(of budget: CompiledBudget, _ window: UsageWindow, _ member: String, _ records: [UsageRecord],
                            from: Int, to: Int, currentStart: Int) -> BudgetUse {
        // Wrapping arithmetic, as the stores' counters use: the sliding sum subtracts what leaves
        // the window, which a saturating sum could not undo, and wrapping cancels exactly.
        var current = 0
        var sum = 0
        var oldest = 0
        var peak: (used: Int, start: Int?) = (0, nil)
        for record in records {
            let amount = record.amount(in: budget.unit)
            if record.time >= currentStart { current &+= amount }
            sum &+= amount
            let start = window.start(at: record.time)
            while records[oldest].time < start {
                sum &-= records[oldest].amount(in: budget.unit)
                oldest += 1
            }
            // Several records at one second: the last of them sees the most, and wins.
            if record.time >= from, sum > peak.used { peak = (sum, start) }
        }
        return BudgetUse(
            status: MeterStatus(name: budget.name, scope: budget.scope, key: member, unit: budget.unit, used: current, limit: budget.limit,
                                periodEnd: window.periodEnd(at: to - 1)),
            periodStart: currentStart, percentUsed: percent(current, of: budget.limit), peakUsed: peak.used,
            peakPeriodStart: peak.start)
    }
}

extension UsageRecord {
    /// What the request counts on a meter of `unit`, as its settlement charged it: a request
    /// counts one.
    func amount(in unit: UsageUnit) -> Int {
        unit.amount(costMicros: costMicros, tokensIn: tokensIn, tokensOut: tokensOut, requests: 1)
    }
}
