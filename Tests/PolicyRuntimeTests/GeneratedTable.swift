import Foundation
import XCTest

/// Tables generated from Unicode's data files: the project root, the pinned data beside it, and
/// the check that running a generator again gives the committed file byte for byte.
enum GeneratedTable {
    /// The repository's root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared/data/unicode/`, the pinned Unicode data files.
    static let unicode = root.deletingLastPathComponent().appendingPathComponent("shared/data/unicode")

    /// Asserts that `swift scripts/<script> <input>` prints exactly `committed` (relative to the root).
    static func assertRegenerates(_ committed: String, script: String, input: URL,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: input.path), "\(input.path) is missing (see ../shared/README.md)",
                      file: file, line: line)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", root.appendingPathComponent("scripts/" + script).path, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let generated = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "the generator failed", file: file, line: line)
        XCTAssertEqual(String(decoding: generated, as: UTF8.self),
                       try String(contentsOf: root.appendingPathComponent(committed), encoding: .utf8),
                       "\(committed) differs from the generator's output: rerun scripts/\(script)", file: file, line: line)
    }
}
