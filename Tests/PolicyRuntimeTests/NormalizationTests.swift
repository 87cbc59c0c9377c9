import Foundation
@testable import PolicyRuntime
import XCTest

/// The normalized view built from Unicode's data (docs/runtime.md, "Normalization"): the
/// generated table against its generator and against Foundation, then what the view makes of
/// the evasions it exists for, through the matchers and detectors of a plan.
final class NormalizationTests: XCTestCase {
    private func view(_ text: String) -> String {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            TextNormalizer.normalize(buffer).map { String(decoding: $0.bytes, as: UTF8.self) } ?? text
        }
    }

    /// What the table makes of one scalar, as text.
    private func mapped(_ value: UInt32) -> String {
        let entry = NormalizationTable.shared.entry(value)
        switch entry.kind {
        case .kept, .separator: return String(Character(Unicode.Scalar(value)!))
        case .removed: return ""
        case .replaced: return String(decoding: NormalizationTable.shared.replacement(entry), as: UTF8.self)
        }
    }

    func testRegeneratingTheTableChangesNothing() throws {
        try GeneratedTable.assertRegenerates("Sources/PolicyRuntime/Scan/NormalizationData.swift", script: "generate-normalization.swift",
                                             input: GeneratedTable.unicode)
    }

    /// Every code point Unicode 15.0 assigns decomposes as Foundation's NFKD has it: the table
    /// says it decomposes exactly when Foundation does, and then it becomes what the scalars of
    /// Foundation's decomposition become. Skipped: code points that 15.0 does not assign
    /// (Foundation's ICU may know a newer Unicode), Hangul syllables (their decomposition is
    /// algorithmic and the table keeps them), and default-ignorables and separators (removed or
    /// handled before decomposition).
    func testDecompositionsAgreeWithFoundation() {
        let table = NormalizationTable.shared
        var checked = 0
        var decomposing = 0
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), let age = scalar.properties.age,
                  age.major < 15 || (age.major == 15 && age.minor == 0), !(0xAC00...0xD7A3).contains(value) else { continue }
            let entry = table.entry(value)
            guard entry.kind != .separator, !scalar.properties.isDefaultIgnorableCodePoint else { continue }
            let nfkd = Array(String(Character(scalar)).decomposedStringWithCompatibilityMapping.unicodeScalars.map(\.value))
            checked += 1
            XCTAssertEqual(entry.decomposes, nfkd != [value], "U+\(String(value, radix: 16, uppercase: true))")
            guard nfkd != [value] else { continue }
            decomposing += 1
            XCTAssertEqual(mapped(value), nfkd.map(mapped).joined(), "U+\(String(value, radix: 16, uppercase: true))")
        }
        XCTAssertGreaterThan(checked, 140_000)
        XCTAssertGreaterThan(decomposing, 5_000)
    }

    /// The matchers fold ASCII only, so a letter and its case folding (CaseFolding.txt, C and F)
    /// must give the same view up to ASCII case: else a pattern in one case misses the text in the
    /// other. Every non-ASCII scalar of a view is also its own view (the mapping is idempotent).
    /// Skipped: Greek letters with the iota subscript U+0345, a non-spacing mark that the view
    /// removes but case folding turns into the letter ι (`ᾳ` → `a`, its folding `αι` → `ai`).
    func testCasesMeetAndTheViewIsIdempotent() throws {
        let lines = try String(contentsOf: GeneratedTable.unicode.appendingPathComponent("CaseFolding.txt"), encoding: .utf8).split(separator: "\n")
        var checked = 0
        for line in lines where !line.hasPrefix("#") {
            let fields = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3, fields[1] == "C" || fields[1] == "F", let value = UInt32(fields[0], radix: 16), value >= 0x80 else { continue }
            let folded = fields[2].split(separator: " ").map { UInt32($0, radix: 16)! }
            let text = String(Character(Unicode.Scalar(value)!))
            guard !text.decomposedStringWithCanonicalMapping.unicodeScalars.contains("\u{0345}") else { continue }
            let foldedText = String(String.UnicodeScalarView(folded.map { Unicode.Scalar($0)! }))
            XCTAssertEqual(view(text).lowercased(), view(foldedText).lowercased(), "U+\(fields[0]) and its folding \(fields[2])")
            let once = view(text)
            XCTAssertEqual(view(once), once, "U+\(fields[0])")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1_400)
    }

    func testLettersAccentsAndLookAlikes() {
        XCTAssertEqual(view("prọduction prodûction"), "production production", "precomposed letters outside Latin-1")
        XCTAssertEqual(view("pro\u{1DC4}duc\u{20D7}tion"), "production", "combining marks outside U+0300-U+036F")
        XCTAssertEqual(view("άέήίόύώ ΆΈ"), "aehiouω AE", "Greek with tonos loses it (ε, η take their capitals' look-alikes)")
        XCTAssertEqual(view("\u{0131}d"), "id", "dotless ı")
        XCTAssertEqual(view("🅟🅡🅞🅓 🅿"), "PROD P", "negative circled and squared letters")
        XCTAssertEqual(view("ᵖʳᵒᵈ"), "prod", "modifier letters")
        XCTAssertEqual(view("ℴ ⅽ ℌ"), "o c H", "letterlike symbols and Roman numerals")
        XCTAssertEqual(view("\u{0585}\u{057D} \u{0555}"), "ou O", "Armenian")
        XCTAssertEqual(view("\u{13AA}\u{13DF}\u{13AC} \u{AB7A}"), "ACE A", "Cherokee, whose small letters fold to capitals")
        XCTAssertEqual(view("\u{1D00}\u{0299}\u{1D04}\u{1D05} \u{A7AE}"), "abcd i", "small capitals are lower case")
        XCTAssertEqual(view("АКIА а Ж ẞ"), "AKIA a ж ss", "Cyrillic keeps its case; other letters fold")
        XCTAssertEqual(view("Ａ \u{2010}\u{2212} \u{212A}\u{017F}\u{212B}"), "A -- Ksa".replacingOccurrences(of: "a", with: "A"),
                       "fullwidth, hyphen and minus, Kelvin sign, long s, Angstrom sign")
    }

    func testWhatIsLeftAlone() {
        XCTAssertNil(Array("plain ASCII, Capitals and\ttabs\r\n".utf8).withUnsafeBufferPointer { TextNormalizer.normalize($0) })
        XCTAssertEqual(view("З б │ 3×4 ० ש"), "з б │ 3×4 ० ש", "no letter becomes a digit, no symbol a letter, no digit changes script")
        XCTAssertEqual(view("привет"), "пpиbet", "look-alikes inside other words still map, in both cases alike")
        XCTAssertEqual(view("ПРИВЕТ").lowercased(), view("привет"))
    }

    func testControlsAndBlanks() {
        XCTAssertEqual(view("pro\u{0007}duc\u{0085}ti\u{2800}on"), "production", "inside a word: removed")
        XCTAssertEqual(view("pro\u{0001}\u{200B}\u{0002}duction"), "production", "a run, with an invisible character in it")
        XCTAssertEqual(view("end.\u{0007}Next \u{0007}x y\u{2800}"), "end. Next  x y ", "elsewhere: a space")
        XCTAssertEqual(view("\u{0007}a\u{007F}1"), " a1", "DEL is a control too")
        XCTAssertEqual(view("при\u{0007}вет"), view("привет"), "words of any script")
        let text = Array("ab\u{0007}cd \u{0001}".utf8)
        let normalized = text.withUnsafeBufferPointer { TextNormalizer.normalize($0)! }
        XCTAssertEqual(normalized.bytes, Array("abcd  ".utf8))
        XCTAssertTrue(normalized.original(0, 4) == (0, 5), "the match spans the removed control")
        XCTAssertTrue(normalized.original(5, 6) == (6, 7))
        XCTAssertEqual(Array(repeating: UInt8(1), count: 100_000).withUnsafeBufferPointer { TextNormalizer.normalize($0)!.bytes.count }, 100_000)
    }

    /// The sixteen-byte test finds the same bytes as the byte-by-byte one, in every lane.
    func testTheBlockTestAgreesWithTheByteTest() {
        let special = TextNormalizer.SpecialBytes()
        for value in 0...255 {
            for lane in 0..<16 {
                var block = ByteVector(repeating: 0x61)
                block[lane] = UInt8(value)
                let lanes = ByteMasks.laneBits(special.lanes(block))
                XCTAssertEqual(lanes, TextNormalizer.isSpecial(UInt8(value)) ? 1 << lane : 0, "byte \(value) in lane \(lane)")
            }
        }
    }

    func testOffsetsMapBack() {
        let text = Array("x prọd ＡＫ\u{200B}z".utf8)
        let normalized = text.withUnsafeBufferPointer { TextNormalizer.normalize($0)! }
        XCTAssertEqual(String(decoding: normalized.bytes, as: UTF8.self), "x prod AKz")
        XCTAssertTrue(normalized.original(2, 6) == (2, 8), "prọd: ọ is three bytes")
        XCTAssertTrue(normalized.original(7, 9) == (9, 15), "two fullwidth letters")
        XCTAssertTrue(normalized.original(9, 10) == (18, 19), "after the zero-width space")
    }

    /// Case-sensitive detectors see the capitals a look-alike stands for.
    func testCaseSensitiveDetectorsSeeLookAlikeCapitals() {
        let plan = EnterpriseDecisionTests.plan
        func found(_ name: String, in text: String) -> [String] {
            let bytes = Array(text.utf8)
            return plan.matches(in: bytes).filter { $0.name == name }.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
        }
        for key in ["AKIAZ3MNQR7TVWXY4P2L", "ＡKIAZ3MNQR7TVWXY4P2L", "\u{0410}KIAZ3MNQR7TVWXY4P2L", "AKI\u{0391}Z3MNQR7TVWXY4P2L",
                    "A\u{041A}IAZ3MNQR7TVWXY4P2L", "AKIAZ3MNQR7TVWXY4P2\u{216C}"] {
            XCTAssertEqual(found("secret.aws_access_key", in: "key \(key) here"), [key], key)
        }
        XCTAssertEqual(found("secret.aws_access_key", in: "key akiaz3mnqr7tvwxy4p2l here"), [], "lower case is not a key id")
        let iban = "GB82 WEST 1234 5698 7654 32"
        XCTAssertEqual(found("pii.iban", in: "pay " + iban), [iban])
        let disguised = "GB82 ＷEST 1234 5698 7654 32"
        XCTAssertEqual(found("pii.iban", in: "pay " + disguised + "."), [disguised])
    }

    /// `(?i)` list regexes whose literal has a `k` or `s` still match text that spells them with
    /// the Kelvin sign or the long s, through a plan (the view makes those `K` and `s`).
    func testCaseInsensitiveRegexesMeetKelvinAndLongS() throws {
        var compiled = EnterpriseDecisionTests.plan.compiled
        compiled.patterns[0].regexes = [CompiledRegex(pattern: "cust-[0-9]{4}", caseInsensitive: true),
                                        CompiledRegex(pattern: "key-[0-9]{4}", caseInsensitive: true)]
        let plan = try Plan(compiled)
        for text in ["id CU\u{017F}T-1234", "id \u{212A}EY-1234", "id cust-1234"] {
            let bytes = Array(text.utf8)
            let hits = plan.matches(in: bytes).filter { $0.kind == "pattern" }
            XCTAssertEqual(hits.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }, [String(text.dropFirst(3))], text)
            let request: [String: Any] = [
                "user": ["id": "u1", "role": "contractor"], "session_id": "s1", "action": "prompt",
                "model": "claude-3-haiku", "feature": "ask_mode", "context_tokens": 10, "prompt": text,
            ]
            let decision = plan.evaluate(json: [UInt8](try JSONSerialization.data(withJSONObject: request)))
            XCTAssertTrue(decision.detections.contains { $0.type == "pattern.trade_secrets" && $0.start == 3 && $0.end == bytes.count },
                          "\(text): \(decision.detections)")
        }
    }
}
