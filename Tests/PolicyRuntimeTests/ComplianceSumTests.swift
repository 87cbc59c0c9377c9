@testable import PolicyRuntime
import XCTest

/// The compliance report's sums refuse to wrap: docs/audit.md says a period whose sums would
/// exceed 2^63 is refused, naming the record. Reaching that through records would take millions
/// of them at the 10^12 cap, so the adder every sum goes through is checked directly.
final class ComplianceSumTests: XCTestCase {
    func testASumThatWouldOverflowIsRefusedWithThePlace() throws {
        var total = Int.max - 1
        try ComplianceAggregator.add(1, to: &total, "trail.jsonl:7")
        XCTAssertEqual(total, Int.max)
        XCTAssertThrowsError(try ComplianceAggregator.add(1, to: &total, "trail.jsonl:8")) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .badInput)
            XCTAssertEqual((error as? AuditError)?.message, "trail.jsonl:8: the period's sums exceed what a report can add up (2^63)")
        }
        XCTAssertEqual(total, Int.max, "a refused sum leaves the total as it was")
    }
}
