import Foundation
@testable import PolicyRuntime
import XCTest

/// What the engine reads a pattern as, where a looser reading would silently mean something else:
/// POSIX bracket classes, `\b{…}`, octal and hexadecimal escapes, and case folding that does not
/// depend on a class's size.
final class RegexDialectTests: XCTestCase {
    private func spans(_ pattern: String, _ text: String, caseInsensitive: Bool = false) throws -> [String] {
        try LinearRegex(pattern, caseInsensitive: caseInsensitive).matches(in: Array(text.utf8)).map { "\($0.lowerBound)-\($0.upperBound)" }
    }

    private func matchesWhole(_ regex: LinearRegex, _ scalar: Unicode.Scalar) -> Bool {
        let bytes = Array(String(scalar).utf8)
        return regex.matches(in: bytes) == [0..<bytes.count]
    }

    /// Each POSIX class matches exactly what RE2's syntax reference gives as its equivalent
    /// (written here as that reference writes it), over all of ASCII and a few scalars beyond.
    func testPOSIXClassesAreRE2sASCIIClasses() throws {
        let equivalents: [(String, String)] = [
            ("alnum", "[0-9A-Za-z]"),
            ("alpha", "[A-Za-z]"),
            ("ascii", "[\\x00-\\x7F]"),
            ("blank", "[\\t ]"),
            ("cntrl", "[\\x00-\\x1F\\x7F]"),
            ("digit", "[0-9]"),
            ("graph", "[!-~]"),
            ("lower", "[a-z]"),
            ("print", "[ -~]"),
            ("punct", "[!-/:-@\\[-`{-~]"),
            ("space", "[\\t\\n\\v\\f\\r ]"),
            ("upper", "[A-Z]"),
            ("word", "[0-9A-Za-z_]"),
            ("xdigit", "[0-9A-Fa-f]"),
        ]
        XCTAssertEqual(equivalents.map(\.0), PosixClass.names, "every class RE2 defines, and no other")
        let probes = (0..<128).compactMap(Unicode.Scalar.init) + ["é", "\u{212A}", "\u{017F}", "\u{00A0}", "٣", "😀"]
        for (name, equivalent) in equivalents {
            let reference = try LinearRegex(equivalent)
            let positive = try LinearRegex("[[:\(name):]]")
            let negative = try LinearRegex("[[:^\(name):]]")
            let outside = try LinearRegex("[^[:\(name):]]")
            for scalar in probes {
                let expected = matchesWhole(reference, scalar)
                XCTAssertEqual(matchesWhole(positive, scalar), expected, "[[:\(name):]] on U+\(String(scalar.value, radix: 16))")
                XCTAssertEqual(matchesWhole(negative, scalar), !expected, "[[:^\(name):]] on U+\(String(scalar.value, radix: 16))")
                XCTAssertEqual(matchesWhole(outside, scalar), !expected, "[^[:\(name):]] on U+\(String(scalar.value, radix: 16))")
            }
        }
    }

    /// grammar.md's table of POSIX classes names every class the engine has, and the set it gives
    /// for each is the class's set.
    func testGrammarDocumentsEachPOSIXClass() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let grammar = try String(contentsOf: root.appendingPathComponent("grammar.md"), encoding: .utf8)
        var documented: [String] = []
        for line in grammar.split(separator: "\n") where line.hasPrefix("| `[:") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = String(cells[0].dropFirst(3).dropLast(3))
            let equivalent = cells[1].hasPrefix("`` ") ? String(cells[1].dropFirst(3).dropLast(3)) : String(cells[1].dropFirst().dropLast())
            documented.append(name)
            let reference = try LinearRegex(equivalent)
            let posix = try LinearRegex("[[:\(name):]]")
            for value in UInt32(0)..<0x80 {
                let scalar = Unicode.Scalar(value)!
                XCTAssertEqual(matchesWhole(posix, scalar), matchesWhole(reference, scalar), "\(name) on U+\(String(value, radix: 16))")
            }
        }
        XCTAssertEqual(documented, PosixClass.names)
    }

    func testPOSIXClassesInPatterns() throws {
        XCTAssertEqual(try spans("[[:digit:]]{6}", "id 123456 and 12345"), ["3-9"], "once read as the set `[:digt` and a `]`")
        XCTAssertEqual(try spans("[[:digit:]a-f_]+", "x 09af_g Z"), ["2-7"])
        XCTAssertEqual(try spans("[_[:upper:][:digit:]]+", "ab_C9d"), ["2-5"])
        XCTAssertEqual(try spans("[[:^digit:]x]+", "12ab3x4"), ["2-4", "5-6"])
        XCTAssertEqual(try spans("[^[:space:][:punct:]]+", "a, b!c"), ["0-1", "3-4", "5-6"])
        XCTAssertEqual(try spans("[[:alpha:]-]+", "a-b"), ["0-3"], "a `-` after a class is literal")
        XCTAssertEqual(try spans("[[:]+", "a[:]"), ["1-3"], "no `:]` follows: the `[` is literal, as in RE2")
        XCTAssertEqual(try spans("[[:a-c]+", "[b:"), ["0-3"])
    }

    /// Under `i`, as in RE2, `[[:upper:]]` and `[[:lower:]]` are folded like any other item: each
    /// matches letters of both cases (and the Kelvin sign and long s, which fold to `k` and `s`);
    /// a negated one is the complement of the folded set.
    func testPOSIXCaseClassesUnderCaseFolding() throws {
        for pattern in ["(?i)[[:upper:]]", "(?i)[[:lower:]]", "[[:upper:]]", "[[:lower:]]"] {
            let regex = try LinearRegex(pattern)
            let folding = pattern.hasPrefix("(?i)")
            let upper = pattern.contains("upper")
            XCTAssertEqual(matchesWhole(regex, "Q"), folding || upper, pattern)
            XCTAssertEqual(matchesWhole(regex, "q"), folding || !upper, pattern)
            XCTAssertEqual(matchesWhole(regex, "\u{212A}"), folding, pattern)
            XCTAssertEqual(matchesWhole(regex, "\u{017F}"), folding, pattern)
            XCTAssertFalse(matchesWhole(regex, "É"), pattern)
        }
        let notUpper = try LinearRegex("[[:^upper:]]", caseInsensitive: true)
        for scalar: Unicode.Scalar in ["Q", "q", "\u{212A}", "\u{017F}"] { XCTAssertFalse(matchesWhole(notUpper, scalar), "U+\(String(scalar.value, radix: 16))") }
        XCTAssertTrue(matchesWhole(notUpper, "1"))
        XCTAssertTrue(matchesWhole(notUpper, "É"))
        // The same rule for `\W`: folding the complement would put `k` back through the Kelvin sign.
        let notWord = try LinearRegex("\\W", caseInsensitive: true)
        for scalar: Unicode.Scalar in ["k", "K", "s", "\u{212A}", "\u{017F}"] { XCTAssertFalse(matchesWhole(notWord, scalar), "U+\(String(scalar.value, radix: 16))") }
        XCTAssertTrue(matchesWhole(try LinearRegex("[\\W]", caseInsensitive: true), "-"))
        XCTAssertFalse(matchesWhole(try LinearRegex("[\\W]", caseInsensitive: true), "k"))
    }

    func testMisreadingsAreRefusedWithTheirOffset() {
        let cases: [(String, String, Int)] = [
            ("[[:digits:]]", "unknown POSIX class `[:digits:]`; the classes are \(PosixClass.names.joined(separator: ", "))", 1),
            ("[[:Alpha:]]", "unknown POSIX class `[:Alpha:]`; the classes are \(PosixClass.names.joined(separator: ", "))", 1),
            ("ab[x[:^foo:]]", "unknown POSIX class `[:^foo:]`; the classes are \(PosixClass.names.joined(separator: ", "))", 4),
            ("é[[: alpha:]]", "unknown POSIX class `[: alpha:]`; the classes are \(PosixClass.names.joined(separator: ", "))", 3),
            ("[:digit:]{6}", "a POSIX class must be inside a bracket expression: write `[[:digit:]]`", 0),
            ("x[:^alpha:]", "a POSIX class must be inside a bracket expression: write `[[:^alpha:]]`", 1),
            ("\\b{start}", "`\\b{…}` is not supported; only `\\b` and `\\B` are word boundaries", 0),
            ("x\\b{end}", "`\\b{…}` is not supported; only `\\b` and `\\B` are word boundaries", 1),
            ("é\\B{wb}", "`\\B{…}` is not supported; only `\\b` and `\\B` are word boundaries", 2),
            ("\\b{2}", "`\\b{…}` is not supported; only `\\b` and `\\B` are word boundaries", 0),
            ("[[:alpha]]", "`[:alpha]` is not a POSIX class: it lacks the `:` of `[:alpha:]`", 1),
            ("[x[:^digit]]", "`[:^digit]` is not a POSIX class: it lacks the `:` of `[:^digit:]`", 2),
            ("ab\\xA", "invalid hexadecimal escape", 2),
        ]
        for (pattern, message, offset) in cases {
            XCTAssertThrowsError(try LinearRegex(pattern), pattern) { error in
                XCTAssertEqual(error as? RegexSyntaxError, RegexSyntaxError(message: message, offset: offset), pattern)
            }
        }
    }

    /// Escapes followed by `{` that RE2 gives a meaning to keep it.
    func testEscapesBeforeBracesThatRE2Reads() throws {
        XCTAssertEqual(try spans("\\d{3}", "12345"), ["0-3"])
        XCTAssertEqual(try spans("\\x{41}{2}", "AAA"), ["0-2"])
        XCTAssertEqual(try spans("\\.{2}", "..."), ["0-2"])
        XCTAssertEqual(try spans("\\w{x}", "a{x}"), ["0-4"], "not a repetition: a literal `{`, as in RE2")
        XCTAssertEqual(try spans("\\A{2}a", "a"), ["0-1"])
    }

    /// `\0` takes up to two more octal digits, as in RE2 and Perl.
    func testOctalEscapes() throws {
        XCTAssertEqual(try spans("a\\012b", "a\nb a\u{0}12b"), ["0-3"])
        XCTAssertEqual(try spans("\\0", "x\u{0}"), ["1-2"])
        XCTAssertEqual(try spans("\\08", "\u{0}8"), ["0-2"], "8 is not an octal digit")
        XCTAssertEqual(try spans("\\0101", "\u{8}1"), ["0-2"], "two digits at most: `\\010` and `1`")
        XCTAssertEqual(try spans("[\\011-\\015]+", "\t\n\r"), ["0-3"])
    }

    /// Folding a class does not depend on its size: it was skipped for ranges over 512 scalars.
    func testCaseFoldingOfLargeClasses() throws {
        XCTAssertEqual(try spans("[\\x{430}-\\x{7FF}]", "А", caseInsensitive: true), ["0-2"], "U+0410, the capital of U+0430")
        XCTAssertEqual(try spans("(?i)[\\x{430}-\\x{7FF}]", "А"), ["0-2"])
        // Above U+00FF only the Kelvin sign and the long s have ASCII letters in their orbits.
        XCTAssertEqual(try spans("(?i)[\\x{100}-\\x{10FFFF}]", "AKsz"), ["1-2", "2-3"])
        XCTAssertEqual(try spans("(?i)[\\x{0}-\\x{10FFFF}]+", "aZ\u{212A}"), ["0-5"])
        XCTAssertEqual(try spans("(?i)[^\\x{0}-\\x{60}]", "`aAb{"), ["4-5"], "`A`–`Z` are excluded with their orbits")
    }

    /// `i` matches every scalar of the same simple case-folding orbit, whichever is written.
    func testCaseFoldingFollowsWholeOrbits() throws {
        let orbits: [[Unicode.Scalar]] = [
            ["k", "K", "\u{212A}"], ["s", "S", "\u{017F}"], ["σ", "ς", "Σ"], ["ß", "ẞ"], ["θ", "ϑ", "Θ", "ϴ"],
            ["µ", "μ", "Μ"], ["ǆ", "ǅ", "Ǆ"], ["å", "Å", "\u{212B}"], ["\u{10428}", "\u{10400}"],
        ]
        for orbit in orbits {
            for written in orbit {
                let regex = try LinearRegex("\\x{\(String(written.value, radix: 16))}", caseInsensitive: true)
                for other in orbit { XCTAssertTrue(matchesWhole(regex, other), "U+\(String(written.value, radix: 16)) on U+\(String(other.value, radix: 16))") }
                XCTAssertFalse(matchesWhole(regex, "x"))
            }
        }
        XCTAssertEqual(try spans("[\\x{3C3}]", "Σ ς", caseInsensitive: false), [], "only under `i`")
    }

    /// The orbit table agrees with the toolchain's own simple case mappings for every scalar of
    /// the table's Unicode version: a scalar's one-scalar lower, upper and title case mappings are
    /// in its orbit. (The toolchain may know a later version, whose new letters are skipped.)
    /// The exceptions are Turkic: `ı` upper-cases to `I`, but only Turkic folding (status T,
    /// which RE2 leaves out too) joins them, and `İ` has no one-scalar simple folding at all.
    func testOrbitsContainTheToolchainsSimpleCaseMappings() {
        var checked = 0
        for value in UInt32(0)...0x1FFFF where value != 0x0130 && value != 0x0131 {
            guard let scalar = Unicode.Scalar(value), let age = scalar.properties.age, age.major < 15 || (age.major == 15 && age.minor == 0) else { continue }
            let folded = ScalarSet([value...value]).caseFolded()
            for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping, scalar.properties.titlecaseMapping] {
                let scalars = Array(mapping.unicodeScalars)
                guard scalars.count == 1, scalars[0] != scalar, let other = Unicode.Scalar(scalars[0].value),
                      let otherAge = other.properties.age, otherAge.major < 15 || (otherAge.major == 15 && otherAge.minor == 0) else { continue }
                XCTAssertTrue(folded.contains(other.value), "U+\(String(value, radix: 16)) → U+\(String(other.value, radix: 16))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 2_500)
    }

    /// `containsNonASCIICaseForms` looks for U+212A and U+017F because they are the only scalars
    /// outside ASCII whose orbit holds an ASCII letter.
    func testOnlyTheKelvinSignAndLongSFoldIntoASCII() {
        let ascii = ScalarSet([0...0x7F]).caseFolded()
        XCTAssertEqual(ascii.ranges.filter { $0.upperBound > 0x7F }, [0x017F...0x017F, 0x212A...0x212A])
        for text in ["plain", "cu\u{017F}t", "\u{212A}ey", "émigré", ""] {
            let bytes = Array(text.utf8)
            let expected = text.unicodeScalars.contains { $0.value == 0x017F || $0.value == 0x212A }
            XCTAssertEqual(bytes.withUnsafeBufferPointer(LinearRegex.containsNonASCIICaseForms), expected, text)
        }
        XCTAssertTrue(Array((String(repeating: "x", count: 40) + "\u{212A}").utf8).withUnsafeBufferPointer(LinearRegex.containsNonASCIICaseForms))
    }

    /// A `k` or `s` of a case-insensitive pattern's required literal may be written as the Kelvin
    /// sign or the long s: the prefilter must not skip such a text.
    func testThePrefilterDoesNotSkipNonASCIICaseForms() throws {
        let regex = try LinearRegex("CUST-[0-9]{6}", caseInsensitive: true)
        XCTAssertEqual(regex.requiredLiteral.map { String(decoding: $0, as: UTF8.self) }, "cust-")
        XCTAssertTrue(regex.requiredLiteralHasNonASCIICaseForms)
        XCTAssertEqual(try spans("CUST-[0-9]{6}", "id cu\u{017F}t-123456", caseInsensitive: true), ["3-15"])
        XCTAssertEqual(try spans("desk", "DE\u{017F}\u{212A}", caseInsensitive: true), ["0-7"])
        XCTAssertFalse(try LinearRegex("CUST-[0-9]{6}").requiredLiteralHasNonASCIICaseForms, "case-sensitive: an `s` is an `s`")
        XCTAssertFalse(try LinearRegex("order-[0-9]{6}", caseInsensitive: true).requiredLiteralHasNonASCIICaseForms, "no `k` or `s`")
        XCTAssertEqual(try spans("CUST-[0-9]{6}", "id cu\u{017F}t-123456"), [])
    }
}
