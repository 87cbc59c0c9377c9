import Foundation
@testable import PolicyRuntime
import XCTest

/// `CaseOrbits.swift` is generated from the pinned `CaseFolding.txt` beside the project
/// (`../shared/data/unicode/`): running the generator again must give the committed file byte
/// for byte, so the table cannot be edited by hand or drift from its input.
final class CaseOrbitTableTests: XCTestCase {
    func testRegeneratingTheTableChangesNothing() throws {
        try GeneratedTable.assertRegenerates("Sources/PolicyRuntime/Regex/CaseOrbits.swift", script: "generate-case-orbits.swift",
                                             input: GeneratedTable.unicode.appendingPathComponent("CaseFolding.txt"))
    }

    /// The table is well formed: sorted, and `next` closes every orbit into one cycle.
    func testEveryOrbitIsOneCycle() {
        XCTAssertEqual(CaseOrbits.scalars.count, CaseOrbits.next.count)
        XCTAssertTrue(zip(CaseOrbits.scalars, CaseOrbits.scalars.dropFirst()).allSatisfy { $0 < $1 })
        for (index, scalar) in CaseOrbits.scalars.enumerated() {
            var member = CaseOrbits.next[index]
            var steps = 1
            while member != scalar, steps <= 4 {
                member = CaseOrbits.next[CaseOrbits.index(of: member)]
                steps += 1
            }
            XCTAssertEqual(member, scalar, "U+\(String(scalar, radix: 16)): orbit does not come back within 4 steps")
            XCTAssertGreaterThan(steps, 1)
        }
    }
}
