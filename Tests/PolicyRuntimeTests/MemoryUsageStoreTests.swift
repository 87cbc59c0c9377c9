import PolicyRuntime
import XCTest

/// The conformance suite (``UsageStoreConformance``) on the in-memory store.
final class MemoryUsageStoreTests: XCTestCase {
    func makeStore() -> any UsageStore { MemoryUsageStore() }

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
}
