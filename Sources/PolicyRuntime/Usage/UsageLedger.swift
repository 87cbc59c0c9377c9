/// The usage arithmetic every store in this process shares: meters as amounts per bucket,
/// open reservations, closed ones remembered for idempotency, and threshold marks.
///
/// A value type changed only by ``reserve(_:)``, ``settle(_:)``, ``releaseExpired(at:)`` (and
/// ``add(_:to:at:)``, the prior use a test states, which only the memory store offers),
/// each deterministic in the ledger and its argument: the durable store logs the operations and
/// gets the same ledger back by replaying them. The Redis store runs the same arithmetic as a
/// server-side script (`RedisUsageScripts`); the conformance suite holds them to one
/// behaviour.
struct UsageLedger: Sendable {
    /// One meter's buckets and its announcement mark.
    struct MeterState: Sendable, Equatable {
        /// Amount per bucket index.
        var buckets = BucketAmounts()
        /// What was announced until `markUntil`: the highest threshold crossed, plus
        /// ``UsageLedger/refusalMark`` once the limit refused a request (kept apart, so a refusal
        /// does not silence a later threshold and the reverse).
        var markLevel = 0
        /// When the mark lapses (the period's end, or a window after it was set).
        var markUntil = Int.min
    }

    /// An amount held on one bucket of one meter.
    struct Hold: Sendable, Equatable {
        /// The meter's slot.
        var meter: Int
        var bucket: Int
        var unit: UsageUnit
        var amount: Int
    }

    /// A reservation, open or closed.
    struct Reservation: Sendable, Equatable {
        var time: Int
        var expiresAt: Int
        var holds: [Hold]
        var attribution: UsageAttribution
        var state: State

        enum State: String, Sendable, Equatable {
            case open, released, settled
        }
    }

    /// What a refusal adds to a mark: above every threshold (thresholds are at most 100%).
    static let refusalMark = 1_000

    /// Each meter's slot in `meters`, by name: a meter is looked up once per reservation, and
    /// its holds, settlements and releases reach it by slot (no hashing of its key again).
    /// A meter, once added, keeps its slot for the ledger's life: meters are as many as the
    /// members of the policy's scopes, and an idle meter is a few words.
    private(set) var meterSlots: [MeterName: Int] = [:]
    /// Each slot's meter name (what a snapshot writes).
    private(set) var meterNames: [MeterName] = []
    /// Each slot's meter state. Internal (not private) so a snapshot can write and read it.
    var meters: [MeterState] = []
    /// Every reservation still remembered, by request id.
    var reservations: [String: Reservation] = [:]
    /// (when, request id): open reservations by expiry, closed ones by when they are forgotten.
    /// Rebuilt from `reservations` when a snapshot is read (entries that no longer match their
    /// reservation are skipped anyway, so only the matching ones matter).
    var deadlines = MinHeap<Deadline>()
    /// Settled requests, when the ledger keeps them (the memory store); nil otherwise.
    var records: [UsageRecord]?

    /// When a reservation is due, ordered by time and then by when it was scheduled. (Ordering
    /// by request id instead compared strings on every step of the heap, since many requests
    /// share a second; scheduling order mostly follows time, so a new deadline rarely moves.)
    struct Deadline: Comparable, Sendable, Equatable {
        var time: Int
        var sequence: Int
        var requestID: String
        static func < (left: Deadline, right: Deadline) -> Bool {
            (left.time, left.sequence) < (right.time, right.sequence)
        }
    }

    /// Sequence numbers for deadlines: deterministic, so a replay orders them alike.
    private var scheduled = 0

    /// Schedules a reservation's next deadline.
    mutating func schedule(_ requestID: String, at time: Int) {
        scheduled += 1
        deadlines.insert(Deadline(time: time, sequence: scheduled, requestID: requestID))
    }

    init(keepsRecords: Bool = false) {
        records = keepsRecords ? [] : nil
    }

    /// The slot of a meter, added (empty) if the ledger has none yet.
    mutating func slot(for name: MeterName) -> Int {
        if let slot = meterSlots[name] { return slot }
        meterSlots[name] = meters.count
        meterNames.append(name)
        meters.append(MeterState())
        return meters.count - 1
    }

    /// Use of a meter at `time`: the buckets its window counts.
    func used(_ meter: Meter, at time: Int) -> Int {
        guard let slot = meterSlots[meter.name] else { return 0 }
        return UsageLedger.used(meters[slot], meter.window, at: time)
    }

    /// Use of a meter's state in its window at `time`.
    private static func used(_ state: MeterState, _ window: UsageWindow, at time: Int) -> Int {
        let current = UsageLedger.current(window, at: time, state)
        return state.buckets.sum(from: window.oldestCounted(current: current), through: current)
    }

    /// The bucket a charge or a reading at `time` counts in: the bucket of that time, or the
    /// meter's newest bucket if that is later. A meter never goes back in time — hosts whose
    /// clocks differ by seconds around midnight, or requests whose timestamps go backwards, could
    /// otherwise bring back a period already left and count it from zero.
    static func current(_ window: UsageWindow, at time: Int, _ state: MeterState?) -> Int {
        let bucket = window.bucket(at: time)
        guard let newest = state?.buckets.newest, newest > bucket else { return bucket }
        return newest
    }

    /// Reserves all charges or none (see ``UsageStore/reserve(_:)``). Returns the result and
    /// whether the ledger changed (a refusal that announces nothing and releases nothing does not).
    mutating func reserve(_ request: ReservationRequest) -> (result: ReservationResult, changed: Bool) {
        let changed = releaseExpired(at: request.time)
        // One look-up per meter (-1: none yet), kept on the stack; its state read now and changed
        // by slot below.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: request.charges.count) { slots in
            reserve(request, slots: slots, changed: changed)
        }
    }

    private mutating func reserve(_ request: ReservationRequest, slots: UnsafeMutableBufferPointer<Int>,
                                  changed: Bool) -> (result: ReservationResult, changed: Bool) {
        var changed = changed
        var usedBefore: [Int] = []
        usedBefore.reserveCapacity(request.charges.count)
        for (index, charge) in request.charges.enumerated() {
            let slot = meterSlots[charge.meter.name] ?? -1
            slots[index] = slot
            usedBefore.append(slot < 0 ? 0 : UsageLedger.used(meters[slot], charge.meter.window, at: request.time))
        }
        if reservations[request.requestID] != nil {
            return (ReservationResult(status: .duplicate, usedBefore: usedBefore), changed)
        }
        var refused: [Int] = []
        var retryAfter: [Int?] = []
        for (index, charge) in request.charges.enumerated() {
            let (total, overflow) = usedBefore[index].addingReportingOverflow(charge.amount)
            if overflow || total > charge.limit {
                refused.append(index)
                retryAfter.append(retryDelay(charge, slots[index], usedBefore: usedBefore[index], at: request.time))
            }
        }
        var crossings: [ReservationResult.Crossing] = []
        if !refused.isEmpty {
            for index in refused where announceRefusal(request.charges[index], at: request.time) {
                crossings.append(.init(charge: index, threshold: nil))
                changed = true
            }
            return (ReservationResult(status: .refused, usedBefore: usedBefore, refused: refused, retryAfter: retryAfter,
                                      crossings: crossings), changed)
        }
        var holds: [Hold] = []
        holds.reserveCapacity(request.charges.count)
        for (index, charge) in request.charges.enumerated() {
            let slot = slots[index] >= 0 ? slots[index] : slot(for: charge.meter.name)
            let bucket = UsageLedger.current(charge.meter.window, at: request.time, meters[slot])
            UsageLedger.hold(charge.amount, in: &meters[slot], bucket: bucket, window: charge.meter.window)
            holds.append(Hold(meter: slot, bucket: bucket, unit: charge.unit, amount: charge.amount))
            // A threshold is crossed when use before was under it and use after is at or over it
            // (compared exactly: used × 100 against threshold × limit).
            let before = usedBefore[index].multipliedFullWidth(by: 100)
            let after = (usedBefore[index] + charge.amount).multipliedFullWidth(by: 100)
            for threshold in charge.thresholds.reversed() {
                let line = threshold.multipliedFullWidth(by: charge.limit)
                guard before < line, !(after < line) else { continue }
                if UsageLedger.mark(&meters[slot], level: threshold, refusal: false,
                                    until: charge.meter.window.announcementEnd(at: request.time), at: request.time) {
                    crossings.append(.init(charge: index, threshold: threshold))
                }
                break
            }
        }
        reservations[request.requestID] = Reservation(time: request.time, expiresAt: request.expiresAt, holds: holds,
                                                      attribution: request.attribution, state: .open)
        schedule(request.requestID, at: request.expiresAt)
        return (ReservationResult(status: .reserved, usedBefore: usedBefore, crossings: crossings), true)
    }

    /// Seconds until a rolling window has room for the charge: the oldest buckets drop out one
    /// by one. Nil for a calendar period and for an amount the limit can never hold.
    private func retryDelay(_ charge: MeterCharge, _ slot: Int, usedBefore: Int, at time: Int) -> Int? {
        guard case .rolling = charge.meter.window, charge.amount <= charge.limit, slot >= 0 else { return nil }
        let window = charge.meter.window
        let state = meters[slot]
        let current = UsageLedger.current(window, at: time, state)
        let oldest = window.oldestCounted(current: current)
        var remaining = usedBefore
        for bucket in oldest...current {
            remaining -= state.buckets[bucket] ?? 0
            // After bucket `bucket` leaves the window, i.e. once the current bucket is bucket + span + 1.
            if remaining + charge.amount <= charge.limit {
                return max(1, window.start(ofBucket: bucket + window.spanBuckets + 1) - time)
            }
        }
        return nil
    }

    /// Announces a refusal on a meter unless one was already announced this period; true when
    /// it is announced now.
    private mutating func announceRefusal(_ charge: MeterCharge, at time: Int) -> Bool {
        let slot = slot(for: charge.meter.name)
        return UsageLedger.mark(&meters[slot], level: 0, refusal: true, until: charge.meter.window.announcementEnd(at: time), at: time)
    }

    /// Marks a threshold (`level`) or a refusal announced until `until`, unless it already is
    /// (a threshold at or above `level`); true when it is announced now.
    private static func mark(_ state: inout MeterState, level: Int, refusal: Bool, until: Int, at time: Int) -> Bool {
        let standing = state.markUntil > time ? state.markLevel : 0
        let refused = standing >= refusalMark
        let threshold = standing % refusalMark
        if refusal ? refused : threshold >= level { return false }
        state.markLevel = refusal ? refusalMark + threshold : (refused ? refusalMark : 0) + level
        state.markUntil = until
        return true
    }

    /// Adds an amount to a meter's bucket, dropping the buckets its window no longer counts.
    private static func hold(_ amount: Int, in state: inout MeterState, bucket: Int, window: UsageWindow) {
        state.buckets.drop(before: window.oldestCounted(current: bucket))
        state.buckets.add(amount, to: bucket)
    }

    /// Settles a reservation (see ``UsageStore/settle(_:)``).
    mutating func settle(_ settlement: SettlementRequest) -> (result: SettlementResult, changed: Bool) {
        let settled = settle(settlement, reading: [])
        return (settled.result, settled.changed)
    }

    /// Settles a reservation and reads `meters` after it (see ``UsageStore/settle(_:reading:)``).
    /// A meter the reservation held is reached by its slot, without a look-up.
    mutating func settle(_ settlement: SettlementRequest, reading wanted: [Meter]) -> (result: SettlementResult, used: [Int], changed: Bool) {
        let changed = releaseExpired(at: settlement.time)
        guard let position = reservations.index(forKey: settlement.requestID) else {
            return (.unknown, wanted.map { used($0, at: settlement.time) }, changed)
        }
        // Read and changed in place: one look-up, and no copy of the reservation's fields.
        let reservation = reservations.values[position]
        let result: SettlementResult
        switch reservation.state {
        case .settled: return (.alreadySettled, read(wanted, held: reservation.holds, at: settlement.time), changed)
        case .open: result = .settled
        case .released: result = .late
        }
        for hold in reservation.holds {
            let actual = settlement.amount(in: hold.unit, reserved: hold.amount)
            // Released holds were taken back already (but a request count, which a release keeps);
            // open ones give way to the actual amount.
            let delta = reservation.state == .open ? actual &- hold.amount : hold.unit == .requests ? 0 : actual
            // A bucket no longer kept has left its window: the amount no longer counts anywhere.
            meters[hold.meter].buckets.adjust(hold.bucket, by: delta)
        }
        if records != nil {
            var attribution = reservation.attribution
            if let model = settlement.model { attribution.model = model }
            records?.append(UsageRecord(requestID: settlement.requestID, time: reservation.time, attribution: attribution,
                                        tokensIn: settlement.tokensIn, tokensOut: settlement.tokensOut, costMicros: settlement.costMicros))
        }
        // Remembered for one more timeout, so that a repeated completion is recognised.
        let forgetAt = max(reservation.expiresAt, settlement.time) + (reservation.expiresAt - reservation.time)
        reservations.values[position].state = .settled
        reservations.values[position].expiresAt = forgetAt
        schedule(settlement.requestID, at: forgetAt)
        return (result, read(wanted, held: reservation.holds, at: settlement.time), true)
    }

    /// Use of each meter at `time`; a meter held at the same position of `holds` (a completion
    /// reads the meters its request reserved on, in the same order) is reached by its slot.
    private func read(_ wanted: [Meter], held holds: [Hold], at time: Int) -> [Int] {
        guard !wanted.isEmpty else { return [] }
        var used: [Int] = []
        used.reserveCapacity(wanted.count)
        for (index, meter) in wanted.enumerated() {
            if index < holds.count, meterNames[holds[index].meter] == meter.name {
                used.append(UsageLedger.used(meters[holds[index].meter], meter.window, at: time))
            } else {
                used.append(self.used(meter, at: time))
            }
        }
        return used
    }

    /// Releases open reservations whose time is up and forgets closed ones past their keeping
    /// time; true when anything changed.
    @discardableResult
    mutating func releaseExpired(at time: Int) -> Bool {
        var changed = false
        while let next = deadlines.minimum, next.time <= time {
            deadlines.removeMinimum()
            // A deadline that no longer matches its reservation was superseded (settled later).
            guard var reservation = reservations[next.requestID], reservation.expiresAt == next.time else { continue }
            changed = true
            switch reservation.state {
            case .open:
                // The request was made whether or not it ran: a request count is kept.
                for hold in reservation.holds where hold.unit != .requests {
                    meters[hold.meter].buckets.adjust(hold.bucket, by: 0 &- hold.amount)
                }
                reservation.state = .released
                let forgetAt = next.time + (reservation.expiresAt - reservation.time)
                reservation.expiresAt = forgetAt
                reservations[next.requestID] = reservation
                schedule(next.requestID, at: forgetAt)
            case .released, .settled:
                reservations[next.requestID] = nil
            }
        }
        return changed
    }

    /// Adds use to a meter's current bucket directly: prior use that a test states.
    mutating func add(_ amount: Int, to meter: Meter, at time: Int) {
        let slot = slot(for: meter.name)
        let bucket = UsageLedger.current(meter.window, at: time, meters[slot])
        meters[slot].buckets.add(amount, to: bucket)
    }
}
