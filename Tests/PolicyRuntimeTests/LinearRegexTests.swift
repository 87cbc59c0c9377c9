import Foundation
@testable import PolicyRuntime
import XCTest

/// The linear-time engine: a table of patterns × texts × expected matches, the constructs it
/// refuses (with the offset it points at), and a differential test against NSRegularExpression
/// (which is allowed here, in tests, never on request content).
final class LinearRegexTests: XCTestCase {
    private func spans(_ pattern: String, _ text: String, caseInsensitive: Bool = false) throws -> [String] {
        let regex = try LinearRegex(pattern, caseInsensitive: caseInsensitive)
        let bytes = Array(text.utf8)
        return regex.matches(in: bytes).map { "\($0.lowerBound)-\($0.upperBound)" }
    }

    func testMatchTable() throws {
        let table: [(String, String, [String])] = [
            ("CUST-[0-9]{6}", "id CUST-123456 and CUST-12345", ["3-14"]),
            ("a|ab", "ab", ["0-1"]),                 // leftmost-first: the first alternative wins
            ("ab|a", "ab", ["0-2"]),
            ("a*", "baa", ["0-0", "1-3", "3-3"]),    // empty matches, then one scalar on
            ("a+?", "aaa", ["0-1", "1-2", "2-3"]),   // lazy
            ("a{2,3}", "aaaaaaa", ["0-3", "3-6"]),
            ("a{2}", "aaaaa", ["0-2", "2-4"]),
            ("a{2,}", "aaaaa", ["0-5"]),
            ("x{0}y", "xy", ["1-2"]),
            ("\\bcat\\b", "cat concat cat_ cat.", ["0-3", "16-19"]),
            ("\\Bcat", "concat cat", ["3-6"]),
            ("^ab", "abab", ["0-2"]),
            ("ab$", "abab", ["2-4"]),
            ("\\Aab\\z", "ab", ["0-2"]),
            ("[^a-c]+", "abcxyzabc", ["3-6"]),
            ("[a\\-z]", "-", ["0-1"]),
            ("[]a]", "]a", ["0-1", "1-2"]),
            ("\\d+\\s\\w+", "call 42 people", ["5-14"]),
            ("\\D\\W\\S", "a! b", ["1-4"]),
            (".", "a\nb", ["0-1", "2-3"]),           // `.` stops at a line feed
            ("é+", "café éé", ["3-5", "6-10"]),      // byte offsets of UTF-8
            ("\\x41\\x{1F600}", "A😀", ["0-5"]),
            ("(?:ab)+", "ababa", ["0-4"]),
            ("(?<year>\\d{4})-(?P<month>\\d\\d)", "2026-11", ["0-7"]),
            ("(a|b)*c", "abacbc", ["0-4", "4-6"]),
            ("a**", "aa", ["0-2", "2-2"]),
            ("(a*)*b", "aab", ["0-3"]),
            ("x*|b", "b", ["0-0", "1-1"]),
            ("\\.\\*\\+", "a.*+b", ["1-4"]),
            ("a{,2}", "a{,2}", ["0-5"]),             // not a repetition: literal braces
        ]
        for (pattern, text, expected) in table {
            XCTAssertEqual(try spans(pattern, text), expected, "/\(pattern)/ on \(text.debugDescription)")
        }
    }

    func testCaseInsensitive() throws {
        XCTAssertEqual(try spans("production", "PRODUCTION Production", caseInsensitive: true), ["0-10", "11-21"])
        XCTAssertEqual(try spans("[a-c]x", "BX cX", caseInsensitive: true), ["0-2", "3-5"])
        XCTAssertEqual(try spans("привет", "ПРИВЕТ Привет", caseInsensitive: true), ["0-12", "13-25"])
        XCTAssertEqual(try spans("é", "É", caseInsensitive: true), ["0-2"])
        XCTAssertEqual(try spans("(?i)ab", "AB"), ["0-2"])
        XCTAssertEqual(try spans("a(?i:b)c", "aBc ABc abC"), ["0-3"])
        XCTAssertEqual(try spans("[^a]", "A", caseInsensitive: true), [], "a negated class excludes both cases")
    }

    func testRefusedConstructsPointAtTheOffendingCharacter() {
        let cases: [(String, String, Int)] = [
            ("(a)\\1", "backreferences need backtracking; they are not supported", 3),
            ("x(?=y)", "lookahead needs backtracking; it is not supported", 1),
            ("x(?!y)", "lookahead needs backtracking; it is not supported", 1),
            ("(?<=y)x", "lookbehind needs backtracking; it is not supported", 0),
            ("(?<!y)x", "lookbehind needs backtracking; it is not supported", 0),
            ("(?>ab)", "atomic groups need backtracking; they are not supported", 0),
            ("a*+", "possessive quantifiers need backtracking; they are not supported", 2),
            ("\\k<x>", "backreferences need backtracking; they are not supported", 0),
            ("ab)", "unmatched `)`", 2),
            ("(ab", "unclosed group `(`", 0),
            ("[ab", "unclosed class `[`", 0),
            ("*a", "nothing to repeat", 0),
            ("a{3,2}", "repetition {3,2} is out of order", 1),
            ("a{1001}", "repetition count above 1000", 1),
            ("[z-a]", "range out of order", 2),
            ("\\q", "unknown escape `\\q`", 0),
            ("\\p{L}", "Unicode property classes are not supported yet", 0),
            ("x\\", "trailing backslash", 1),
            ("é(?=x)", "lookahead needs backtracking; it is not supported", 2),
        ]
        for (pattern, message, offset) in cases {
            XCTAssertThrowsError(try LinearRegex(pattern), pattern) { error in
                XCTAssertEqual(error as? RegexSyntaxError, RegexSyntaxError(message: message, offset: offset), pattern)
            }
        }
        XCTAssertThrowsError(try LinearRegex("(a{1000}){1000}")) { error in
            XCTAssertTrue((error as? RegexSyntaxError)?.message.hasPrefix("pattern too large") ?? false)
        }
        XCTAssertThrowsError(try LinearRegex(String(repeating: "(", count: 100) + String(repeating: ")", count: 100))) { error in
            XCTAssertEqual((error as? RegexSyntaxError)?.message, "groups nested deeper than 64")
        }
    }

    func testRequiredLiterals() throws {
        let table: [(String, Bool, String?)] = [
            ("CUST-[0-9]{6}", false, "cust-"),
            ("(?i)customer_[a-z]+_id", false, "customer_"),
            ("ord(er)?\\s*#\\d{4}", true, "ord"),
            ("order\\s*#\\d{4}", true, "order"),
            ("[0-9]{3}-abc{2}", false, "-abcc"),
            ("(?:xyz){2}", false, "xyzxyz"),
            ("(?:secret)+_key", false, "secret"),
            ("a|b", false, nil),
            ("token|token", false, "token"),
            ("x*yz", false, nil),
            ("\\bpassword\\b", false, "password"),
            ("é{3}", false, "ééé"),
        ]
        for (pattern, caseInsensitive, expected) in table {
            let regex = try LinearRegex(pattern, caseInsensitive: caseInsensitive)
            XCTAssertEqual(regex.requiredLiteral.map { String(decoding: $0, as: UTF8.self) }, expected, pattern)
        }
        // A text without the literal is not searched, and one with it is.
        let regex = try LinearRegex("CUST-[0-9]{6}")
        XCTAssertEqual(regex.matches(in: Array("no ids here".utf8)), [])
        XCTAssertEqual(regex.matches(in: Array("x CUST-123456".utf8)), [2..<13])
        XCTAssertEqual(regex.matches(in: Array("x cust-123456".utf8)), [], "the prefilter ignores case; the regex does not")
    }

    /// Patterns that take exponential time in a backtracking engine take one pass here.
    func testPathologicalPatternsFinishOnLongInput() throws {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 20_000)
        for pattern in ["(a+)+b", "(a|aa)*c", "(.*a){20}", "(a*)*b", "(a|a)*b"] {
            let regex = try LinearRegex(pattern)
            let found = regex.matches(in: text)
            if pattern == "(.*a){20}" {
                XCTAssertEqual(found, [0..<20_000], pattern)
            } else {
                XCTAssertEqual(found, [], pattern)
            }
        }
    }

    /// Random patterns of the shared subset on random ASCII texts: the same match spans as
    /// NSRegularExpression (ICU), which implements the same leftmost-first semantics. Nothing
    /// that can match the empty string is repeated: there ICU, backtracking as Perl does, can
    /// differ from RE2, which the engine follows (RegexEmptyIterationTests covers those).
    func testAgreesWithNSRegularExpression() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc x.-")
        func atom(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 2 ? 6 : 9), using: &generator) {
            case 0, 1, 2: return String(alphabet.randomElement(using: &generator)!).replacingOccurrences(of: ".", with: "\\.")
            case 3: return ["[abc]", "[^a ]", "[a-c]", "\\w", "\\d", "\\s", "."].randomElement(using: &generator)!
            case 4: return ["\\b", "\\B", "^"].randomElement(using: &generator)!
            case 5: return "x"
            case 6: return "(" + pattern(depth + 1) + ")"
            case 7: return "(?:" + pattern(depth + 1) + "|" + pattern(depth + 1) + ")"
            default: return "(" + pattern(depth + 1) + ")"
            }
        }
        func pattern(_ depth: Int) -> String {
            var text = ""
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                var piece = atom(depth)
                let repeatable = (try? RegexParser.parse(piece, caseInsensitive: false)).map { !$0.canBeEmpty } ?? false
                if repeatable, Int.random(in: 0..<3, using: &generator) == 0 {
                    piece += ["*", "+", "?", "{1,2}", "*?", "+?", "??", "{2}"].randomElement(using: &generator)!
                }
                text += piece
            }
            return text
        }
        var compared = 0
        for round in 0..<(ProcessInfo.processInfo.environment["REGEX_ROUNDS"].flatMap { Int($0) } ?? 400) {
            let source = pattern(0)
            let caseInsensitive = round % 4 == 0
            let text = String((0..<Int.random(in: 0...30, using: &generator)).map { _ in
                Array("abcABC x.-1").randomElement(using: &generator)!
            })
            guard let reference = try? NSRegularExpression(pattern: source, options: caseInsensitive ? [.caseInsensitive] : []) else { continue }
            let expected = reference.matches(in: text, range: NSRange(location: 0, length: text.utf16.count))
                .map { "\($0.range.location)-\($0.range.location + $0.range.length)" }
            XCTAssertEqual(try spans(source, text, caseInsensitive: caseInsensitive), expected,
                           "/\(source)/\(caseInsensitive ? "i" : "") on \(text.debugDescription)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 300)
    }

    /// The lazy DFA (forward to the end, backward to the start) finds exactly the Pike VM's
    /// matches, on random patterns without assertions — nullable loops and lazy quantifiers
    /// included — and random texts with non-ASCII scalars and invalid bytes.
    func testTheLazyDFAAgreesWithThePikeVM() throws {
        var generator = SystemRandomNumberGenerator()
        let atoms = ["a", "b", "é", ".", "[ab]", "[^a]", "\\d", "\\w", "(?:a|ab)", "(?:b|)", "(a*)", "(?:ab?)"]
        let quantifiers = ["", "", "*", "+", "?", "*?", "+?", "{2}", "{1,3}", "{0,2}?"]
        var checked = 0
        for _ in 0..<(ProcessInfo.processInfo.environment["REGEX_ROUNDS"].flatMap { Int($0) } ?? 400) {
            let pattern = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                atoms.randomElement(using: &generator)! + quantifiers.randomElement(using: &generator)!
            }.joined(separator: Int.random(in: 0..<5, using: &generator) == 0 ? "|" : "")
            guard let regex = try? LinearRegex(pattern, caseInsensitive: Bool.random(using: &generator)) else { continue }
            XCTAssertNotNil(regex.reversedProgram, pattern)
            var text = (0..<Int.random(in: 0...24, using: &generator)).flatMap { _ in
                Array(["a", "b", "A", "é", "1", " "].randomElement(using: &generator)!.utf8)
            }
            if Int.random(in: 0..<8, using: &generator) == 0 { text.insert(0xFF, at: Int.random(in: 0...text.count, using: &generator)) }
            var pike: [Range<Int>] = []
            text.withUnsafeBufferPointer { buffer in
                regex.pikeMatches(in: buffer, from: 0) { start, end in
                    pike.append(start..<end)
                    return true
                }
            }
            XCTAssertEqual(regex.matches(in: text), pike, "/\(pattern)/ on \(text)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
    }
}
