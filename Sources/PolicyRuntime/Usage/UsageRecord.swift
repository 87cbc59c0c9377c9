/// One settled request, for reports.
public struct UsageRecord: Sendable, Equatable {
    /// The gateway's request id.
    public var requestID: String
    /// When the request reserved, in seconds since the epoch.
    public var time: Int
    /// Who and what.
    public var attribution: UsageAttribution
    /// Actual input tokens.
    public var tokensIn: Int
    /// Actual output tokens.
    public var tokensOut: Int
    /// Actual cost in micro-dollars.
    public var costMicros: Int

    /// Creates a record.
    public init(requestID: String, time: Int, attribution: UsageAttribution, tokensIn: Int, tokensOut: Int, costMicros: Int) {
        self.requestID = requestID
        self.time = time
        self.attribution = attribution
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.costMicros = costMicros
    }
}

extension UsageRecord {
    /// The records reserved in `[from, to)` (either end open when nil), oldest first; records of
    /// one time keep their order. What every store's `records(from:to:)` answers.
    static func selected(_ records: [UsageRecord], from: Int?, to: Int?) -> [UsageRecord] {
        records.enumerated()
            .filter { entry in (from.map { entry.element.time >= $0 } ?? true) && (to.map { entry.element.time < $0 } ?? true) }
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
    }
}
