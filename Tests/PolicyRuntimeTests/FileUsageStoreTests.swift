import Foundation
import PolicyRuntime
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The durable store: the conformance suite, then what only a store on disk must do — survive
/// reopening, snapshots, a torn tail, corruption, a foreign file, a second store on the same
/// directory, a failed write.
final class FileUsageStoreTests: XCTestCase {
    typealias Suite = UsageStoreConformance

    func makeDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usage-tests-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory
    }

    func makeStore() throws -> any UsageStore { try FileUsageStore(directory: try makeDirectory()) }

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

    /// Charges on `meter` of 100 each for ids r0…r(n-1), one settled.
    private func charge(_ store: FileUsageStore, count: Int) throws {
        for index in 0..<count {
            let result = try store.reserve(Suite.reservation("r\(index)", [Suite.charge("m", limit: 1_000_000, amount: 100)]))
            XCTAssertEqual(result.status, .reserved)
        }
        XCTAssertEqual(try store.settle(Suite.settlement("r0", cost: 40)), .settled)
    }

    func testStateSurvivesReopening() throws {
        let directory = try makeDirectory()
        try charge(try FileUsageStore(directory: directory), count: 5)
        let reopened = try FileUsageStore(directory: directory)
        XCTAssertEqual(try reopened.used([Suite.meter("m")], at: Suite.day + Suite.hour), [440])
        XCTAssertEqual(try reopened.reserve(Suite.reservation("r3", [Suite.charge("m", limit: 1_000_000, amount: 100)])).status, .duplicate,
                       "a reservation made before the restart is recognised: a retry is never counted twice")
        XCTAssertEqual(try reopened.settle(Suite.settlement("r0", cost: 40)), .alreadySettled)
        XCTAssertEqual(try reopened.records(from: nil, to: nil).map(\.costMicros), [40])
    }

    func testSnapshotsGiveTheSameLedgerAsTheLog() throws {
        let directory = try makeDirectory()
        // A snapshot after every batch.
        try charge(try FileUsageStore(directory: directory, snapshotEvery: 1), count: 7)
        let snapshot = directory + "/usage.snapshot"
        XCTAssertTrue(FileManager.default.fileExists(atPath: snapshot))
        XCTAssertEqual(try FileUsageStore(directory: directory).used([Suite.meter("m")], at: Suite.day + Suite.hour), [640])
        // A damaged snapshot is ignored, with a warning: the log alone gives the same ledger.
        try Data("0000 not a snapshot\n".utf8).write(to: URL(fileURLWithPath: snapshot))
        let warnings = Warnings()
        let replayed = try FileUsageStore(directory: directory, warn: warnings.add)
        XCTAssertEqual(try replayed.used([Suite.meter("m")], at: Suite.day + Suite.hour), [640])
        XCTAssertTrue(warnings.all.contains { $0.contains("snapshot") && $0.contains("damaged") }, "\(warnings.all)")
    }

    func testAReservationReadFromASnapshotSettlesOnItsMeter() throws {
        let directory = try makeDirectory()
        let key = "budget/daily/usd_micros/daily/alice"
        let first = try FileUsageStore(directory: directory, snapshotEvery: 1)
        XCTAssertEqual(try first.reserve(Suite.reservation("r1", [Suite.charge(key, limit: 1_000, amount: 300)])).status, .reserved)
        // The snapshot covers the whole log: the reopened ledger is the snapshot's alone.
        let reopened = try FileUsageStore(directory: directory)
        XCTAssertEqual(try reopened.used([Suite.meter(key)], at: Suite.day + Suite.hour), [300])
        let settled = try reopened.settle(Suite.settlement("r1", cost: 120), reading: [Suite.meter(key)])
        XCTAssertEqual(settled.result, .settled)
        XCTAssertEqual(settled.used, [120], "the hold read back from the snapshot is on the same meter as the live key")
    }

    func testATornTailIsTruncatedWithAWarning() throws {
        let directory = try makeDirectory()
        try charge(try FileUsageStore(directory: directory), count: 3)
        let log = directory + "/usage.log"
        let good = try Data(contentsOf: URL(fileURLWithPath: log))
        // A crash in the middle of writing a record: a prefix of it, no line feed.
        let torn = Array(good.suffix(60))
        try (good + Data(torn.prefix(37))).write(to: URL(fileURLWithPath: log))
        let warnings = Warnings()
        let store = try FileUsageStore(directory: directory, warn: warnings.add)
        XCTAssertEqual(try store.used([Suite.meter("m")], at: Suite.day + Suite.hour), [240])
        XCTAssertEqual(warnings.all.count, 1)
        XCTAssertTrue(warnings.all.first?.contains("offset \(good.count)") == true, "\(warnings.all)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: log)), good, "the torn bytes are cut off")
        XCTAssertEqual(try store.reserve(Suite.reservation("after", [Suite.charge("m", limit: 1_000_000, amount: 100)])).status, .reserved)
        XCTAssertEqual(try FileUsageStore(directory: directory).used([Suite.meter("m")], at: Suite.day + Suite.hour), [340])
    }

    func testCorruptionIsRefusedWithItsOffsetAndNothingIsReset() throws {
        let directory = try makeDirectory()
        try charge(try FileUsageStore(directory: directory), count: 3)
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/usage.log")))
        // Flip one byte inside the second operation's JSON: good records follow it.
        try assertRefusedAsCorrupt(directory, recordAt: log.indices.filter { log[$0] == 0x0A }[1] + 1)
    }

    /// Flips a byte of the record starting at `offset`, and checks that the store refuses to open
    /// naming that offset, and leaves the log as it is.
    private func assertRefusedAsCorrupt(_ directory: String, recordAt offset: Int, line: UInt = #line) throws {
        let log = directory + "/usage.log"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log)))
        bytes[offset + 20] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        XCTAssertThrowsError(try FileUsageStore(directory: directory), line: line) { error in
            XCTAssertTrue("\(error)".contains("corrupt at offset \(offset)"), "\(error)", line: line)
        }
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: log))), bytes, "a corrupt log is never rewritten", line: line)
    }

    func testACompleteRecordThatFailsItsChecksumIsCorruptionEvenAtTheEnd() throws {
        // A crash cuts a record short; it cannot leave a whole line whose checksum fails. That is
        // a damaged acknowledged record, never cut off as a torn tail.
        let directory = try makeDirectory()
        try charge(try FileUsageStore(directory: directory), count: 2)
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/usage.log")))
        try assertRefusedAsCorrupt(directory, recordAt: (log.dropLast().lastIndex(of: 0x0A) ?? 0) + 1)
    }

    func testALockHeldTooLongFailsTheChargeInsteadOfHanging() throws {
        let directory = try makeDirectory()
        let store = try FileUsageStore(directory: directory, lockTimeout: 0.3)
        // Another process holding the lock: a descriptor of our own on the same file.
        let holder = open(directory + "/usage.lock", O_RDWR)
        XCTAssertGreaterThanOrEqual(holder, 0)
        defer { close(holder) }
        XCTAssertEqual(flock(holder, LOCK_EX), 0)
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertThrowsError(try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: 10, amount: 1)]))) { error in
            XCTAssertTrue("\(error)".contains("has been locked by another process for 0.3 s"), "\(error)")
        }
        XCTAssertLessThan(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 5, "bounded by the timeout")
        flock(holder, LOCK_UN)
        XCTAssertEqual(try store.reserve(Suite.reservation("r", [Suite.charge("m", limit: 10, amount: 1)])).status, .reserved,
                       "and works again once the lock is free")
    }

    func testADamagedLogIsRefusedOrRepairedNeverMisread() throws {
        // 300 damaged copies of a good log (a byte flipped, bytes cut off, bytes put in, with a
        // fixed seed): each either opens with a ledger that a prefix of the good records gives, or
        // is refused. Never a crash, never an amount the log did not hold.
        let directory = try makeDirectory()
        try charge(try FileUsageStore(directory: directory), count: 6)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/usage.log")))
        // What the ledger holds after each prefix of whole records (the header, then 6 reserves of
        // 100 each, then the settle of r0 at 40).
        let prefixUse = [0, 100, 200, 300, 400, 500, 600, 540]
        var generator = SplitMix(seed: 11)
        var opened = 0
        for round in 0..<300 {
            var bytes = good
            switch round % 3 {
            case 0: bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(1 + generator.next() % 255)
            case 1: bytes.removeLast(1 + Int(generator.next() % UInt64(bytes.count - 1)))
            default:
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: (0..<(1 + generator.next() % 8)).map { _ in UInt8(generator.next() % 256) }, at: at)
            }
            let copy = try makeDirectory()
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: copy + "/usage.log"))
            guard let store = try? FileUsageStore(directory: copy) else { continue }
            opened += 1
            let used = try store.used([Suite.meter("m")], at: Suite.day + Suite.hour)[0]
            XCTAssertTrue(prefixUse.contains(used), "round \(round): \(used) is no prefix of the log's records")
        }
        XCTAssertGreaterThan(opened, 0, "cut-off tails are repaired")
    }

    func testAForeignFileIsRefused() throws {
        let directory = try makeDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("id,amount\nalice,5\n".utf8).write(to: URL(fileURLWithPath: directory + "/usage.log"))
        XCTAssertThrowsError(try FileUsageStore(directory: directory)) { error in
            XCTAssertTrue("\(error)".contains("not a PolicyLang usage log"), "\(error)")
        }
        let file = directory + "/plain"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try FileUsageStore(directory: file))
    }

    func testTwoStoresOnOneDirectoryAreAsExactAsOne() throws {
        // Two stores open the directory through their own descriptors, as two processes do: the
        // lock and the catch-up keep them exact.
        let directory = try makeDirectory()
        let stores = [try FileUsageStore(directory: directory), try FileUsageStore(directory: directory)]
        let reserved = ReservedCount()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for attempt in 0..<40 {
                let store = stores[(thread + attempt) % 2]
                let result = try? store.reserve(Suite.reservation("t\(thread)-\(attempt)", [Suite.charge("shared", limit: 150, amount: 1)]))
                if result?.status == .reserved { reserved.add() }
            }
        }
        XCTAssertEqual(reserved.value, 150)
        for store in stores { XCTAssertEqual(try store.used([Suite.meter("shared")], at: Suite.day + Suite.hour), [150]) }
        XCTAssertEqual(try FileUsageStore(directory: directory).used([Suite.meter("shared")], at: Suite.day + Suite.hour), [150])
    }

    func testAFailedWriteFailsTheChargeClosedAndLosesNothing() throws {
        let directory = try makeDirectory()
        let store = try FileUsageStore(directory: directory)
        try charge(store, count: 2)
        let size = try FileManager.default.attributesOfItem(atPath: directory + "/usage.log")[.size] as? Int ?? 0
        // A full disk, as the process sees it: writes past the current size fail (EFBIG).
        var old = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var limit = rlimit(rlim_cur: rlim_t(size + 10), rlim_max: old.rlim_max)
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
        XCTAssertThrowsError(try store.reserve(Suite.reservation("full", [Suite.charge("m", limit: 1_000_000, amount: 100)])))
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, previousHandler)
        XCTAssertEqual(try store.used([Suite.meter("m")], at: Suite.day + Suite.hour), [140], "the failed charge holds nothing")
        XCTAssertEqual(try store.reserve(Suite.reservation("full", [Suite.charge("m", limit: 1_000_000, amount: 100)])).status, .reserved,
                       "and can be made once the disk has room")
        XCTAssertEqual(try FileUsageStore(directory: directory).used([Suite.meter("m")], at: Suite.day + Suite.hour), [240])
    }
}

/// A small seeded generator (SplitMix64), so a damaged-log round can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Warnings a store reported.
final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var add: @Sendable (String) -> Void { { [self] line in lock.lock(); lines.append(line); lock.unlock() } }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
