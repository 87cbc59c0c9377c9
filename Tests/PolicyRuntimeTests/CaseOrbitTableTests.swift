import Foundation
@testable import PolicyRuntime
import XCTest

/// `CaseOrbits.swift` is generated from the pinned `CaseFolding.txt` beside the project
/// (`../shared/data/unicode/`): running the generator again must give the committed file byte
/// for byte, so the table cannot be edited by hand or drift from its input.
final class CaseOrbitTableTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testRegeneratingTheTableChangesNothing() throws {
        let input = root.deletingLastPathComponent().appendingPathComponent("shared/data/unicode/CaseFolding.txt")
        let committed = root.appendingPathComponent("Sources/PolicyRuntime/Regex/CaseOrbits.swift")
        XCTAssertTrue(FileManager.default.fileExists(atPath: input.path), "\(input.path) is missing (see ../shared/README.md)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", root.appendingPathComponent("scripts/generate-case-orbits.swift").path, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let generated = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "the generator failed")
        XCTAssertEqual(String(decoding: generated, as: UTF8.self), try String(contentsOf: committed, encoding: .utf8),
                       "CaseOrbits.swift differs from the generator's output: rerun scripts/generate-case-orbits.swift")
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
