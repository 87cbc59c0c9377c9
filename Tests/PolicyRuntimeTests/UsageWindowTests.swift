import Foundation
@testable import PolicyRuntime
import XCTest

/// Budget periods checked against Foundation's own Gregorian calendar in UTC (an independent
/// implementation of the same calendar), and the log's checksum against CRC-32C's published
/// check value.
final class UsageWindowTests: XCTestCase {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The start of the period containing `seconds`, as Foundation computes it.
    private func foundationStart(_ period: CalendarPeriod, _ seconds: Int) -> Int {
        let calendar = UsageWindowTests.calendar
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let start: Date
        switch period {
        case .daily: start = calendar.startOfDay(for: date)
        case .weekly: start = calendar.dateInterval(of: .weekOfYear, for: date)!.start
        case .monthly: start = calendar.dateInterval(of: .month, for: date)!.start
        case .quarterly:
            let month = calendar.component(.month, from: date)
            let year = calendar.component(.year, from: date)
            start = calendar.date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: year, month: (month - 1) / 3 * 3 + 1, day: 1))!
        case .yearly: start = calendar.dateInterval(of: .year, for: date)!.start
        }
        return Int(start.timeIntervalSince1970)
    }

    func testCalendarPeriodsAgreeWithFoundationsCalendar() {
        // Every 7 hours and 13 minutes from 1999 to 2031 (leap years, year and month ends, ISO
        // weeks that start in the previous year), and the seconds around each period's edges.
        var generator = SplitMix(seed: 3)
        var moments = stride(from: 915_148_800, to: 1_924_992_000, by: 26_000).map { $0 }
        moments += (0..<2_000).map { _ in 915_148_800 + Int(generator.next() % 1_009_843_200) }
        for period in CalendarPeriod.allCases {
            let window = UsageWindow.calendar(period)
            for moment in moments {
                let start = foundationStart(period, moment)
                let bucket = window.bucket(at: moment)
                XCTAssertEqual(window.start(ofBucket: bucket), start, "\(period) at \(moment)")
                XCTAssertEqual(window.periodEnd(at: moment), foundationStart(period, window.start(ofBucket: bucket + 1)),
                               "\(period) end at \(moment)")
                XCTAssertEqual(window.bucket(at: start - 1), bucket - 1, "\(period): the second before its start is the period before")
            }
        }
    }

    func testRollingWindowsCoverTheWholeDurationAndAtMostOneBucketMore() {
        for seconds in [1, 59, 60, 61, 120, 3_600, 86_400, 2_592_000, 7_777] {
            let window = UsageWindow.rolling(seconds: seconds)
            // A whole number of buckets (minutes, hours, days do), else the window rounded up to
            // whole buckets: 7,777 s in buckets of 129 s is 61 of them, 7,869 s.
            let counted = window.spanBuckets * window.bucketSeconds
            XCTAssertEqual(counted, seconds == 7_777 ? 7_869 : seconds, "\(seconds) s")
            for now in [1_796_637_600, 1_796_637_601, 1_796_637_659] {
                let current = window.bucket(at: now)
                let oldestStart = window.start(ofBucket: window.oldestCounted(current: current))
                XCTAssertLessThanOrEqual(oldestStart, now - seconds, "\(seconds) s: the whole window is counted")
                XCTAssertGreaterThan(oldestStart, now - counted - window.bucketSeconds, "\(seconds) s: at most one bucket more than that")
            }
        }
    }

    func testPeriodEndsAreWrittenAsFoundationWritesRFC3339() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SplitMix(seed: 5)
        for _ in 0..<2_000 {
            let seconds = Int(generator.next() % 4_102_444_800)  // 1970 to 2100
            XCTAssertEqual(Timestamp(secondsSinceEpoch: seconds).rfc3339, formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
            XCTAssertEqual(Timestamp(rfc3339: Timestamp(secondsSinceEpoch: seconds).rfc3339)?.secondsSinceEpoch, seconds, "it reads back")
        }
    }

    func testTheLogChecksumIsCRC32C() {
        // The check value of CRC-32C (Castagnoli) in the CRC catalogue, and RFC 3720's example
        // of 32 zero bytes.
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
    }
}
