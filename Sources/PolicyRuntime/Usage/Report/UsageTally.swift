/// Requests, tokens and money added up: a report's totals, one row of it, one day of its trend.
public struct UsageTally: Sendable, Equatable {
    /// Settled requests.
    public var requests = 0
    /// Input tokens.
    public var tokensIn = 0
    /// Output tokens.
    public var tokensOut = 0
    /// Actual cost in micro-dollars.
    public var costMicros = 0

    /// Nothing yet.
    public init() {}

    /// A tally of these amounts.
    public init(requests: Int, tokensIn: Int, tokensOut: Int, costMicros: Int) {
        self.requests = requests
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.costMicros = costMicros
    }

    /// Counts one settled request. Sums saturate: a store holds at most what its counters do,
    /// and a report must not trap on a corrupt or hostile record.
    public mutating func add(_ record: UsageRecord) {
        requests = UsageTally.sum(requests, 1)
        tokensIn = UsageTally.sum(tokensIn, record.tokensIn)
        tokensOut = UsageTally.sum(tokensOut, record.tokensOut)
        costMicros = UsageTally.sum(costMicros, record.costMicros)
    }

    /// `left + right`, held at the largest or smallest Int instead of overflowing.
    static func sum(_ left: Int, _ right: Int) -> Int {
        let (total, overflow) = left.addingReportingOverflow(right)
        return overflow ? (right > 0 ? Int.max : Int.min) : total
    }
}
