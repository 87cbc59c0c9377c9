import Foundation
@testable import PolicyRuntime
import XCTest

/// Repeated groups that can match the empty string: which of the ways to match wins, where
/// backtracking engines and automata have historically disagreed. The engine follows RE2 (which
/// compiles `x*` as `(x+)?` when x can be empty); Perl agrees with it on the shapes tested here
/// against Perl. NSRegularExpression (ICU) backtracks as Perl does and sides with Perl where the
/// two differ, so LinearRegexTests keeps nullable repetitions out of its comparison with ICU.
final class RegexEmptyIterationTests: XCTestCase {
    private func pikeSpans(_ regex: LinearRegex, _ text: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        text.withUnsafeBufferPointer { buffer in
            regex.pikeMatches(in: buffer, from: 0) { start, end in
                found.append(start..<end)
                return true
            }
        }
        return found
    }

    private func render(_ spans: [Range<Int>]) -> [String] { spans.map { "\($0.lowerBound)-\($0.upperBound)" } }

    /// Every match, left to right, as Perl's `while (/re/g)` and RE2's `FindAll` give them. The
    /// expected spans are Perl 5.36's (`perl -e` with `pos` advanced one past an empty match),
    /// each checked against RE2 too; where the two differ the row says so and holds RE2's.
    func testSpansOfNullableRepetitions() throws {
        let table: [(String, String, [String])] = [
            ("x(?:|a)*", "xaaa", ["0-1"]),            // the empty branch is preferred and ends the loop
            ("x(?:a|)*", "xaaa", ["0-4"]),
            ("x(?:a??)*", "xaaa", ["0-1"]),
            ("x(?:a?)*", "xaaa", ["0-4"]),
            ("x(?:|a)*?", "xaaa", ["0-1"]),
            ("x(?:a|)*?", "xaaa", ["0-1"]),
            ("x(?:a??)+", "xaaa", ["0-1"]),
            ("x(?:a?)+?", "xaaa", ["0-2"]),
            ("(?:a*)*", "aab", ["0-2", "2-2", "3-3"]),
            ("(?:a*)+", "aaa", ["0-3", "3-3"]),
            ("(?:a*?)*", "aaa", ["0-0", "1-1", "2-2", "3-3"]),
            ("(?:a*?)+b", "aab", ["0-3"]),
            ("(?:b|a*)*", "aabab", ["0-5", "5-5"]),
            // Perl gives 0-2 2-2 3-4 4-4 5-5: it ends a loop as soon as an iteration is empty,
            // where RE2 ranks that exit after a later iteration's other branches.
            ("(?:a*|b)*", "aabab", ["0-5", "5-5"]),
            ("(a|)+", "aab", ["0-2", "2-2", "3-3"]),
            ("(|a)+", "aab", ["0-0", "1-1", "2-2", "3-3"]),
            ("(?:|a)+b", "aab", ["0-3"]),
            ("(?:a|)+b", "aab", ["0-3"]),
            ("x(?:|a)*b", "xaab", ["0-4"]),
            ("x(?:(?:|a)b?)*", "xabab", ["0-1"]),
            ("x(?:(?:a|)b?)*", "xabab", ["0-5"]),
            ("x(?:|a){2,}", "xaaa", ["0-1"]),
            ("x(?:a|){2,}", "xaaa", ["0-4"]),
            ("x(?:|a){0,3}", "xaaa", ["0-1"]),
            ("x(?:a|){0,3}", "xaaa", ["0-4"]),
            ("(?:a?b?)*", "abbab", ["0-5", "5-5"]),
            ("(?:(?:a|)(?:b|))*", "abba", ["0-4", "4-4"]),
            ("(?:a|b|)*c", "abxabc", ["3-6"]),
        ]
        for (pattern, text, expected) in table {
            let regex = try LinearRegex(pattern)
            let bytes = Array(text.utf8)
            XCTAssertEqual(render(regex.matches(in: bytes)), expected, "/\(pattern)/ on \(text.debugDescription) (lazy DFA)")
            XCTAssertEqual(render(pikeSpans(regex, bytes)), expected, "/\(pattern)/ on \(text.debugDescription) (Pike VM)")
        }
    }

    /// Random patterns with nullable alternatives and nullable pieces inside repetitions, against
    /// Perl run once over the whole batch. The shapes are two on which Perl and RE2 agree (checked
    /// on 60,000 and 80,000 cases against RE2 itself):
    /// - only a group's last branch can match the empty string, and only through greedy pieces, so
    ///   an empty iteration is always an iteration's last choice — where Perl's "an empty iteration
    ///   ends the loop" and RE2's `(x+)?` rank it the same; a suffix may follow;
    /// - a group's first branch prefers the empty string (empty, or lazy pieces) and nothing follows
    ///   the group, so the first iteration ends the match; the other branches differ from each
    ///   other (RE2's parser merges equal branches, `(?:|a|a)` into `(?:|a)`, and can then prefer
    ///   another order, a difference from Perl this test does not look for).
    /// The first shape holds the engine to Perl on later iterations, the second on the empty first
    /// iteration that a one-split loop got wrong.
    func testNullableRepetitionsAgreeWithPerl() throws {
        let perl = "/usr/bin/perl"
        guard FileManager.default.isExecutableFile(atPath: perl) else {
            return XCTFail("\(perl) is missing; it is part of every Debian system (perl-base)")
        }
        var generator = SystemRandomNumberGenerator()
        let solid = ["a", "b", "x", "[ab]", "ab", "ba"]
        let optional = ["a?", "b?", "[ab]?", "a*", "b*"]
        let quantifiers = ["*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{1,3}", "{2,}", "{0,2}?", "{1,}?"]
        let greedy = ["*", "+", "?", "{0,2}", "{2,}", "{1,3}"]
        func group(_ depth: Int) -> String {
            let count = Int.random(in: 1...3, using: &generator)
            var branches: [String] = []
            for position in 0..<count {
                let last = position == count - 1
                var branch = last && Bool.random(using: &generator) ? "" : solid.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    if last, depth < 2, Int.random(in: 0..<3, using: &generator) == 0 {
                        branch += group(depth + 1) + greedy.randomElement(using: &generator)!
                    } else {
                        branch += (branch.isEmpty && !last ? solid : optional).randomElement(using: &generator)!
                    }
                }
                branches.append(branch)
            }
            // `(?:)` cannot be repeated here (RE2 allows it; it means nothing).
            if branches == [""] { branches = [solid.randomElement(using: &generator)!] }
            return "(?:" + branches.joined(separator: "|") + ")"
        }
        /// The second shape: a first branch that prefers the empty string, then distinct branches.
        func emptyFirstGroup() -> String {
            var branches = [Bool.random(using: &generator) ? "" : (0..<Int.random(in: 1...2, using: &generator)).map { _ in
                ["a??", "b??", "a*?", "[ab]??"].randomElement(using: &generator)!
            }.joined()]
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                let branch = (0..<Int.random(in: 1...2, using: &generator)).map { _ in (solid + ["a?"]).randomElement(using: &generator)! }.joined()
                if !branches.contains(branch) { branches.append(branch) }
            }
            if branches == [""] { branches.append(solid.randomElement(using: &generator)!) }
            return "(?:" + branches.joined(separator: "|") + ")"
        }
        var cases: [(pattern: String, text: String)] = []
        for round in 0..<(ProcessInfo.processInfo.environment["REGEX_ROUNDS"].flatMap { Int($0) } ?? 400) {
            var pattern = Bool.random(using: &generator) ? ["x", "a", "b", "[ab]"].randomElement(using: &generator)! : ""
            if round % 2 == 0 {
                pattern += group(0) + quantifiers.randomElement(using: &generator)!
                if Bool.random(using: &generator) { pattern += ["x", "a", "b", "b?", "a*", "[ab]"].randomElement(using: &generator)! }
            } else {
                pattern += emptyFirstGroup() + quantifiers.randomElement(using: &generator)!
            }
            let text = String((0..<Int.random(in: 0...10, using: &generator)).map { _ in "abx".randomElement(using: &generator)! })
            cases.append((pattern, text))
        }
        let expected = try perlSpans(perl, cases)
        XCTAssertEqual(expected.count, cases.count)
        for ((pattern, text), perlSpans) in zip(cases, expected) {
            let regex = try LinearRegex(pattern)
            let bytes = Array(text.utf8)
            XCTAssertEqual(render(regex.matches(in: bytes)), perlSpans, "/\(pattern)/ on \(text.debugDescription)")
            XCTAssertEqual(render(pikeSpans(regex, bytes)), perlSpans, "/\(pattern)/ on \(text.debugDescription) (Pike VM)")
        }
    }

    /// Every match of each pattern on its text by Perl, in one run: the cases go in as a file of
    /// pattern and text lines, the spans come back one line per case.
    private func perlSpans(_ perl: String, _ cases: [(pattern: String, text: String)]) throws -> [[String]] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("regex-perl-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: input) }
        try cases.map { "\($0.pattern)\n\($0.text)\n" }.joined().write(to: input, atomically: true, encoding: .utf8)
        let script = #"""
            open(my $in, '<', $ARGV[0]) or die;
            while (my $p = <$in>) {
              chomp $p; my $t = <$in>; chomp $t;
              my @o; my $pos = 0; my $re = qr/$p/;
              while ($pos <= length $t) {
                pos($t) = $pos;
                last unless $t =~ /$re/g;
                my ($s, $e) = ($-[0], $+[0]);
                push @o, "$s-$e";
                $pos = $e > $s ? $e : $e + 1;
              }
              print join(",", @o), "\n";
            }
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perl)
        process.arguments = ["-e", script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "perl failed")
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.split(separator: ",").map(String.init) }
    }

    /// The lazy DFA agrees with the Pike VM on nullable repetitions of every shape — empty
    /// branches first or last, lazy pieces inside, nested loops — where Perl is no reference.
    func testTheLazyDFAAgreesWithThePikeVMOnNullableRepetitions() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "b", "", "a?", "a??", "a*", "a*?", "b?", "[ab]", "ab", "(?:a|)", "(?:|b)"]
        let quantifiers = ["*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{2,}", "{1,3}?"]
        func group(_ depth: Int) -> String {
            let branches = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                    depth < 2 && Int.random(in: 0..<4, using: &generator) == 0
                        ? group(depth + 1) + quantifiers.randomElement(using: &generator)!
                        : pieces.randomElement(using: &generator)!
                }.joined()
            }
            return "(?:" + branches.joined(separator: "|") + ")"
        }
        var checked = 0
        for _ in 0..<(ProcessInfo.processInfo.environment["REGEX_ROUNDS"].flatMap { Int($0) } ?? 400) {
            let pattern = (Bool.random(using: &generator) ? "x" : "") + group(0) + quantifiers.randomElement(using: &generator)!
                + (Bool.random(using: &generator) ? "b" : "")
            guard let regex = try? LinearRegex(pattern) else { continue }  // `(?:)*`: nothing to repeat
            XCTAssertNotNil(regex.reversedProgram, pattern)
            let text = Array(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in "abx".randomElement(using: &generator)! }).utf8)
            XCTAssertEqual(regex.matches(in: text), pikeSpans(regex, text), "/\(pattern)/ on \(String(decoding: text, as: UTF8.self))")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
    }
}
