/// A completion's report of what its request used.
public struct SettlementRequest: Sendable, Equatable {
    /// The id the request reserved under.
    public var requestID: String
    /// When the completion arrived.
    public var time: Int
    /// The actual cost in micro-dollars (at the prices of the model that answered).
    public var costMicros: Int
    /// Actual input tokens.
    public var tokensIn: Int
    /// Actual output tokens.
    public var tokensOut: Int
    /// The model that answered, when the completion names it.
    public var model: String?

    /// Creates a settlement.
    public init(requestID: String, time: Int, costMicros: Int, tokensIn: Int, tokensOut: Int, model: String?) {
        self.requestID = requestID
        self.time = time
        self.costMicros = costMicros
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.model = model
    }

    /// The actual amount in a unit; a request counts once whatever it used.
    public func amount(in unit: UsageUnit, reserved: Int) -> Int {
        unit.amount(costMicros: costMicros, tokensIn: tokensIn, tokensOut: tokensOut, requests: reserved)
    }
}

/// What a store did with a settlement.
public enum SettlementResult: String, Sendable, Equatable {
    /// The held amounts were replaced by the actual ones.
    case settled
    /// The reservation had already timed out and been released: the actual amounts are charged
    /// to the periods it held (the money was spent).
    case late
    /// No reservation has this id (never made, or forgotten long ago): nothing changed.
    case unknown
    /// The reservation was already settled: nothing changed.
    case alreadySettled = "already_settled"
}
