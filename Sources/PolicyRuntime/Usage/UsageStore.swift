/// Where usage is kept: the one protocol the in-memory, the durable embedded and the Redis
/// store implement, each tested by the same conformance suite (docs/runtime.md, "Usage stores").
///
/// Every operation is atomic: a reservation is checked against every meter it charges and
/// either holds all of them or none, however many threads, processes or hosts share the store.
/// Operations are idempotent by request id, so a gateway may safely ask again after a timeout.
public protocol UsageStore: Sendable {
    /// Holds `reservation`'s amounts on all its meters if every one has room, else on none.
    func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult
    /// Replaces a reservation's held amounts by what the request actually used.
    func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult
    /// Use in each meter's window at `time` (settled and held), without changing anything.
    func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int]
    /// The settled requests whose reservation was made in `[from, to)` (either end open when nil),
    /// oldest first: what `policyc usage report` reads.
    func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord]
}

/// Why a store could not do what was asked. The runtime fails closed on any of them
/// (`budget_unavailable`) unless the policy's `usage.fail_open` says otherwise.
public struct UsageStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in one line (never a key or a request's text).
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

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

/// Who a request's use is attributed to, for reports.
public struct UsageAttribution: Sendable, Equatable, Hashable {
    /// `user.id`
    public var user: String?
    /// `user.team`
    public var team: String?
    /// `user.department`
    public var department: String?
    /// `user.role`
    public var role: String?
    /// The model (canonical id).
    public var model: String?
    /// `feature`
    public var feature: String?

    /// Creates an attribution.
    public init(user: String? = nil, team: String? = nil, department: String? = nil, role: String? = nil, model: String? = nil,
                feature: String? = nil) {
        self.user = user
        self.team = team
        self.department = department
        self.role = role
        self.model = model
        self.feature = feature
    }
}

/// A request's reservation: its estimated use on every meter in its scope.
public struct ReservationRequest: Sendable, Equatable {
    /// The gateway's request id; a completion with the same id settles the reservation.
    public var requestID: String
    /// When the request was made, in seconds since the epoch.
    public var time: Int
    /// When an unsettled reservation is released.
    public var expiresAt: Int
    /// The meters and amounts, in the policy's order (budgets, then rate limits).
    public var charges: [MeterCharge]
    /// Who it is for.
    public var attribution: UsageAttribution

    /// Creates a reservation request.
    public init(requestID: String, time: Int, expiresAt: Int, charges: [MeterCharge], attribution: UsageAttribution) {
        self.requestID = requestID
        self.time = time
        self.expiresAt = expiresAt
        self.charges = charges
        self.attribution = attribution
    }
}

/// What a store did with a reservation.
public struct ReservationResult: Sendable, Equatable {
    /// The three ways a reservation ends.
    public enum Status: String, Sendable, Equatable {
        /// Every meter had room; the amounts are held.
        case reserved
        /// Some meter had no room; nothing is held.
        case refused
        /// The request id already holds (or held) a reservation; nothing changed.
        case duplicate
    }

    /// A threshold or limit use crossed for the first time in its period.
    public struct Crossing: Sendable, Equatable, Hashable {
        /// Index of the charge in the request.
        public var charge: Int
        /// The warning threshold in whole percent, or nil when the limit refused the request.
        public var threshold: Int?

        /// Creates a crossing.
        public init(charge: Int, threshold: Int?) {
            self.charge = charge
            self.threshold = threshold
        }
    }

    /// reserved, refused or duplicate.
    public var status: Status
    /// Per charge: use in its window before this request (settled and held).
    public var usedBefore: [Int]
    /// Indexes of the charges that had no room (refused only).
    public var refused: [Int]
    /// Per refused charge: seconds until its window has room for the amount, or nil when it
    /// never will in this period (a calendar period: until it ends; an amount above the limit).
    public var retryAfter: [Int?]
    /// Thresholds and limits crossed for the first time in their period by this request.
    public var crossings: [Crossing]

    /// Creates a result.
    public init(status: Status, usedBefore: [Int], refused: [Int] = [], retryAfter: [Int?] = [], crossings: [Crossing] = []) {
        self.status = status
        self.usedBefore = usedBefore
        self.refused = refused
        self.retryAfter = retryAfter
        self.crossings = crossings
    }
}

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
