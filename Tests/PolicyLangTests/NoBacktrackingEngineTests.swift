import Foundation
import XCTest

/// Request content is matched only by our linear-time engine: Foundation's
/// `NSRegularExpression` (ICU) and Swift's `Regex` both backtrack, so neither may appear in the
/// runtime, the compiler or the CLI. (The tests may use them as a reference.)
final class NoBacktrackingEngineTests: XCTestCase {
    func testNoBacktrackingRegexEngineInTheSources() throws {
        let forbidden = ["NSRegularExpression", "RegexBuilder", "Regex<", "Regex(", "firstMatch(of:", "wholeMatch(of:",
                         "matches(of:", "prefixMatch(of:", ".ranges(of:", "replacing(#/", "#/", "range(of:"]
        let sources = TestSupport.root + "/Sources"
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: sources))
        var checked = 0
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)
            // Code only (comments may name the engines), and whole identifiers (`LinearRegex(` is ours).
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                for needle in forbidden {
                    var searchRange = line.startIndex..<line.endIndex
                    while let found = line.range(of: needle, range: searchRange) {
                        let before = found.lowerBound > line.startIndex ? line[line.index(before: found.lowerBound)] : " "
                        if !(before.isLetter || before.isNumber || before == "_") {
                            XCTFail("\(relative):\(number + 1) uses `\(needle)`; match request content with LinearRegex or LiteralMatcher")
                        }
                        searchRange = found.upperBound..<line.endIndex
                    }
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
