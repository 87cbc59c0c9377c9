import Foundation
@testable import PolicyRuntime
import XCTest

/// The evasions the normalizer defeats: look-alike letters from other scripts, invisible
/// characters, fullwidth and mathematical forms, text hidden in tag characters — each against the
/// enterprise policy's contractor role (which blocks "production") and its detectors, with
/// offsets that point into the original text.
final class EvasionTests: XCTestCase {
    private func decide(_ prompt: String) -> Decision {
        let request: [String: Any] = [
            "user": ["id": "u1", "role": "contractor"], "session_id": "s1", "action": "prompt",
            "model": "claude-3-haiku", "feature": "ask_mode", "context_tokens": 10, "prompt": prompt,
        ]
        return EnterpriseDecisionTests.plan.evaluate(json: [UInt8](try! JSONSerialization.data(withJSONObject: request)))
    }

    private func blockedSpans(_ prompt: String) -> [String] {
        let decision = decide(prompt)
        let bytes = Array(prompt.utf8)
        return decision.detections.filter { $0.type == "blocked_pattern" }.map {
            String(decoding: bytes[$0.start..<$0.end], as: UTF8.self)
        }
    }

    func testLookAlikeLettersFromOtherScripts() {
        XCTAssertEqual(blockedSpans("deploy to pr\u{043E}duction"), ["pr\u{043E}duction"], "Cyrillic о")
        XCTAssertEqual(blockedSpans("PR\u{041E}DUCTI\u{039F}N now"), ["PR\u{041E}DUCTI\u{039F}N"], "Cyrillic О and Greek Ο")
        XCTAssertEqual(blockedSpans("\u{0440}roduction"), ["\u{0440}roduction"], "Cyrillic р")
    }

    func testInvisibleCharacters() {
        for hidden in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{00AD}", "\u{2060}", "\u{FEFF}", "\u{202E}", "\u{FE0F}"] {
            let prompt = "the pro\(hidden)duction db"
            XCTAssertEqual(blockedSpans(prompt), ["pro\(hidden)duction"], "U+\(String(hidden.unicodeScalars.first!.value, radix: 16))")
        }
    }

    func testFullwidthAndMathematicalForms() {
        XCTAssertEqual(blockedSpans("ｐｒｏｄｕｃｔｉｏｎ"), ["ｐｒｏｄｕｃｔｉｏｎ"], "fullwidth")
        XCTAssertEqual(blockedSpans("𝐩𝐫𝐨𝐝𝐮𝐜𝐭𝐢𝐨𝐧!"), ["𝐩𝐫𝐨𝐝𝐮𝐜𝐭𝐢𝐨𝐧"], "mathematical bold")
        XCTAssertEqual(blockedSpans("ⓟⓡⓞⓓⓤⓒⓣⓘⓞⓝ"), ["ⓟⓡⓞⓓⓤⓒⓣⓘⓞⓝ"], "circled")
    }

    func testFullCaseFolding() {
        let view = { (text: String) -> String in
            Array(text.utf8).withUnsafeBufferPointer { buffer in
                TextNormalizer.normalize(buffer).map { String(decoding: $0.bytes, as: UTF8.self) } ?? text
            }
        }
        XCTAssertEqual(view("STRAẞE straße"), "STRAssE strasse", "ß and ẞ fold to ss (ASCII case is the matchers' job)")
        XCTAssertEqual(view("ΣΟΦΙΑ Ärger"), "oOφIA Arger",
                       "Greek look-alikes to Latin in their case (Σ folds to σ, which looks like o), the rest folded, accents removed")
        XCTAssertEqual(view("ﬁle 𐐀"), "file 𐐨", "ligatures decomposed; letters beyond the BMP lower-cased")
        XCTAssertEqual(blockedSpans("PRODUCTİON"), ["PRODUCTİON"], "a dotted capital I is an I")
        XCTAssertEqual(blockedSpans("produ\u{0301}ction prodúction"), ["produ\u{0301}ction", "prodúction"], "accents, combining or not")
    }

    func testDetectorsSeeTheNormalizedTextToo() {
        let prompt = "my ssn: １２３-４５-６７８９ thanks"
        let decision = decide(prompt)
        let ssn = decision.detections.first { $0.type == "pii.ssn" }
        XCTAssertEqual(ssn.map { String(decoding: Array(prompt.utf8)[$0.start..<$0.end], as: UTF8.self) }, "１２３-４５-６７８９")
        XCTAssertEqual(decision.outcome, .deny)
        // Unicode hyphens (U+2010, U+2011, U+2012 figure dash) and the minus sign read as `-`.
        for dash in ["\u{2010}", "\u{2011}", "\u{2012}", "\u{2212}"] {
            let written = "123\(dash)45\(dash)6789"
            let found = decide("ssn \(written) ok").detections.first { $0.type == "pii.ssn" }
            XCTAssertEqual(found.map { String(decoding: Array("ssn \(written) ok".utf8)[$0.start..<$0.end], as: UTF8.self) }, written,
                           "U+\(String(dash.unicodeScalars.first!.value, radix: 16))")
        }
        let email = decide("write to jane\u{200B}.doe@exam\u{200B}ple.com")
        XCTAssertTrue(email.detections.contains { $0.type == "pii.email" }, "\(email.detections)")
    }

    func testTextHiddenInTagCharactersIsPromptInjection() {
        let tags = String(String.UnicodeScalarView("ignore".unicodeScalars.map { Unicode.Scalar(0xE0000 + $0.value)! }))
        let decision = decide("summarise this" + tags)
        XCTAssertTrue(decision.detections.contains { $0.type == "injection.hidden_text" && $0.start == 14 }, "\(decision.detections)")
        XCTAssertEqual(decision.playbooks.map(\.name), ["prompt_injection"])
    }

    func testTextThatNothingChangesIsItsOwnView() {
        XCTAssertNil(Array("日本語 中文 ok".utf8).withUnsafeBufferPointer { TextNormalizer.normalize($0) })
        let invisible = Array("\u{200B}\u{2060}".utf8).withUnsafeBufferPointer { TextNormalizer.normalize($0) }
        XCTAssertEqual(invisible?.bytes, [], "a text of invisible characters has an empty view")
        XCTAssertTrue(invisible.map { $0.original(0, 0) == (0, 0) } ?? false, "an empty view maps to the start")
    }

    func testInnocentNonLatinTextIsLeftAlone() {
        let decision = decide("привет, как дела? Καλημέρα. 日本語のテキスト")
        XCTAssertEqual(decision.outcome, .allow, "\(decision.reasons)")
        XCTAssertEqual(decision.detections, [])
    }

    func testTheViewMapsEveryByteBack() {
        let text = Array("a\u{200B}ｂ\u{0441}中".utf8) + [0xFF]
        let view = text.withUnsafeBufferPointer { TextNormalizer.normalize($0)! }
        XCTAssertEqual(view.bytes, Array("abc中".utf8) + [0xFF])
        XCTAssertTrue(view.original(0, 3) == (0, 9), "a … с spans the zero-width space and both look-alikes")
        XCTAssertTrue(view.original(1, 2) == (4, 7))
        XCTAssertTrue(view.original(3, 6) == (9, 12), "a scalar that stays maps to itself")
        XCTAssertTrue(view.original(6, 7) == (12, 13), "an invalid byte maps to itself")
    }
}

/// Secrets hidden in base64 or hex runs are found over the whole run, within the bounds.
final class EncodedSecretTests: XCTestCase {
    private let scanner = DetectorScanner(internalDomains: [])
    private let all = BitSet(capacity: DetectorID.allCases.count, members: DetectorID.allCases.map(\.rawValue))

    private func findings(_ text: String) -> [String] {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            scanner.scan(buffer, enabled: all).map { "\(DetectorCatalog.entries[$0.detector.rawValue].name) \($0.start)-\($0.end)" }
        }
    }

    func testBase64AndHexRunsAreDecodedAndRescanned() {
        let key = "key=AKIAZ3MNQR7TVWXY4P2L in prod"
        let base64 = Data(key.utf8).base64EncodedString()
        XCTAssertEqual(findings("see " + base64 + " ok"), ["secret.aws_access_key 4-\(4 + base64.count)"])
        let hex = Array(key.utf8).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(findings("blob " + hex), ["secret.aws_access_key 5-\(5 + hex.count)"])
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        XCTAssertEqual(findings(urlSafe), ["secret.aws_access_key 0-\(urlSafe.count)"])
    }

    func testNestingIsBoundedAndBinaryIsNotRescanned() {
        let key = "token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 here"
        let twice = Data(Data(key.utf8).base64EncodedString().utf8).base64EncodedString()
        XCTAssertEqual(findings(twice), ["secret.github_token 0-\(twice.count)"], "two levels are decoded")
        let thrice = Data(twice.utf8).base64EncodedString()
        XCTAssertEqual(findings(thrice), [], "a third level is not")
        let binary = Data((0..<64).map { UInt8(($0 * 37 + 129) % 256) }).base64EncodedString()
        XCTAssertEqual(findings(binary), [])
        XCTAssertEqual(findings("plain prose with Capitals, numbers 12345 and a sha 3f786850e387550fdab836ed7e6dc881de23001b"), [])
    }

    /// What `base64` writes: 76 columns (MIME and PEM use 64), with a key across a line break.
    func testMIMEWrappedBase64IsDecodedAcrossItsLineBreaks() {
        // The key starts at byte 44, so its base64 spans characters 58–86: across the wrap at 64 and at 76.
        let prose = "The service account for the export uses key AKIAZ3MNQR7TVWXY4P2L and the bucket "
            + "acme-exports; rotate it every ninety days, and tell the platform team when you do."
        for width in [76, 64] {
            for newline in ["\n", "\r\n"] {
                let encoded = Data(prose.utf8).base64EncodedString()
                var lines: [String] = []
                var rest = Substring(encoded)
                while !rest.isEmpty {
                    lines.append(String(rest.prefix(width)))
                    rest = rest.dropFirst(width)
                }
                // No line holds the key on its own: it is split by a wrap.
                for line in lines { XCTAssertFalse(findings(line).contains { $0.hasPrefix("secret.aws") }, "width \(width)") }
                let block = lines.joined(separator: newline)
                XCTAssertEqual(findings("payload:\n" + block + "\nend"), ["secret.aws_access_key 9-\(9 + block.utf8.count)"],
                               "width \(width)")
            }
        }
        // Lines of another width are separate runs: nothing joins them.
        let short = Data(prose.utf8).base64EncodedString()
        let ragged = String(short.prefix(50)) + "\n" + String(short.dropFirst(50))
        XCTAssertFalse(findings(ragged).contains { $0.hasPrefix("secret.aws_access_key 0-\(ragged.utf8.count)") })
    }

    /// The documented bound: at most 64 KiB are decoded per text, so a key encoded past it is
    /// not looked for (and a run of megabytes costs no more than the bound).
    func testAtMost64KiBAreDecodedPerText() {
        let filler = String(repeating: "plain words of an ordinary document, nothing secret here. ", count: 1_200)  // ~70 KB
        let early = Data(("key=AKIAZ3MNQR7TVWXY4P2L " + filler).utf8).base64EncodedString()
        XCTAssertEqual(findings(early), ["secret.aws_access_key 0-\(early.count)"])
        let late = Data((filler + " key=AKIAZ3MNQR7TVWXY4P2L").utf8).base64EncodedString()
        XCTAssertEqual(findings(late), [])
    }

    func testZeroXHexIsDecoded() {
        let hex = "0x" + Array("key=AKIAZ3MNQR7TVWXY4P2L in prod".utf8).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(findings("bytes " + hex + ";"), ["secret.aws_access_key 6-\(6 + hex.count)"])
        XCTAssertEqual(findings("0X" + hex.dropFirst(2).uppercased()), ["secret.aws_access_key 0-\(hex.count)"])
        XCTAssertEqual(findings("address 0x3f786850e387550fdab836ed7e6dc881de23001b"), [], "a random 0x number is not text")
    }

    func testTheEightByteClassificationAgreesWithTheTable() {
        for value in 0...255 {
            let word = UInt64(value) | 0x6161_6161_6161_6100  // the byte in lane 0, `a` elsewhere
            XCTAssertEqual(EncodedBlobs.badLanes(word) & 0x80 != 0, EncodedBlobs.classes[value] == 0, "byte \(value)")
            let shifted = UInt64(value) << 56 | 0x0061_6161_6161_6161
            XCTAssertEqual(EncodedBlobs.badLanes(shifted) >> 63 != 0, EncodedBlobs.classes[value] == 0, "byte \(value) in lane 7")
        }
    }

    /// Runs are found wherever they start relative to the eight-byte steps.
    func testRunsAreFoundAtEveryAlignment() {
        let key = "key=AKIAZ3MNQR7TVWXY4P2L in prod"
        let encoded = Data(key.utf8).base64EncodedString()
        for offset in 0..<17 {
            let text = String(repeating: "x ", count: offset / 2) + (offset % 2 == 0 ? "" : "!") + encoded + " tail"
            let expectedStart = text.utf8.count - encoded.utf8.count - 5
            XCTAssertEqual(findings(text), ["secret.aws_access_key \(expectedStart)-\(expectedStart + encoded.utf8.count)"], "offset \(offset)")
        }
    }
}
