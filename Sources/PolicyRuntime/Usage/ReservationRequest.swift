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
