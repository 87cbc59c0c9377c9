/// One counter of use: a budget or rate limit for one member of its scope (`alice`'s daily
/// budget), counted over a window.
///
/// A meter is named by its ``key``: `budget/NAME/UNIT/WINDOW/MEMBER` or `rate/…/MEMBER`. It is
/// kept in two parts — ``limit``, the first four parts with their slashes, shared by all of a
/// limit's meters, and ``member``, the rest — so that metering a request neither builds the key
/// nor hashes the limit's part again: the limit's hash is worked out once per limit, and a
/// ledger looks a meter up by that and the member (``MeterName``). A key with fewer than four
/// slashes is all limit.
public struct Meter: Sendable, Hashable {
    /// The start of the key that all of a limit's meters share: `budget/NAME/UNIT/WINDOW/`.
    public let limit: String
    /// The rest of the key: the member of the scope (`alice`; empty for the organization).
    public let member: String
    /// How the meter counts over time.
    public let window: UsageWindow
    /// `limit`'s hash, worked out once per limit.
    let limitHash: Int

    /// Creates the meter a key names, split into its limit's part and its member.
    public init(key: String, window: UsageWindow) {
        let name = MeterName(key: key)
        self.init(limit: name.limit, limitHash: name.limitHash, member: name.member, window: window)
    }

    /// A meter of a limit whose part of the key (four parts and their slashes) and its hash
    /// are worked out already.
    init(limit: String, limitHash: Int, member: String, window: UsageWindow) {
        self.limit = limit
        self.member = member
        self.window = window
        self.limitHash = limitHash
    }

    /// The store's key: `limit + member`.
    public var key: String { limit + member }

    /// The name the ledger keeps the meter under.
    var name: MeterName { MeterName(limit: limit, limitHash: limitHash, member: member) }

    /// Equal when the keys and windows are.
    public static func == (left: Meter, right: Meter) -> Bool {
        left.name == right.name && left.window == right.window
    }

    /// Hashes the key and the window.
    public func hash(into hasher: inout Hasher) {
        name.hash(into: &hasher)
        hasher.combine(window)
    }
}

/// What a meter is called in a ledger: its limit's part of the key, with that part's hash
/// worked out once, and its member. Hashing it hashes the member only (and the limit's hash):
/// hashing the whole key — forty-odd bytes, of which all but the member are the same for every
/// meter of the limit — cost more than the rest of a look-up.
struct MeterName: Hashable, Sendable {
    let limit: String
    let limitHash: Int
    let member: String

    static func == (left: MeterName, right: MeterName) -> Bool {
        left.limitHash == right.limitHash && left.member == right.member && left.limit == right.limit
    }

    init(limit: String, limitHash: Int, member: String) {
        self.limit = limit
        self.limitHash = limitHash
        self.member = member
    }

    /// The name a whole key gives: split after its fourth slash (all limit when it has fewer).
    init(key: String) {
        var slashes = 0
        var end = key.utf8.endIndex
        for index in key.utf8.indices where key.utf8[index] == UInt8(ascii: "/") {
            slashes += 1
            if slashes == 4 {
                end = key.utf8.index(after: index)
                break
            }
        }
        let limit = String(key[..<end])
        self.init(limit: limit, limitHash: limit.hashValue, member: String(key[end...]))
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(limitHash)
        hasher.combine(member)
    }

    /// The whole key.
    var key: String { limit + member }
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
