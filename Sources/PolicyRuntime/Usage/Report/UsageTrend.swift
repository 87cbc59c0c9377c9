/// How use moved over a report's period: one entry per UTC day, and the second half of the
/// period against the first.
public struct UsageTrend: Sendable, Equatable {
    /// One UTC day.
    public struct Day: Sendable, Equatable {
        /// The day's first second (00:00:00Z), in seconds since the epoch.
        public var start: Int
        /// What was used that day (within the period); all zero on a day without requests.
        public var tally: UsageTally

        /// Creates a day.
        public init(start: Int, tally: UsageTally) {
            self.start = start
            self.tally = tally
        }

        /// `2026-12-07`.
        public var date: String { UsageReport.moment(start) }
    }

    /// Every UTC day the period touches, in order, days without requests included so that a
    /// chart has no gaps (the first and last may be partial when the period does not start or
    /// end at midnight).
    public var days: [Day]
    /// Cost in the first half of the period, `[from, from + (to − from) / 2)`.
    public var firstHalfCostMicros: Int
    /// Cost in the second half, `[from + (to − from) / 2, to)`.
    public var secondHalfCostMicros: Int
    /// `(second − first) × 100 ÷ first`, in whole percent rounded toward zero; nil when the
    /// first half cost nothing (no finite change).
    public var changePercent: Int?

    /// Creates a trend.
    public init(days: [Day], firstHalfCostMicros: Int, secondHalfCostMicros: Int, changePercent: Int?) {
        self.days = days
        self.firstHalfCostMicros = firstHalfCostMicros
        self.secondHalfCostMicros = secondHalfCostMicros
        self.changePercent = changePercent
    }

    /// The trend of `records`, all within `[from, to)`.
    init(_ records: [UsageRecord], from: Int, to: Int) {
        // Days are the buckets of a daily calendar window: the one definition of a UTC day.
        let daily = UsageWindow.calendar(.daily)
        let first = daily.bucket(at: from)
        var days = (first...daily.bucket(at: to - 1)).map { Day(start: daily.start(ofBucket: $0), tally: UsageTally()) }
        let middle = from + (to - from) / 2
        var halves = (first: 0, second: 0)
        for record in records {
            days[daily.bucket(at: record.time) - first].tally.add(record)
            if record.time < middle {
                halves.first = UsageTally.sum(halves.first, record.costMicros)
            } else {
                halves.second = UsageTally.sum(halves.second, record.costMicros)
            }
        }
        self.init(days: days, firstHalfCostMicros: halves.first, secondHalfCostMicros: halves.second,
                  changePercent: halves.first > 0
                      ? Proportion.scaled(UsageTally.sum(halves.second, -halves.first), per: halves.first, by: 100) : nil)
    }
}
