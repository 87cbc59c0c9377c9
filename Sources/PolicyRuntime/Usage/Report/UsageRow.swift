/// One row of a report: the use of one user, team, model, … and its share of the total cost.
public struct UsageRow: Sendable, Equatable {
    /// The user, team, department, model or feature; nil for the requests that did not say.
    public var name: String?
    /// What it used.
    public var tally: UsageTally
    /// Its cost as a share of the report's total cost, in basis points (1/100 of a percent),
    /// rounded down; 0 when the total is 0.
    public var shareBasisPoints: Int

    /// Creates a row.
    public init(name: String?, tally: UsageTally, shareBasisPoints: Int) {
        self.name = name
        self.tally = tally
        self.shareBasisPoints = shareBasisPoints
    }

    /// The records grouped by `name`, sorted by cost, highest first, then by name (the
    /// unnamed group last), with each group's share of `totalCost`.
    static func grouped(_ records: [UsageRecord], totalCost: Int, by name: (UsageRecord) -> String?) -> [UsageRow] {
        var tallies: [String?: UsageTally] = [:]
        for record in records { tallies[name(record), default: UsageTally()].add(record) }
        return tallies.map { name, tally in
            UsageRow(name: name, tally: tally,
                     shareBasisPoints: totalCost > 0 ? Proportion.scaled(tally.costMicros, per: totalCost, by: 10_000) : 0)
        }.sorted(by: UsageRow.precedes)
    }

    /// Report order: cost descending, then name ascending (by bytes), the unnamed group last.
    static func precedes(_ left: UsageRow, _ right: UsageRow) -> Bool {
        if left.tally.costMicros != right.tally.costMicros { return left.tally.costMicros > right.tally.costMicros }
        switch (left.name, right.name) {
        case (let left?, let right?): return UsageReport.precedes(left, right)
        case (.some, nil): return true
        case (nil, _): return false
        }
    }
}

extension UsageRow {
    /// The share in percent with two decimals, exact from the basis points: `43.21`.
    public var sharePercentText: String {
        let hundredths = shareBasisPoints % 100
        return String(shareBasisPoints / 100) + (hundredths < 10 ? ".0" : ".") + String(hundredths)
    }
}
