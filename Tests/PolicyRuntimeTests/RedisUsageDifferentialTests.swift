import Foundation
@testable import PolicyRuntime
import XCTest

/// The Redis store's scripts against ``UsageLedger`` itself: the same random operations on a
/// ``MemoryUsageStore`` and a ``RedisUsageStore`` must give the same answer, operation by operation.
///
/// The operations are built to reach the ledger's corners: ids reused (duplicates, and reuse
/// after being forgotten), several charges on one meter, limits small enough to refuse, amounts
/// above the limit, thresholds, every kind of window, time that jumps by days and sometimes steps
/// back (hosts' clocks differ), timeouts of zero, late and repeated settlements. Each seed is
/// deterministic; set `POLICYLANG_DIFF_SEED` to replay one, `POLICYLANG_DIFF_OPERATIONS` for more.
final class RedisUsageDifferentialTests: XCTestCase {
    typealias Suite = UsageStoreConformance

    /// A meter of the pool, with the unit and limit its charges usually have.
    private struct PoolMeter {
        var meter: Meter
        var unit: UsageUnit
        var limit: Int
    }

    private static let pool: [PoolMeter] = [
        PoolMeter(meter: Suite.meter("budget/daily/alice"), unit: .usdMicros, limit: 5_000),
        PoolMeter(meter: Suite.meter("budget/weekly/platform", .calendar(.weekly)), unit: .usdMicros, limit: 20_000),
        PoolMeter(meter: Suite.meter("budget/monthly/org", .calendar(.monthly)), unit: .tokens, limit: 60_000),
        PoolMeter(meter: Suite.meter("budget/quarterly/org", .calendar(.quarterly)), unit: .usdMicros, limit: 100_000),
        PoolMeter(meter: Suite.meter("budget/yearly/org", .calendar(.yearly)), unit: .tokens, limit: 400_000),
        PoolMeter(meter: Suite.meter("rate/minute/alice", .rolling(seconds: 60)), unit: .requests, limit: 6),
        PoolMeter(meter: Suite.meter("rate/30s/bob", .rolling(seconds: 30)), unit: .requests, limit: 3),
        PoolMeter(meter: Suite.meter("rate/hour/tokens", .rolling(seconds: 3_600)), unit: .tokens, limit: 9_000),
        PoolMeter(meter: Suite.meter("budget/30d/alice", .rolling(seconds: 2_592_000)), unit: .usdMicros, limit: 50_000),
    ]

    func testRandomOperationsMatchTheLedger() throws {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64] = environment["POLICYLANG_DIFF_SEED"].flatMap { UInt64($0) }.map { [$0] } ?? [1, 2, 3]
        let operations = environment["POLICYLANG_DIFF_OPERATIONS"].flatMap { Int($0) } ?? 2_000
        for seed in seeds {
            let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
            try run(seed: seed, operations: operations, redis: RedisUsageStore(endpoint: endpoint, keyPrefix: prefix))
        }
    }

    private func run(seed: UInt64, operations: Int, redis: RedisUsageStore) throws {
        var random = SplitMix64(seed: seed)
        let memory = MemoryUsageStore()
        var now = Suite.day - 3 * 86_400
        var ids: [String] = []
        var counts: [String: Int] = [:]

        func check<T: Equatable>(_ operation: Int, _ what: String, _ expected: T, _ actual: T) -> Bool {
            if expected == actual { return true }
            XCTFail("seed \(seed), operation \(operation) (\(what)): memory \(expected), redis \(actual)")
            return false
        }

        for operation in 0..<operations {
            now = Self.next(after: now, &random)
            let roll = random.below(100)
            if roll < 50 {
                let request = Self.reservation(&random, at: now, ids: &ids)
                let expected = try memory.reserve(request)
                guard check(operation, "reserve", expected, try redis.reserve(request)) else { return }
                counts["\(expected.status)", default: 0] += 1
                counts["crossings", default: 0] += expected.crossings.count
            } else if roll < 80 {
                let settlement = Self.settlement(&random, at: now, ids: ids)
                let expected = try memory.settle(settlement)
                guard check(operation, "settle", expected, try redis.settle(settlement)) else { return }
                counts["\(expected)", default: 0] += 1
            } else if roll < 95 {
                let meters = Self.pool.filter { _ in random.below(2) == 0 }.map(\.meter)
                // Mostly now; sometimes a past window, where buckets a release or a late
                // settlement must not have touched still count.
                let time = random.below(5) == 0 ? now - random.below(3 * 86_400) : now + random.below(201) - 100
                guard check(operation, "used", try memory.used(meters, at: time), try redis.used(meters, at: time)) else { return }
            } else {
                let from = random.below(3) == 0 ? nil : now - random.below(10 * 86_400)
                let to = random.below(3) == 0 ? nil : now - random.below(86_400)
                guard check(operation, "records", try memory.records(from: from, to: to), try redis.records(from: from, to: to)) else {
                    return
                }
            }
        }
        let meters = Self.pool.map(\.meter)
        XCTAssertEqual(try memory.used(meters, at: now), try redis.used(meters, at: now), "seed \(seed): final use")
        XCTAssertEqual(try memory.records(from: nil, to: nil), try redis.records(from: nil, to: nil), "seed \(seed): final records")
        // The test means something only if the corners were reached.
        for outcome in ["reserved", "refused", "duplicate", "crossings", "settled", "late", "unknown", "alreadySettled"] {
            XCTAssertGreaterThan(counts[outcome, default: 0], 0, "seed \(seed) never produced `\(outcome)`")
        }
    }

    /// The time of the next operation: mostly seconds later, sometimes minutes, hours or days,
    /// sometimes a step back, and sometimes exactly on a boundary (a minute, a day), where marks
    /// lapse and deadlines fall due to the second.
    private static func next(after now: Int, _ random: inout SplitMix64) -> Int {
        switch random.below(100) {
        case 0..<5: return now - random.below(61)
        case 5..<65: return now + random.below(21)
        case 65..<85: return now + random.below(300)
        case 85..<92: return now + random.below(7_200)
        case 92..<94: return now + [30, 60, 900][random.below(3)]
        case 94..<95: return (now / 30 + 1) * 30
        case 95..<97: return (now / 86_400 + 1) * 86_400
        default: return now + 86_400 * (1 + random.below(40))
        }
    }

    private static func reservation(_ random: inout SplitMix64, at time: Int, ids: inout [String]) -> ReservationRequest {
        let id: String
        if !ids.isEmpty, random.below(10) == 0 {
            id = ids[random.below(ids.count)]
        } else if !ids.isEmpty, random.below(10) == 0 {
            // A recent id: a duplicate, or a reuse the moment it is forgotten.
            id = ids[ids.count - 1 - random.below(min(ids.count, 4))]
        } else {
            id = "r\(ids.count)"
            ids.append(id)
        }
        var charges: [MeterCharge] = []
        for _ in 0..<(1 + random.below(3)) {
            let entry = pool[random.below(pool.count)]
            let limit = random.below(10) == 0 ? 1 + random.below(entry.limit) : entry.limit
            let amount: Int
            switch entry.unit {
            case .requests: amount = 1
            default: amount = random.below(10) == 0 ? random.below(limit * 2) : random.below(limit / 3 + 1)
            }
            var thresholds = [25, 50, 75, 80, 90, 100].filter { _ in random.below(3) == 0 }
            // The ledger looks from the last threshold down, whatever the order: so must the script.
            if random.below(10) == 0 { thresholds.reverse() }
            charges.append(MeterCharge(meter: entry.meter, unit: entry.unit, limit: limit, amount: amount, thresholds: thresholds))
        }
        let timeouts = [0, 30, 60, 300, 900, 3_600]
        let users = ["alice", "bob", "carol"]
        let attribution = UsageAttribution(user: users[random.below(users.count)], team: random.below(2) == 0 ? "platform" : nil,
                                           department: nil, role: "developer", model: random.below(4) == 0 ? nil : "claude-3-opus",
                                           feature: random.below(3) == 0 ? "ask_mode" : nil)
        return ReservationRequest(requestID: id, time: time, expiresAt: time + timeouts[random.below(timeouts.count)], charges: charges,
                                  attribution: attribution)
    }

    private static func settlement(_ random: inout SplitMix64, at time: Int, ids: [String]) -> SettlementRequest {
        let id: String
        if ids.isEmpty || random.below(6) == 0 {
            id = "never-reserved-\(random.below(1_000))"
        } else if random.below(2) == 0 {
            // A recent id: settled twice before it is forgotten, or settled before it expires.
            id = ids[ids.count - 1 - random.below(min(ids.count, 8))]
        } else {
            id = ids[random.below(ids.count)]
        }
        let models: [String?] = [nil, nil, "claude-3-haiku", "gpt-4o"]
        return SettlementRequest(requestID: id, time: time, costMicros: random.below(3_000), tokensIn: random.below(4_000),
                                 tokensOut: random.below(2_000), model: models[random.below(models.count)])
    }
}

extension SplitMix64 {
    /// A number in `0..<bound` (the modulo bias does not matter here).
    fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}

/// The ledger's corners that random operations reach only rarely, each a short script run on
/// both stores and compared step by step.
final class RedisUsageLedgerEdgeTests: XCTestCase {
    typealias Suite = UsageStoreConformance

    /// One step of a script: what it does, to both stores.
    private enum Step {
        case reserve(String, at: Int, timeout: Int, [MeterCharge])
        case settle(String, at: Int, cost: Int)
        case used([Meter], at: Int)
    }

    private func agree(_ steps: [Step], _ name: String) throws {
        let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        let redis = RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)
        let memory = MemoryUsageStore()
        for (index, step) in steps.enumerated() {
            switch step {
            case .reserve(let id, let time, let timeout, let charges):
                let request = Suite.reservation(id, at: time, timeout: timeout, charges)
                XCTAssertEqual(try redis.reserve(request), try memory.reserve(request), "\(name), step \(index)")
            case .settle(let id, let time, let cost):
                let settlement = Suite.settlement(id, at: time, cost: cost)
                XCTAssertEqual(try redis.settle(settlement), try memory.settle(settlement), "\(name), step \(index)")
            case .used(let meters, let time):
                XCTAssertEqual(try redis.used(meters, at: time), try memory.used(meters, at: time), "\(name), step \(index)")
            }
        }
        XCTAssertEqual(try redis.records(from: nil, to: nil), try memory.records(from: nil, to: nil), name)
    }

    func testAReleaseOrLateSettlementIntoAPrunedBucketChangesNothing() throws {
        let day = Suite.day
        let m = Suite.meter("m")
        try agree([
            .reserve("a", at: day - 60, timeout: 900, [Suite.charge("m", limit: 1_000, amount: 100)]),
            // The next day's reservation prunes yesterday's bucket while "a" still holds on it.
            .reserve("b", at: day + 60, timeout: 900, [Suite.charge("m", limit: 1_000, amount: 10)]),
            .used([m], at: day - 30),
            // Releases "a": its bucket is gone, so nothing is taken back anywhere.
            .reserve("c", at: day + 1_000, timeout: 900, [Suite.charge("other", limit: 1_000, amount: 1)]),
            .used([m], at: day - 30),
            .used([m], at: day + 1_000),
            .settle("a", at: day + 1_100, cost: 70),
            .used([m], at: day - 30),
            .used([m], at: day + 1_100),
        ], "pruned bucket")
    }

    func testMarksLapseToTheSecond() throws {
        let window = UsageWindow.rolling(seconds: 30)
        let start = Suite.day + Suite.hour
        func charge() -> MeterCharge { Suite.charge("rate", limit: 1, amount: 1, unit: .requests, window: window) }
        try agree([
            .reserve("a", at: start, timeout: 900, [charge()]),
            .reserve("b", at: start + 1, timeout: 900, [charge()]),   // refused: announced until +31
            .reserve("c", at: start + 30, timeout: 900, [charge()]),  // refused: quiet
            .reserve("d", at: start + 31, timeout: 900, [charge()]),  // the mark lapsed this second
            .reserve("e", at: Suite.day + 86_400 - 1, timeout: 900, [Suite.charge("daily", limit: 10, amount: 11)]),
            .reserve("f", at: Suite.day + 86_400, timeout: 900, [Suite.charge("daily", limit: 10, amount: 11)]),
        ], "mark lapse")
    }

    func testDeadlinesFallDueToTheSecond() throws {
        let time = Suite.day + Suite.hour
        func charge() -> MeterCharge { Suite.charge("m", limit: 1_000, amount: 100) }
        try agree([
            // A timeout of 0: released and forgotten by the next operation at the same second.
            .reserve("zero", at: time, timeout: 0, [charge()]),
            .reserve("zero", at: time, timeout: 0, [charge()]),
            // Released at +30, forgotten at +60: a reuse at +59 is a duplicate, at +60 is new.
            .reserve("a", at: time, timeout: 30, [charge()]),
            .used([Suite.meter("m")], at: time + 29),
            .reserve("a", at: time + 59, timeout: 30, [charge()]),
            .reserve("a", at: time + 60, timeout: 30, [charge()]),
            // Settled after its expiry while still open: kept until max(expiry, settlement) + timeout.
            .reserve("s", at: time + 100, timeout: 30, [charge()]),
            .settle("s", at: time + 100, cost: 5),
            .settle("s", at: time + 159, cost: 5),
            .reserve("s", at: time + 160, timeout: 30, [charge()]),
            .settle("s", at: time + 200, cost: 7),
        ], "deadlines")
    }

    func testOneMeterChargedTwiceAndThresholdsInAnyOrder() throws {
        let time = Suite.day + Suite.hour
        try agree([
            .reserve("a", at: time, timeout: 900, [Suite.charge("m", limit: 1_000, amount: 300, thresholds: [80, 50, 25]),
                                                    Suite.charge("m", limit: 1_000, amount: 300, thresholds: [25, 50])]),
            .reserve("b", at: time + 1, timeout: 900, [Suite.charge("m", limit: 1_000, amount: 300, thresholds: [90, 50]),
                                                        Suite.charge("m", limit: 1_000, amount: 500)]),
            .reserve("c", at: time + 2, timeout: 900, [Suite.charge("m", limit: 1_000, amount: 300, thresholds: [90, 50]),
                                                        Suite.charge("m", limit: 900, amount: 300, thresholds: [100])]),
            .settle("a", at: time + 3, cost: 100),
            .used([Suite.meter("m")], at: time + 3),
        ], "one meter twice")
    }
}
