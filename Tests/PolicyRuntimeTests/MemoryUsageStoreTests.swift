import PolicyRuntime
import XCTest

/// The conformance suite (``UsageStoreConformance``) on the in-memory store.
final class MemoryUsageStoreTests: XCTestCase {
    func makeStore() -> any UsageStore { MemoryUsageStore() }

    func testAStoreThatKeepsNoRecordsStillMeters() throws {
        let store = MemoryUsageStore(keepsRecords: false)
        _ = try store.reserve(UsageStoreConformance.reservation("r1", [UsageStoreConformance.charge("m", limit: 1_000, amount: 400)]))
        XCTAssertEqual(try store.settle(UsageStoreConformance.settlement("r1", cost: 300)), .settled)
        XCTAssertEqual(try store.used([UsageStoreConformance.meter("m")], at: UsageStoreConformance.day + UsageStoreConformance.hour), [300])
        XCTAssertEqual(try store.records(from: nil, to: nil), [])
    }

    func testEveryStoreRunsEveryCheck() throws {
        // Each store's test file calls every check of the suite (a check added to the suite and
        // forgotten by a store fails here).
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("UsageStoreTests.swift") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for name in UsageStoreConformance.checkNames {
                XCTAssertTrue(text.contains("UsageStoreConformance.\(name)("), "\(file) does not run `\(name)`")
            }
        }
    }

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
}
