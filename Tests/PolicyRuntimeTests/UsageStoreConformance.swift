import Dispatch
import PolicyRuntime
import XCTest

/// What every ``UsageStore`` must do, written once: each store's test class calls every check
/// with a fresh store (MemoryUsageStoreTests, FileUsageStoreTests, RedisUsageStoreTests).
/// Times are seconds since the epoch; 2026-12-07T00:00:00Z is `day`.
enum UsageStoreConformance {
    static let day = 1_796_601_600  // 2026-12-07T00:00:00Z, a Monday
    static let hour = 3_600

    /// Every check's name: each store's test class has one test method per check.
    static let checkNames: [String] = [
        "reservesWithinTheLimit",
        "reservesAllOrNothing",
        "theLimitItselfFits",
        "aRepeatedRequestIDHoldsOnce",
        "settlingReplacesTheHold",
        "unknownAndRepeatedSettlementsChangeNothing",
        "unsettledReservationsAreReleasedAfterTheirTimeout",
        "calendarPeriodsStartAgainAtZero",
        "rollingWindowsForgetOldUseAndSayWhenToRetry",
        "thresholdsAreAnnouncedOncePerPeriod",
        "refusalsAreAnnouncedOncePerPeriod",
        "settledRequestsAreRecorded",
        "concurrentReservationsNeverOvershoot",
        "requestCountsOutliveTheirTimeout",
        "aMeterNeverGoesBackInTime",
        "refusalsAndThresholdsAreAnnouncedApart",
        "settlingReadsWhereMetersStand",
    ]

    static func meter(_ key: String, _ window: UsageWindow = .calendar(.daily)) -> Meter {
        Meter(key: key, window: window)
    }

    static func charge(_ key: String, limit: Int, amount: Int, unit: UsageUnit = .usdMicros, window: UsageWindow = .calendar(.daily),
                       thresholds: [Int] = []) -> MeterCharge {
        MeterCharge(meter: meter(key, window), unit: unit, limit: limit, amount: amount, thresholds: thresholds)
    }

    static func reservation(_ id: String, at time: Int = day + hour, timeout: Int = 900, _ charges: [MeterCharge],
                            user: String = "alice") -> ReservationRequest {
        ReservationRequest(requestID: id, time: time, expiresAt: time + timeout, charges: charges,
                           attribution: UsageAttribution(user: user, team: "platform", department: "engineering", role: "developer",
                                                         model: "claude-3-opus", feature: "ask_mode"))
    }

    static func settlement(_ id: String, at time: Int = day + hour + 10, cost: Int, tokensIn: Int = 100, tokensOut: Int = 50)
        -> SettlementRequest {
        SettlementRequest(requestID: id, time: time, costMicros: cost, tokensIn: tokensIn, tokensOut: tokensOut, model: nil)
    }

    static func reservesWithinTheLimit(_ store: any UsageStore) throws {
        let first = try store.reserve(reservation("r1", [charge("budget/daily/alice", limit: 1_000, amount: 300)]))
        XCTAssertEqual(first.status, .reserved)
        XCTAssertEqual(first.usedBefore, [0])
        let second = try store.reserve(reservation("r2", [charge("budget/daily/alice", limit: 1_000, amount: 300)]))
        XCTAssertEqual(second.usedBefore, [300])
        XCTAssertEqual(try store.used([meter("budget/daily/alice")], at: day + hour), [600])
        XCTAssertEqual(try store.used([meter("budget/daily/bob")], at: day + hour), [0], "another member's meter is untouched")
    }

    static func reservesAllOrNothing(_ store: any UsageStore) throws {
        _ = try store.reserve(reservation("r0", [charge("budget/team/platform", limit: 1_000, amount: 950)]))
        let result = try store.reserve(reservation("r1", [charge("budget/daily/alice", limit: 1_000, amount: 100),
                                                          charge("budget/team/platform", limit: 1_000, amount: 100)]))
        XCTAssertEqual(result.status, .refused)
        XCTAssertEqual(result.refused, [1])
        XCTAssertEqual(result.usedBefore, [0, 950])
        XCTAssertEqual(try store.used([meter("budget/daily/alice"), meter("budget/team/platform")], at: day + hour), [0, 950],
                       "a refused reservation holds nothing anywhere")
        // The refused id can reserve later, when there is room.
        XCTAssertEqual(try store.reserve(reservation("r1", [charge("budget/daily/alice", limit: 1_000, amount: 100)])).status, .reserved)
    }

    static func theLimitItselfFits(_ store: any UsageStore) throws {
        XCTAssertEqual(try store.reserve(reservation("r1", [charge("m", limit: 1_000, amount: 1_000)])).status, .reserved)
        XCTAssertEqual(try store.reserve(reservation("r2", [charge("m", limit: 1_000, amount: 1)])).status, .refused)
        XCTAssertEqual(try store.reserve(reservation("r3", [charge("n", limit: 1_000, amount: 1_001)])).status, .refused)
    }

    static func aRepeatedRequestIDHoldsOnce(_ store: any UsageStore) throws {
        XCTAssertEqual(try store.reserve(reservation("r1", [charge("m", limit: 1_000, amount: 400)])).status, .reserved)
        let again = try store.reserve(reservation("r1", [charge("m", limit: 1_000, amount: 400)]))
        XCTAssertEqual(again.status, .duplicate)
        XCTAssertEqual(try store.used([meter("m")], at: day + hour), [400])
    }

    static func settlingReplacesTheHold(_ store: any UsageStore) throws {
        _ = try store.reserve(reservation("r1", [charge("money", limit: 10_000, amount: 5_000),
                                                 charge("tokens", limit: 10_000, amount: 4_000, unit: .tokens),
                                                 charge("requests", limit: 10, amount: 1, unit: .requests, window: .rolling(seconds: 60))]))
        XCTAssertEqual(try store.settle(settlement("r1", cost: 1_234, tokensIn: 100, tokensOut: 23)), .settled)
        XCTAssertEqual(try store.used([meter("money"), meter("tokens"), meter("requests", .rolling(seconds: 60))], at: day + hour + 10),
                       [1_234, 123, 1])
    }

    static func settlingReadsWhereMetersStand(_ store: any UsageStore) throws {
        // Keys of five parts, as the runtime writes them: the meter is the limit's part and the member.
        let alice = "budget/daily/usd_micros/daily/alice", team = "rate/per_minute/requests/rolling:60/platform"
        _ = try store.reserve(reservation("other", [charge("budget/daily/usd_micros/daily/bob", limit: 10_000, amount: 900)]))
        _ = try store.reserve(reservation("r1", [charge(alice, limit: 10_000, amount: 5_000),
                                                 charge(team, limit: 10, amount: 1, unit: .requests, window: .rolling(seconds: 60))]))
        // The held meters in their order, then in another, then one the reservation did not hold.
        let wanted = [meter(alice), meter(team, .rolling(seconds: 60)), meter("budget/daily/usd_micros/daily/bob")]
        let settled = try store.settle(settlement("r1", cost: 1_234), reading: wanted)
        XCTAssertEqual(settled.result, .settled)
        XCTAssertEqual(settled.used, [1_234, 1, 900])
        XCTAssertEqual(settled.used, try store.used(wanted, at: day + hour + 10), "what settling reads is what reading reads")
        let again = try store.settle(settlement("r1", at: day + hour + 20, cost: 99), reading: Array(wanted.reversed()))
        XCTAssertEqual(again.result, .alreadySettled)
        XCTAssertEqual(again.used, [900, 1, 1_234])
        let unknown = try store.settle(settlement("nobody", cost: 5), reading: [meter(alice)])
        XCTAssertEqual(unknown.result, .unknown)
        XCTAssertEqual(unknown.used, [1_234])
        XCTAssertEqual(try store.settle(settlement("other", cost: 800), reading: []).used, [])
        // A key read back whole names the same meter as the runtime's two parts.
        XCTAssertEqual(Meter(key: alice, window: .calendar(.daily)).limit, "budget/daily/usd_micros/daily/")
        XCTAssertEqual(Meter(key: alice, window: .calendar(.daily)).member, "alice")
    }

    static func unknownAndRepeatedSettlementsChangeNothing(_ store: any UsageStore) throws {
        XCTAssertEqual(try store.settle(settlement("nobody", cost: 500)), .unknown)
        XCTAssertEqual(try store.used([meter("m")], at: day + hour), [0])
        _ = try store.reserve(reservation("r1", [charge("m", limit: 10_000, amount: 5_000)]))
        XCTAssertEqual(try store.settle(settlement("r1", cost: 700)), .settled)
        XCTAssertEqual(try store.settle(settlement("r1", at: day + hour + 20, cost: 9_000)), .alreadySettled)
        XCTAssertEqual(try store.used([meter("m")], at: day + hour + 30), [700])
        // A settled id cannot reserve again while it is remembered.
        XCTAssertEqual(try store.reserve(reservation("r1", at: day + hour + 40, [charge("m", limit: 10_000, amount: 5_000)])).status,
                       .duplicate)
    }

    static func unsettledReservationsAreReleasedAfterTheirTimeout(_ store: any UsageStore) throws {
        _ = try store.reserve(reservation("r1", timeout: 600, [charge("m", limit: 10_000, amount: 5_000)]))
        XCTAssertEqual(try store.used([meter("m")], at: day + hour + 599), [5_000])
        // Any operation at or after the deadline releases it; a later reservation sees the room.
        let later = try store.reserve(reservation("r2", at: day + hour + 600, [charge("m", limit: 10_000, amount: 6_000)]))
        XCTAssertEqual(later.status, .reserved)
        XCTAssertEqual(later.usedBefore, [0])
        // A completion arriving after the release is charged: the tokens were spent.
        XCTAssertEqual(try store.settle(settlement("r1", at: day + hour + 700, cost: 3_000)), .late)
        XCTAssertEqual(try store.used([meter("m")], at: day + hour + 700), [9_000])
    }

    static func calendarPeriodsStartAgainAtZero(_ store: any UsageStore) throws {
        let monthly = UsageWindow.calendar(.monthly)
        let january31 = 1_801_439_940  // 2027-01-31T23:59:00Z
        _ = try store.reserve(reservation("jan", at: january31, [charge("m", limit: 10_000, amount: 9_000, window: monthly)]))
        let february = january31 + 120
        let next = try store.reserve(reservation("feb", at: february, [charge("m", limit: 10_000, amount: 9_000, window: monthly)]))
        XCTAssertEqual(next.status, .reserved, "February starts at zero")
        XCTAssertEqual(next.usedBefore, [0])
        // January's reservation settles into January, not into February.
        XCTAssertEqual(try store.settle(settlement("jan", at: february + 10, cost: 8_000)), .settled)
        XCTAssertEqual(try store.used([meter("m", monthly)], at: february + 20), [9_000])
    }

    static func rollingWindowsForgetOldUseAndSayWhenToRetry(_ store: any UsageStore) throws {
        let minute = UsageWindow.rolling(seconds: 60)
        let start = day + hour
        for index in 0..<3 {
            let result = try store.reserve(reservation("q\(index)", at: start + index * 10, [charge("rate", limit: 3, amount: 1, unit: .requests, window: minute)]))
            XCTAssertEqual(result.status, .reserved)
        }
        let refused = try store.reserve(reservation("q3", at: start + 30, [charge("rate", limit: 3, amount: 1, unit: .requests, window: minute)]))
        XCTAssertEqual(refused.status, .refused)
        // The first request (at +0, bucket of one second) leaves the window 61 s later.
        XCTAssertEqual(refused.retryAfter, [31])
        XCTAssertEqual(try store.reserve(reservation("q4", at: start + 60, [charge("rate", limit: 3, amount: 1, unit: .requests, window: minute)])).status,
                       .refused, "a charge counts for the whole window and at most one bucket more")
        XCTAssertEqual(try store.reserve(reservation("q5", at: start + 61, [charge("rate", limit: 3, amount: 1, unit: .requests, window: minute)])).status,
                       .reserved)
        // A request above the whole limit never fits.
        let never = try store.reserve(reservation("q6", at: start + 62, [charge("rate", limit: 3, amount: 4, unit: .requests, window: minute)]))
        XCTAssertEqual(never.retryAfter, [nil])
    }

    static func thresholdsAreAnnouncedOncePerPeriod(_ store: any UsageStore) throws {
        func reserve(_ id: String, _ amount: Int, at time: Int) throws -> ReservationResult {
            try store.reserve(reservation(id, at: time, [charge("m", limit: 1_000, amount: amount, thresholds: [50, 80])]))
        }
        XCTAssertEqual(try reserve("a", 400, at: day + 10).crossings, [])
        XCTAssertEqual(try reserve("b", 100, at: day + 20).crossings, [.init(charge: 0, threshold: 50)], "exactly 50% crosses 50%")
        XCTAssertEqual(try reserve("c", 100, at: day + 30).crossings, [])
        XCTAssertEqual(try reserve("d", 250, at: day + 40).crossings, [.init(charge: 0, threshold: 80)], "the highest threshold crossed")
        XCTAssertEqual(try reserve("e", 10, at: day + 50).crossings, [])
        // Settling lower and crossing again in the same period announces nothing.
        _ = try store.settle(settlement("d", at: day + 60, cost: 0))
        XCTAssertEqual(try reserve("f", 250, at: day + 70).crossings, [])
        // The next day starts over.
        XCTAssertEqual(try reserve("g", 900, at: day + 86_400 + 10).crossings, [.init(charge: 0, threshold: 80)])
    }

    static func refusalsAreAnnouncedOncePerPeriod(_ store: any UsageStore) throws {
        func reserve(_ id: String, at time: Int) throws -> ReservationResult {
            try store.reserve(reservation(id, at: time, [charge("m", limit: 100, amount: 60)]))
        }
        XCTAssertEqual(try reserve("a", at: day + 10).status, .reserved)
        let first = try reserve("b", at: day + 20)
        XCTAssertEqual(first.status, .refused)
        XCTAssertEqual(first.crossings, [.init(charge: 0, threshold: nil)])
        XCTAssertEqual(try reserve("c", at: day + 30).crossings, [], "later refusals in the period are quiet")
        XCTAssertEqual(try reserve("d", at: day + 86_400 + 10).crossings, [])
        XCTAssertEqual(try reserve("e", at: day + 86_400 + 20).crossings, [.init(charge: 0, threshold: nil)])
    }

    static func settledRequestsAreRecorded(_ store: any UsageStore) throws {
        _ = try store.reserve(reservation("r1", at: day + 100, [charge("m", limit: 10_000, amount: 500)], user: "alice"))
        _ = try store.reserve(reservation("r2", at: day + 200, [charge("m", limit: 10_000, amount: 500)], user: "bob"))
        _ = try store.reserve(reservation("r3", at: day + 300, [charge("m", limit: 10_000, amount: 500)], user: "carol"))
        _ = try store.settle(settlement("r2", at: day + 250, cost: 42, tokensIn: 7, tokensOut: 3))
        _ = try store.settle(settlement("r1", at: day + 260, cost: 41, tokensIn: 6, tokensOut: 2))
        let records = try store.records(from: nil, to: nil)
        XCTAssertEqual(records.map(\.requestID), ["r1", "r2"], "settled only, oldest reservation first")
        XCTAssertEqual(records.first?.attribution.user, "alice")
        XCTAssertEqual(records.first?.attribution.model, "claude-3-opus")
        XCTAssertEqual(records.first.map { [$0.costMicros, $0.tokensIn, $0.tokensOut] }, [41, 6, 2])
        XCTAssertEqual(try store.records(from: day + 150, to: day + 300).map(\.requestID), ["r2"])
    }

    static func concurrentReservationsNeverOvershoot(_ store: any UsageStore) throws {
        let limit = 200
        let threads = 8
        let attempts = 60
        let reserved = ReservedCount()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for attempt in 0..<attempts {
                let result = try? store.reserve(reservation("t\(thread)-\(attempt)", [charge("shared", limit: limit, amount: 1),
                                                                                     charge("user\(thread)", limit: 1_000, amount: 1)]))
                if result?.status == .reserved { reserved.add() }
            }
        }
        XCTAssertEqual(reserved.value, limit, "exactly the limit is reserved, never more")
        XCTAssertEqual(try store.used([meter("shared")], at: day + hour), [limit])
        let perUser = try store.used((0..<threads).map { meter("user\($0)") }, at: day + hour)
        XCTAssertEqual(perUser.reduce(0, +), limit, "a refused reservation held nothing on its other meter")
    }
}

extension UsageStoreConformance {
    static func requestCountsOutliveTheirTimeout(_ store: any UsageStore) throws {
        let minute = UsageWindow.rolling(seconds: 60)
        _ = try store.reserve(reservation("r1", timeout: 30, [charge("rate", limit: 5, amount: 1, unit: .requests, window: minute),
                                                              charge("money", limit: 10_000, amount: 500)]))
        // Released at its timeout: the money comes back, the request was made all the same.
        XCTAssertEqual(try store.reserve(reservation("r2", at: day + hour + 40, [charge("probe", limit: 5, amount: 1)])).status, .reserved)
        XCTAssertEqual(try store.used([meter("rate", minute), meter("money")], at: day + hour + 40), [1, 0])
        XCTAssertEqual(try store.settle(settlement("r1", at: day + hour + 45, cost: 300)), .late)
        XCTAssertEqual(try store.used([meter("rate", minute), meter("money")], at: day + hour + 45), [1, 300],
                       "a late completion charges its money, and counts its request once")
    }

    static func aMeterNeverGoesBackInTime(_ store: any UsageStore) throws {
        // Two hosts whose clocks differ by half a minute at midnight.
        let midnight = day + 86_400
        XCTAssertEqual(try store.reserve(reservation("a", at: midnight - 40, [charge("m", limit: 1_000, amount: 450)])).status, .reserved)
        XCTAssertEqual(try store.reserve(reservation("b", at: midnight + 5, [charge("m", limit: 1_000, amount: 450)])).status, .reserved)
        let late = try store.reserve(reservation("c", at: midnight - 20, [charge("m", limit: 1_000, amount: 450)]))
        XCTAssertEqual(late.usedBefore, [450], "the old day, once left, is not counted from zero again")
        XCTAssertEqual(try store.reserve(reservation("d", at: midnight - 15, [charge("m", limit: 1_000, amount: 450)])).status, .refused)
        XCTAssertEqual(try store.used([meter("m")], at: midnight - 10), [900])
    }

    static func refusalsAndThresholdsAreAnnouncedApart(_ store: any UsageStore) throws {
        func reserve(_ id: String, _ amount: Int, at time: Int) throws -> ReservationResult {
            try store.reserve(reservation(id, at: time, [charge("m", limit: 1_000, amount: amount, thresholds: [80])]))
        }
        let huge = try reserve("a", 2_000, at: day + 10)
        XCTAssertEqual(huge.crossings, [.init(charge: 0, threshold: nil)])
        XCTAssertEqual(try reserve("b", 850, at: day + 20).crossings, [.init(charge: 0, threshold: 80)],
                       "an early refusal does not silence the day's 80% warning")
        XCTAssertEqual(try reserve("c", 200, at: day + 30).crossings, [], "and the refusal was announced already")
    }
}

/// A counter shared by threads.
final class ReservedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
