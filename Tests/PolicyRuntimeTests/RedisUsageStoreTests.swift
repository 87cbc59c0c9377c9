import Dispatch
import Foundation
@testable import PolicyRuntime
import XCTest

/// The conformance suite (``UsageStoreConformance``) on the Redis store, against a real
/// redis-server (``RedisTestServer``; skipped when there is none), plus what only a shared,
/// remote store has to get right: hosts sharing one server, an unreachable server, pipelining,
/// numbers Lua cannot hold, state that lives in Redis, bounded work per call.
///
/// Every test uses a key prefix of its own and deletes its keys when it ends, so the shared server
/// is left as it was found.
final class RedisUsageStoreTests: XCTestCase {
    /// A store on a fresh prefix.
    func makeStore() throws -> RedisUsageStore {
        let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        return RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)
    }

    /// The shared server and a prefix no other test uses, whose keys are deleted when `test` ends.
    static func freshPrefix(for test: XCTestCase) throws -> (RedisEndpoint, String) {
        let endpoint = try RedisTestServer.endpoint()
        let prefix = "policylang-test-\(UUID().uuidString)"
        test.addTeardownBlock { try RedisUsageStoreTests.deleteKeys(prefix: prefix, on: endpoint) }
        return (endpoint, prefix)
    }

    /// Deletes every key of a store's prefix (SCAN, so the server is never blocked by KEYS).
    static func deleteKeys(prefix: String, on endpoint: RedisEndpoint) throws {
        let client = RedisClient(endpoint: endpoint)
        defer { client.close() }
        var cursor = "0"
        repeat {
            let reply = try client.command(["SCAN", cursor, "MATCH", "{\(prefix)}:*", "COUNT", "1000"])
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].string, let found = parts[1].elements else {
                throw RedisError.protocolError("unexpected reply to scan")
            }
            let keys = found.compactMap(\.bytes)
            if !keys.isEmpty { _ = try client.command([Array("DEL".utf8)] + keys) }
            cursor = next
        } while cursor != "0"
    }

    // MARK: The conformance suite

    func testReservesWithinTheLimit() throws { try UsageStoreConformance.reservesWithinTheLimit(makeStore()) }
    func testReservesAllOrNothing() throws { try UsageStoreConformance.reservesAllOrNothing(makeStore()) }
    func testTheLimitItselfFits() throws { try UsageStoreConformance.theLimitItselfFits(makeStore()) }
    func testARepeatedRequestIDHoldsOnce() throws { try UsageStoreConformance.aRepeatedRequestIDHoldsOnce(makeStore()) }
    func testSettlingReplacesTheHold() throws { try UsageStoreConformance.settlingReplacesTheHold(makeStore()) }
    func testUnknownAndRepeatedSettlementsChangeNothing() throws { try UsageStoreConformance.unknownAndRepeatedSettlementsChangeNothing(makeStore()) }
    func testUnsettledReservationsAreReleasedAfterTheirTimeout() throws { try UsageStoreConformance.unsettledReservationsAreReleasedAfterTheirTimeout(makeStore()) }
    func testCalendarPeriodsStartAgainAtZero() throws { try UsageStoreConformance.calendarPeriodsStartAgainAtZero(makeStore()) }
    func testRollingWindowsForgetOldUseAndSayWhenToRetry() throws { try UsageStoreConformance.rollingWindowsForgetOldUseAndSayWhenToRetry(makeStore()) }
    func testThresholdsAreAnnouncedOncePerPeriod() throws { try UsageStoreConformance.thresholdsAreAnnouncedOncePerPeriod(makeStore()) }
    func testRefusalsAreAnnouncedOncePerPeriod() throws { try UsageStoreConformance.refusalsAreAnnouncedOncePerPeriod(makeStore()) }
    func testSettledRequestsAreRecorded() throws { try UsageStoreConformance.settledRequestsAreRecorded(makeStore()) }
    func testConcurrentReservationsNeverOvershoot() throws { try UsageStoreConformance.concurrentReservationsNeverOvershoot(makeStore()) }
    func testRequestCountsOutliveTheirTimeout() throws { try UsageStoreConformance.requestCountsOutliveTheirTimeout(makeStore()) }
    func testAMeterNeverGoesBackInTime() throws { try UsageStoreConformance.aMeterNeverGoesBackInTime(makeStore()) }
    func testRefusalsAndThresholdsAreAnnouncedApart() throws { try UsageStoreConformance.refusalsAndThresholdsAreAnnouncedApart(makeStore()) }
    func testSettlingReadsWhereMetersStand() throws { try UsageStoreConformance.settlingReadsWhereMetersStand(makeStore()) }

    // MARK: Many hosts, one server

    typealias Suite = UsageStoreConformance

    func testTwoHostsReservingConcurrentlyReserveExactlyTheLimit() throws {
        let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        // Two stores are two hosts: each its own connection, sharing only the server's data.
        let hosts = [RedisUsageStore(endpoint: endpoint, keyPrefix: prefix), RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)]
        let limit = 150
        let reserved = ReservedCount()
        let failed = ReservedCount()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let store = hosts[thread % 2]
            for attempt in 0..<40 {
                do {
                    let result = try store.reserve(Suite.reservation("h\(thread)-\(attempt)", [Suite.charge("shared", limit: limit, amount: 1)]))
                    if result.status == .reserved { reserved.add() }
                } catch {
                    failed.add()
                }
            }
        }
        XCTAssertEqual(failed.value, 0)
        XCTAssertEqual(reserved.value, limit, "exactly the limit is reserved across both hosts")
        for host in hosts {
            XCTAssertEqual(try host.used([Suite.meter("shared")], at: Suite.day + Suite.hour), [limit])
        }
    }

    func testStateLivesInRedisNotInTheClient() throws {
        let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        let first = RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)
        XCTAssertEqual(try first.reserve(Suite.reservation("r1", [Suite.charge("m", limit: 1_000, amount: 300)])).status, .reserved)
        XCTAssertEqual(try first.reserve(Suite.reservation("r2", [Suite.charge("m", limit: 1_000, amount: 200)])).status, .reserved)
        XCTAssertEqual(try first.settle(Suite.settlement("r1", cost: 100)), .settled)

        let second = RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)
        XCTAssertEqual(try second.used([Suite.meter("m")], at: Suite.day + Suite.hour + 20), [300])
        XCTAssertEqual(try second.reserve(Suite.reservation("r2", [Suite.charge("m", limit: 1_000, amount: 200)])).status, .duplicate)
        XCTAssertEqual(try second.settle(Suite.settlement("r1", at: Suite.day + Suite.hour + 30, cost: 5)), .alreadySettled)
        XCTAssertEqual(try second.settle(Suite.settlement("r2", at: Suite.day + Suite.hour + 30, cost: 50)), .settled)
        XCTAssertEqual(try second.records(from: nil, to: nil).map(\.requestID), ["r1", "r2"])
        XCTAssertEqual(try first.records(from: nil, to: nil), try second.records(from: nil, to: nil))

        // Another prefix on the same server sees none of it.
        let (_, otherPrefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        let other = RedisUsageStore(endpoint: endpoint, keyPrefix: otherPrefix)
        XCTAssertEqual(try other.used([Suite.meter("m")], at: Suite.day + Suite.hour + 20), [0])
        XCTAssertEqual(try other.records(from: nil, to: nil), [])
    }

    // MARK: Failures

    func testAnUnreachableServerFailsQuicklyWithAMessageNamingIt() throws {
        let port = RedisTestServer.closedPort()
        let store = RedisUsageStore(endpoint: try RedisEndpoint(host: "127.0.0.1", port: port), keyPrefix: "prefix-not-in-messages",
                                    connectTimeout: 0.5, ioTimeout: 0.5)
        let started = Date()
        let operations: [(String, () throws -> Void)] = [
            ("reserve", { _ = try store.reserve(Suite.reservation("request-id-not-in-messages", [Suite.charge("budget/daily/alice", limit: 10, amount: 1)])) }),
            ("batch", { _ = try store.reserve(batch: [Suite.reservation("request-id-not-in-messages", [Suite.charge("budget/daily/alice", limit: 10, amount: 1)])]) }),
            ("settle", { _ = try store.settle(Suite.settlement("request-id-not-in-messages", cost: 1)) }),
            ("used", { _ = try store.used([Suite.meter("budget/daily/alice")], at: Suite.day) }),
            ("records", { _ = try store.records(from: nil, to: nil) }),
        ]
        for (name, operation) in operations {
            do {
                try operation()
                XCTFail("\(name) succeeded against a closed port")
            } catch let error as UsageStoreError {
                XCTAssertTrue(error.message.contains("127.0.0.1:\(port)"), "\(name): \(error.message)")
                XCTAssertTrue(error.message.contains("cannot connect"), "\(name): \(error.message)")
                for secret in ["prefix-not-in-messages", "request-id-not-in-messages", "alice", "\n"] {
                    XCTAssertFalse(error.message.contains(secret), "\(name): \(error.message)")
                }
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a refused connection fails at once, never after a long wait")
    }

    func testCorruptDataIsAnErrorNotACrash() throws {
        let (endpoint, prefix) = try RedisUsageStoreTests.freshPrefix(for: self)
        let store = RedisUsageStore(endpoint: endpoint, keyPrefix: prefix)
        let client = RedisClient(endpoint: endpoint)
        defer { client.close() }

        _ = try client.command(["HSET", "{\(prefix)}:reservations", "broken-request", "not json"])
        XCTAssertThrowsError(try store.settle(Suite.settlement("broken-request", cost: 1))) { error in
            let message = (error as? UsageStoreError)?.message ?? ""
            XCTAssertTrue(message.contains(endpoint.hostAndPort), message)
            XCTAssertFalse(message.contains(prefix) || message.contains("broken-request"), message)
        }

        _ = try client.command(["SET", "{\(prefix)}:meters", "a string, not a hash"])
        XCTAssertThrowsError(try store.reserve(Suite.reservation("r1", [Suite.charge("m", limit: 10, amount: 1)])))
        XCTAssertThrowsError(try store.used([Suite.meter("m")], at: Suite.day))

        _ = try client.command(["RPUSH", "{\(prefix)}:records", "[\"r1\",\"not a number\"]"])
        XCTAssertThrowsError(try store.records(from: nil, to: nil)) { error in
            XCTAssertTrue(((error as? UsageStoreError)?.message ?? "").contains("unexpected reply"), "\(error)")
        }
    }

    func testRepliesTheScriptsCannotHaveSentAreRefused() {
        func reply(_ values: [Int]) -> RedisReply { .array(values.map(RedisReply.integer)) }
        // A well-formed reply, then variations of it that must all be refused.
        let good = [1, 2, 10, 20, 1, 1, 31, 1, 1, 1, 0]
        XCTAssertEqual(RedisUsageStore.reservationResult(reply(good), charges: 2),
                       ReservationResult(status: .refused, usedBefore: [10, 20], refused: [1], retryAfter: [31],
                                         crossings: [.init(charge: 1, threshold: nil)]))
        let bad: [RedisReply] = [
            .integer(0), .bulkString(nil), .array(nil), .error("ERR"), reply([]), reply([3, 2, 10, 20, 0, 0]),
            reply([0, 1, 10, 0, 0]), reply([0, 2, 10, 20, 0]), reply([0, 2, 10, 20, 0, 0, 9]),
            reply([1, 2, 10, 20, 1, 2, 31, 0]), reply([1, 2, 10, 20, 1, 1, -1, 0]), reply([0, 2, 10, 20, 0, 1, 0, 2, 50]),
            reply([0, 2, 10, 20, 0, 3, 0, 0, 50, 0, 0, 50, 0, 0, 50]), .array([.integer(0), .integer(1), .bulkString([0x31]), .integer(0), .integer(0)]),
        ]
        for value in bad {
            XCTAssertNil(RedisUsageStore.reservationResult(value, charges: 2), "\(value)")
        }
        XCTAssertEqual(RedisUsageStore.settlementResult(.integer(2)), .alreadySettled)
        for value: RedisReply in [.integer(4), .integer(-1), .array([]), .bulkString(Array("0".utf8))] {
            XCTAssertNil(RedisUsageStore.settlementResult(value))
        }
        XCTAssertEqual(RedisUsageStore.usedResult(reply([1, 2]), count: 2), [1, 2])
        XCTAssertNil(RedisUsageStore.usedResult(reply([1]), count: 2))
        XCTAssertNil(RedisUsageStore.usedResult(.array([.integer(1), .bulkString(nil)]), count: 2))
        let record = #"["r1","100","{\"user\":\"alice\"}","gpt-4o","1","2","3"]"#
        XCTAssertEqual(RedisUsageStore.record(Array(record.utf8)),
                       UsageRecord(requestID: "r1", time: 100, attribution: UsageAttribution(user: "alice", model: "gpt-4o"),
                                   tokensIn: 1, tokensOut: 2, costMicros: 3))
        for text in [#"["r1","100","{}",false,"1","2"]"#, #"["r1","x","{}",false,"1","2","3"]"#, #"["r1","100","{\"boss\":\"x\"}",false,"1","2","3"]"#,
                     #"["r1","100","{}",true,"1","2","3"]"#, "not json", #"{"id":"r1"}"#] {
            XCTAssertNil(RedisUsageStore.record(Array(text.utf8)), text)
        }
    }

    func testThresholdLinesAreExactCeilings() {
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 50, limit: 1_000), 500)
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 33, limit: 10), 4, "3.3 rounds up: a use of 3 is under 33%")
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 1, limit: -150), -1, "⌈-1.5⌉")
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 80, limit: (1 << 53) - 1), ((1 << 53) - 1) / 100 * 80 + (((1 << 53) - 1) % 100 * 80 + 99) / 100)
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 1 << 52, limit: 1 << 52), 1 << 53, "out of reach: clamped")
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: -(1 << 52), limit: 1 << 52), -(1 << 53))
        XCTAssertEqual(RedisUsageStore.thresholdLine(percent: 200, limit: (1 << 53) - 1), 1 << 53)
    }

    // MARK: Numbers

    func testNumbersOf2Pow53OrMoreAreRefusedBeforeSending() throws {
        // A closed port: a number refused before sending fails as a number, not as a connection.
        let store = RedisUsageStore(endpoint: try RedisEndpoint(host: "127.0.0.1", port: RedisTestServer.closedPort()))
        let big = 1 << 53
        let cases: [(String, () throws -> Void)] = [
            ("amount", { _ = try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: 10, amount: big)])) }),
            ("negative amount", { _ = try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: 10, amount: -big)])) }),
            ("limit", { _ = try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: big, amount: 1)])) }),
            ("threshold", { _ = try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: 10, amount: 1, thresholds: [big])])) }),
            ("time", { _ = try store.reserve(Suite.reservation("r", at: big, timeout: 0, [])) }),
            ("expiry", { _ = try store.reserve(Suite.reservation("r", timeout: big, [])) }),
            ("batch", { _ = try store.reserve(batch: [Suite.reservation("ok", []), Suite.reservation("r", [Suite.charge("m", limit: 10, amount: big)])]) }),
            ("cost", { _ = try store.settle(Suite.settlement("r", cost: big)) }),
            ("tokens", { _ = try store.settle(Suite.settlement("r", cost: 1, tokensIn: big / 2, tokensOut: big / 2)) }),
            ("used time", { _ = try store.used([Suite.meter("m")], at: -big) }),
        ]
        for (name, operation) in cases {
            do {
                try operation()
                XCTFail("\(name) was accepted")
            } catch let error as UsageStoreError {
                XCTAssertTrue(error.message.contains("2^53"), "\(name): \(error.message)")
            }
        }
    }

    func testNumbersJustBelow2Pow53AreExact() throws {
        let store = try makeStore()
        let memory = MemoryUsageStore()
        let top = (1 << 53) - 1
        let requests = [
            Suite.reservation("a", [Suite.charge("m", limit: top, amount: top / 2, thresholds: [50, 100])]),
            Suite.reservation("b", [Suite.charge("m", limit: top, amount: 1, thresholds: [50, 100])]),
            Suite.reservation("c", [Suite.charge("m", limit: top, amount: top / 2, thresholds: [50, 100])]),
            Suite.reservation("d", [Suite.charge("m", limit: top, amount: 1, thresholds: [50, 100])]),
            Suite.reservation("e", [Suite.charge("n", limit: top - 1, amount: top, thresholds: [99])]),
        ]
        for request in requests {
            XCTAssertEqual(try store.reserve(request), try memory.reserve(request), request.requestID)
        }
        XCTAssertEqual(try store.used([Suite.meter("m")], at: Suite.day + Suite.hour), [top])
        let settlement = SettlementRequest(requestID: "a", time: Suite.day + Suite.hour + 5, costMicros: 7, tokensIn: top - 1,
                                           tokensOut: 0, model: "model-b")
        XCTAssertEqual(try store.settle(settlement), try memory.settle(settlement))
        XCTAssertEqual(try store.used([Suite.meter("m")], at: Suite.day + Suite.hour + 5),
                       try memory.used([Suite.meter("m")], at: Suite.day + Suite.hour + 5))
        XCTAssertEqual(try store.records(from: nil, to: nil), try memory.records(from: nil, to: nil))
    }

    // MARK: Pipelining

    func testABatchGivesWhatOneByOneGives() throws {
        let oneByOne = try makeStore()
        let batched = try makeStore()
        let minute = UsageWindow.rolling(seconds: 60)
        var requests: [ReservationRequest] = []
        for index in 0..<60 {
            let time = Suite.day + index * 7
            let charges = [Suite.charge("budget/daily/u\(index % 3)", limit: 2_000, amount: 100 + index * 5, thresholds: [50, 80]),
                           Suite.charge("rate/minute", limit: 8, amount: 1, unit: .requests, window: minute)]
            // Every fifth id repeats an earlier one; every fourth reservation times out after 20 s,
            // so some are released on the way.
            let id = index % 5 == 4 ? "q\(index - 2)" : "q\(index)"
            requests.append(Suite.reservation(id, at: time, timeout: index % 4 == 0 ? 20 : 900, charges))
        }
        let expected = try requests.map { try oneByOne.reserve($0) }
        XCTAssertTrue(expected.contains { $0.status == .refused } && expected.contains { $0.status == .duplicate }
                      && expected.contains { !$0.crossings.isEmpty }, "the sequence exercises refusals, duplicates and crossings")

        // The first batch loads the script; the server then forgets its scripts, so the second
        // batch's calls come back NOSCRIPT and run again one by one.
        var results = try batched.reserve(batch: Array(requests[0..<30]))
        let client = RedisClient(endpoint: try RedisTestServer.endpoint())
        defer { client.close() }
        _ = try client.command(["SCRIPT", "FLUSH"])
        results += try batched.reserve(batch: Array(requests[30...]))
        XCTAssertEqual(results, expected)
        XCTAssertEqual(try batched.reserve(batch: []), [])

        let meters = (0..<3).map { Suite.meter("budget/daily/u\($0)") } + [Suite.meter("rate/minute", minute)]
        XCTAssertEqual(try batched.used(meters, at: Suite.day + 500), try oneByOne.used(meters, at: Suite.day + 500))
    }

    // MARK: Bounded work per call

    func testReleaseIsBoundedPerCall() throws {
        let store = try makeStore()
        let count = RedisUsageStore.releaseLimitPerCall + 500
        let start = Suite.day + Suite.hour
        let requests = (0..<count).map { Suite.reservation("r\($0)", at: start, timeout: 100, [Suite.charge("m", limit: 1_000_000, amount: 1)]) }
        for part in stride(from: 0, to: count, by: 500) {
            let results = try store.reserve(batch: Array(requests[part..<min(part + 500, count)]))
            XCTAssertTrue(results.allSatisfy { $0.status == .reserved })
        }
        XCTAssertEqual(try store.used([Suite.meter("m")], at: start + 150), [count])
        // All of them are due at +100; one call releases at most the limit, the next the rest.
        _ = try store.reserve(Suite.reservation("x", at: start + 150, [Suite.charge("other", limit: 10, amount: 1)]))
        XCTAssertEqual(try store.used([Suite.meter("m")], at: start + 150), [count - RedisUsageStore.releaseLimitPerCall])
        _ = try store.reserve(Suite.reservation("y", at: start + 150, [Suite.charge("other", limit: 10, amount: 1)]))
        XCTAssertEqual(try store.used([Suite.meter("m")], at: start + 150), [0])
        XCTAssertEqual(try store.settle(Suite.settlement("r0", at: start + 150, cost: 1)), .late)
    }
}
