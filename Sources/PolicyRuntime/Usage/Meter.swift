/// One counter of use: a budget or rate limit for one member of its scope (`alice`'s daily
/// budget), counted over a window.
public struct Meter: Sendable, Equatable, Hashable {
    /// The store's key: `budget/NAME/UNIT/WINDOW/MEMBER` or `rate/NAME/UNIT/WINDOW/MEMBER`.
    public var key: String
    /// How the meter counts over time.
    public var window: UsageWindow

    /// Creates a meter.
    public init(key: String, window: UsageWindow) {
        self.key = key
        self.window = window
    }
}

/// What a meter counts.
public enum UsageUnit: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Money in micro-dollars: the request's cost at the model's prices.
    case usdMicros = "usd_micros"
    /// Tokens, input and output together.
    case tokens
    /// Requests: each counts one.
    case requests
}

extension UsageUnit {
    /// What a request that used these counts on a meter of this unit: its cost, its tokens in
    /// and out, or its count of requests.
    public func amount(costMicros: Int, tokensIn: Int, tokensOut: Int, requests: Int) -> Int {
        switch self {
        case .usdMicros: return costMicros
        case .tokens: return tokensIn &+ tokensOut
        case .requests: return requests
        }
    }
}

/// One meter a reservation holds an amount on.
public struct MeterCharge: Sendable, Equatable {
    /// The meter.
    public var meter: Meter
    /// What its amounts are.
    public var unit: UsageUnit
    /// The most its window may hold.
    public var limit: Int
    /// What this request holds on it: the estimate (settled later to the actual amount).
    public var amount: Int
    /// Warning thresholds in whole percent, ascending: crossings are reported once per period.
    public var thresholds: [Int]

    /// Creates a charge.
    public init(meter: Meter, unit: UsageUnit, limit: Int, amount: Int, thresholds: [Int]) {
        self.meter = meter
        self.unit = unit
        self.limit = limit
        self.amount = amount
        self.thresholds = thresholds
    }
}
