@testable import PolicyRuntime
import XCTest

final class LiteralMatcherTests: XCTestCase {
    private func matches(_ patterns: [String], _ text: String, wholeWord: Bool = false) -> [String] {
        let matcher = LiteralMatcher(patterns.map { LiteralMatcher.Pattern(Array($0.utf8), wholeWord: wholeWord) })
        let bytes = Array(text.utf8)
        return matcher.allMatches(in: bytes).map { "\(patterns[$0.pattern])@\($0.start)-\($0.end)" }
    }

    /// Every occurrence by brute force, for comparison.
    private func reference(_ patterns: [[UInt8]], _ text: [UInt8]) -> [String] {
        let folded = ASCIIFold.fold(text)
        let foldedPatterns = patterns.map(ASCIIFold.fold)
        var found: [String] = []
        for start in 0..<folded.count {
            for (index, pattern) in foldedPatterns.enumerated() where !pattern.isEmpty && start + pattern.count <= folded.count {
                if folded[start..<start + pattern.count].elementsEqual(pattern) { found.append("\(index)@\(start)") }
            }
        }
        return found.sorted()
    }

    func testCaseInsensitiveAnywhereIncludingInsideWords() {
        XCTAssertEqual(matches(["production", "customer_data"], "PRODUCTION db; preproductions and Customer_Data"),
                       ["production@0-10", "production@18-28", "customer_data@34-47"])
    }

    func testWholeWordRespectsBoundaries() {
        XCTAssertEqual(matches(["orion"], "orion, orions, xorion, (Orion)", wholeWord: true), ["orion@0-5", "orion@24-29"])
    }

    func testOverlappingAndNestedOccurrences() {
        XCTAssertEqual(matches(["aa", "aaa"], "aaaa"), ["aa@0-2", "aaa@0-3", "aa@1-3", "aaa@1-4", "aa@2-4"])
    }

    func testShortPatternsAndEdges() {
        XCTAssertEqual(matches(["x"], "xax"), ["x@0-1", "x@2-3"])
        XCTAssertEqual(matches(["abc"], "ab"), [])
        XCTAssertEqual(matches([""], "anything"), [], "an empty pattern matches nothing")
        XCTAssertEqual(matches(["é"], "café É"), ["é@3-5"], "non-ASCII bytes match exactly")
    }

    func testAgreesWithBruteForceOnRandomInput() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcAB_- ".utf8)
        for round in 0..<300 {
            // Small sets, large sets (over 64: direct candidate index) and long patterns (4-byte blocks).
            let patternCount = round % 3 == 0 ? 200 : (round % 3 == 1 ? Int.random(in: 17...40, using: &generator)
                                                                        : Int.random(in: 1...8, using: &generator))
            let lengths = round % 5 == 0 ? 12...20 : 1...9
            let patterns = (0..<patternCount).map { _ in
                (0..<Int.random(in: lengths, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let text = (0..<Int.random(in: 0...400, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let matcher = LiteralMatcher(patterns.map { LiteralMatcher.Pattern($0) })
            let found = matcher.allMatches(in: text).map { "\($0.pattern)@\($0.start)" }.sorted()
            XCTAssertEqual(found, reference(patterns, text), "round \(round)")
        }
    }

    func testSmallSetsRejectFoldingLookAlikesAndMatchesPastTheEnd() {
        // The rare-pair filter compares bytes `| 0x20`, which also merges `@` with `` ` ``, `[` with
        // `{` and NUL with space; verification must reject each, and the zero padding of the
        // text's tail must not produce a match past the end.
        XCTAssertEqual(matches(["a@b"], "a`b A@B"), ["a@b@4-7"])
        XCTAssertEqual(matches(["x[y"], "x{y x[y"), ["x[y@4-7"])
        XCTAssertEqual(matches(["ab "], "ab\u{0}ab"), [])
        XCTAssertEqual(matches(["end "], String(repeating: "filler ", count: 5) + "end"), [])
        XCTAssertEqual(matches(["end "], String(repeating: "filler ", count: 5) + "end "), ["end @35-39"])
    }

    func testSmallSetsAgreeWithBruteForceAtEveryTextLength() {
        // Lengths around the 16- and 32-position blocks and the tail, with look-alike bytes.
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("abAB @`[{ ".utf8) + [0x00, 0xC3, 0xA9]
        for round in 0..<400 {
            let patterns = (0..<Int.random(in: 1...RarePairFilter.maximumPatterns, using: &generator)).map { _ in
                (0..<Int.random(in: 1...(round % 4 == 0 ? 30 : 5), using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let text = (0..<(round % 100)).map { _ in alphabet.randomElement(using: &generator)! }
            let matcher = LiteralMatcher(patterns.map { LiteralMatcher.Pattern($0) })
            let found = matcher.allMatches(in: text).map { "\($0.pattern)@\($0.start)" }.sorted()
            XCTAssertEqual(found, reference(patterns, text), "round \(round)")
        }
    }

    func testRarestPairAvoidsCommonLetters() {
        // "production": the pair is its two least frequent letters in English, `p` and `u`.
        let word = Array("production".utf8)
        let (first, second) = RarePairFilter.rarestPair(word)
        XCTAssertEqual([word[first], word[second]], Array("pu".utf8))
        let code = Array("customer_data".utf8)
        XCTAssertTrue(RarePairFilter.rarestPair(code).1 == 8, "`_` is rare in prose")
        XCTAssertEqual(RarePairFilter.rarestPair(Array("x".utf8)).0, 0, "a one-byte pattern uses its byte twice")
    }

    func testLongTextsScannedAsTwoStreamsReportEveryMatchInOrder() {
        // From `twoStreamMinimum` bytes on, the hashed matcher runs two interleaved streams; the
        // second's matches wait for the first's. Plant matches across the middle and at both ends.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdAB_ ".utf8)
        for round in 0..<12 {
            let patterns = (0..<Int.random(in: 9...60, using: &generator)).map { _ in
                (0..<Int.random(in: 2...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let length = LiteralMatcher.twoStreamMinimum + Int.random(in: 0...5_000, using: &generator)
            var text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            for anchor in [0, length / 2 - 5, length / 2, length / 2 + 3, length - 12] {
                let pattern = patterns.randomElement(using: &generator)!
                for (offset, byte) in pattern.enumerated() where anchor + offset < length { text[anchor + offset] = byte }
            }
            let matcher = LiteralMatcher(patterns.map { LiteralMatcher.Pattern($0) })
            let found = matcher.allMatches(in: text)
            XCTAssertEqual(found.map { "\($0.pattern)@\($0.start)" }.sorted(), reference(patterns, text), "round \(round)")
            XCTAssertEqual(found.map(\.start), found.map(\.start).sorted(), "in order of start, round \(round)")
        }
    }

    func testStopsWhenAskedInEitherStream() {
        let text = Array((String(repeating: "x", count: 5_000) + "needle" + String(repeating: "y", count: 5_000)).utf8)
        for (bytes, expected) in [(text, 5_000), (Array("needle".utf8) + text, 0)] {
            let matcher = LiteralMatcher(literals: (0..<20).map { "absent\($0)" } + ["needle"])
            var starts: [Int] = []
            bytes.withUnsafeBufferPointer { buffer in
                matcher.scan(buffer) { _, start, _ in
                    starts.append(start)
                    return false
                }
            }
            XCTAssertEqual(starts, [expected])
        }
    }

    func testStopsWhenAsked() {
        let matcher = LiteralMatcher(literals: ["a"])
        var seen = 0
        Array("aaaa".utf8).withUnsafeBufferPointer { text in
            matcher.scan(text) { _, _, _ in
                seen += 1
                return false
            }
        }
        XCTAssertEqual(seen, 1)
    }
}
