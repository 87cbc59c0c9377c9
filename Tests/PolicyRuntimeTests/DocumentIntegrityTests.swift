import Foundation
import PolicyRuntime
import XCTest

/// The compiled document's integrity: HMAC-SHA256 against RFC 4231, the canonical form, the
/// digest, signing and verifying, and keys that never reach output.
final class DocumentIntegrityTests: XCTestCase {
    // MARK: SHA-256 (FIPS 180-4 examples)

    func testSHA256AgainstFIPSExamplesFedWholeAndInPieces() {
        let cases: [(message: [UInt8], digest: String)] = [
            ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for (message, digest) in cases {
            XCTAssertEqual(SHA256.hex(message), digest, "\(message.count) bytes whole")
            // Pieces of every size from 1 to 130 cross the 64-byte blocks and the 56-byte padding edge.
            for piece in [1, 7, 55, 56, 63, 64, 65, 130] {
                var hasher = SHA256()
                var offset = 0
                let pieced = min(message.count, 10_000)
                while offset < pieced {
                    let end = min(offset + piece, pieced)
                    hasher.update(message[offset..<end])
                    offset = end
                }
                hasher.update(message[pieced...])
                XCTAssertEqual(Hex.encode(hasher.finalize()), digest, "\(message.count) bytes in pieces of \(piece)")
            }
        }
        // Lengths around the padding edge, against a digest computed whole.
        for length in 50...70 {
            let message = [UInt8](repeating: 0x61, count: length)
            var split = SHA256()
            split.update(message[..<(length / 2)])
            split.update(message[(length / 2)...])
            XCTAssertEqual(Hex.encode(split.finalize()), SHA256.hex(message), "\(length) bytes")
        }
    }

    // MARK: HMAC-SHA256 (RFC 4231, section 4)

    func testHMACAgainstRFC4231() {
        func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (index, vector) in cases.enumerated() {
            XCTAssertEqual(HMACSHA256.hex(key: vector.key, message: vector.data), vector.mac, "RFC 4231 test case \(index + 1)")
            // A prepared key (the audit trail's) gives the same MAC, however many times it is used.
            let prepared = HMACSHA256.PreparedKey(vector.key)
            for _ in 0..<2 { XCTAssertEqual(Hex.encode(prepared.mac(vector.data)), vector.mac, "prepared, case \(index + 1)") }
        }
        // Test case 5 truncates the output to 128 bits.
        XCTAssertEqual(Array(HMACSHA256.mac(key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8)).prefix(16)),
                       bytes("a3b6167473100ee06e0c796c2955552b"))
    }

    func testMACComparisonNeedsEveryByte() {
        let mac = HMACSHA256.mac(key: Array("k".utf8), message: Array("m".utf8))
        XCTAssertTrue(HMACSHA256.equalInConstantTime(mac, mac))
        for index in mac.indices {
            var forged = mac
            forged[index] ^= 1
            XCTAssertFalse(HMACSHA256.equalInConstantTime(mac, forged))
        }
        XCTAssertFalse(HMACSHA256.equalInConstantTime(mac, Array(mac.dropLast())))
    }

    // MARK: JSON: strict reading, canonical writing

    func testDuplicateKeysAreRefusedAtAnyDepth() {
        for text in [#"{"a": 1, "a": 2}"#, #"{"x": [{"b": 1, "b": 1}]}"#, #"{"a": 1, "\u0061": 2}"#] {
            XCTAssertThrowsError(try JSONTree.parse(Array(text.utf8)), text) { error in
                XCTAssertTrue((error as? JSONTree.SyntaxError)?.message.hasPrefix("duplicate key") ?? false, "\(error)")
            }
        }
        // Past the linear check's limit, the hash set finds them too.
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        XCTAssertNoThrow(try JSONTree.parse(Array("{\(many)}".utf8)))
        XCTAssertThrowsError(try JSONTree.parse(Array("{\(many), \"k7\": 0}".utf8)))
    }

    func testCanonicalFormIsRFC8785() throws {
        // Keys sorted by UTF-16 code units (U+E000 sorts after U+1F600's surrogates), escapes as
        // RFC 8785 writes them, whole numbers normalized, no white space.
        let text = #"{"z": [1, -0, true, null], "\ue000": 1, "😀": 2, "a": "\u00e9\n\u001f\"\\/", "b": {"y": {}, "x": []}}"#
        let tree = try JSONTree.parse(Array(text.utf8))
        var canonical: [UInt8] = []
        tree.writeCanonical(into: &canonical)
        let expected = #"{"a":"é\n\u001f\"\\/","b":{"x":[],"y":{}},"z":[1,0,true,null],"😀":2,"\#u{E000}":1}"#
        XCTAssertEqual(String(decoding: canonical, as: UTF8.self), expected)
        // Written while parsing, the same bytes.
        let streamed = try Array(text.utf8).withUnsafeBufferPointer { try JSONTree.parseCanonical($0) }
        XCTAssertEqual(String(decoding: streamed.canonical, as: UTF8.self), expected)
        XCTAssertEqual(streamed.members.map(\.key), ["a", "b", "z", "😀", "\u{E000}"])
        XCTAssertEqual(String(decoding: streamed.canonical(excluding: ["b", "😀"]), as: UTF8.self),
                       #"{"a":"é\n\u001f\"\\/","z":[1,0,true,null],"\#u{E000}":1}"#)
    }

    /// The reference implementation's test suite (cyberphone/json-canonicalization, `testdata/`):
    /// input and expected output, for the cases within what a compiled document holds (strings,
    /// integers, structures). `structures.json` has `56.0` where this reader keeps fractions as
    /// written (the loader refuses them), so that one value is given as `56` here.
    func testCanonicalFormMatchesTheRFC8785ReferenceSuite() throws {
        let cases: [(name: String, input: String, output: String)] = [
            ("weird", #"{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}"#,
             "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7F}\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😂\":\"Smiley\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"),
            ("french", #"{"peach": "This sorting order", "péché": "is wrong according to French", "pêche": "but canonicalization MUST", "sin":   "ingnore locale"}"#,
             #"{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}"#),
            ("unicode", #"{"Unnormalized Unicode":"\u1e0d\u0307"}"#, "{\"Unnormalized Unicode\":\"\u{1E0D}\u{307}\"}"),
            ("structures", #"{"1": {"f": {"f": "hi","F": 5} ,"\n": 56}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}"#,
             #"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#),
            ("simpleString", #"    "this is a test string 1235""#, #""this is a test string 1235""#),
        ]
        for test in cases {
            let bytes = Array(test.input.utf8)
            var walked: [UInt8] = []
            try JSONTree.parse(bytes).writeCanonical(into: &walked)
            XCTAssertEqual(walked, Array(test.output.utf8), test.name)
            let streamed = try bytes.withUnsafeBufferPointer { try JSONTree.parseCanonical($0) }
            XCTAssertEqual(streamed.canonical, Array(test.output.utf8), test.name)
        }
    }

    func testCanonicalFormWrittenWhileParsingAgreesWithTheTreeOnRandomDocuments() throws {
        var generator = SplitMix64(seed: 9)  // seeded, so a failure replays
        let keys = ["a", "b", "B", "é", "😀", "\u{E000}", "a\"b", "k\\n", "x_y", "", "K", "\u{212A}"]
        let strings = ["", "plain", "tab\t", "quote\"", "é", "\u{1}", "😀", "\\"]
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
            case 0: return ["1", "-0", "12345", "1.5", "2e3"].randomElement(using: &generator)!
            case 1: return ["true", "false", "null"].randomElement(using: &generator)!
            case 2: return JSONWriter.quoted(strings.randomElement(using: &generator)!)
            case 3: return ["\"\\u0041\"", "\"\\/\"", "\"\\ud83d\\ude00\"", "\"a\\tb\""].randomElement(using: &generator)!
            case 4: return "[" + (0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]"
            default:
                let chosen = keys.shuffled(using: &generator).prefix(Int.random(in: 0...5, using: &generator))
                return "{" + chosen.map { JSONWriter.quoted($0) + ": " + value(depth + 1) }.joined(separator: ",") + "}"
            }
        }
        for _ in 0..<500 {
            let text = value(0)
            let tree = try JSONTree.parse(Array(text.utf8))
            var walked: [UInt8] = []
            tree.writeCanonical(into: &walked)
            let streamed = try Array(text.utf8).withUnsafeBufferPointer { try JSONTree.parseCanonical($0) }
            XCTAssertEqual(streamed.canonical, walked, text)
        }
    }

    // MARK: Digest and signature

    private func enterprise() throws -> CompiledPolicy {
        try CompiledPolicy.load(from: TestDocument.golden("enterprise"))
    }

    func testEveryGoldenDocumentCarriesAMatchingDigest() throws {
        XCTAssertEqual(TestDocument.goldenNames.count, 8)
        for name in TestDocument.goldenNames {
            let data = TestDocument.golden(name)
            let document = try LoadedDocument(data)
            XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(#""document_digest": "\#(document.documentDigest)""#), name)
            XCTAssertEqual(try Plan(json: data).documentDigest, document.documentDigest)
            // Re-indenting, reordering keys or re-escaping does not change the digest; content does.
            let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data))
            XCTAssertEqual(try LoadedDocument(compact).documentDigest, document.documentDigest, name)
        }
    }

    func testSigningAndVerifying() throws {
        let policy = try enterprise()
        let key = try DocumentKey(id: "ci-2026", bytes: Array("0123456789abcdef0123456789abcdef".utf8))
        let signed = policy.canonicalJSON(signedWith: key)
        let text = String(decoding: signed, as: UTF8.self)
        XCTAssertTrue(text.contains(#""key_id": "ci-2026""#) && text.contains(#""algorithm": "hmac-sha256""#), text)
        XCTAssertFalse(text.contains("0123456789abcdef"), "the key never appears in the document")
        XCTAssertEqual(try LoadedDocument(signed, verifyingWith: key).verifiedKeyID, "ci-2026")
        XCTAssertNoThrow(try Plan(json: signed, verifyingWith: key))
        XCTAssertNoThrow(try Plan(json: signed), "a signed document loads without a key too")

        let other = try DocumentKey(id: "ci-2026", bytes: Array("fedcba9876543210fedcba9876543210".utf8))
        XCTAssertThrowsError(try Plan(json: signed, verifyingWith: other)) { XCTAssertEqual($0 as? CompiledPolicyError, .badSignature) }
        let renamed = try DocumentKey(id: "ci-2027", bytes: Array("0123456789abcdef0123456789abcdef".utf8))
        XCTAssertThrowsError(try Plan(json: signed, verifyingWith: renamed)) { error in
            XCTAssertEqual(error as? CompiledPolicyError, .signedWithOtherKey(documentKeyID: "ci-2026", verifierKeyID: "ci-2027"))
        }
        XCTAssertThrowsError(try Plan(json: policy.canonicalJSON(), verifyingWith: key)) {
            XCTAssertEqual($0 as? CompiledPolicyError, .unsigned)
        }
        // Changed after signing and re-digested: the digest matches, the signature does not.
        let tampered = text.replacingOccurrences(of: #""max_context_tokens": 20000,"#, with: #""max_context_tokens": 900000,"#)
        XCTAssertNotEqual(tampered, text)
        let resealed = TestDocument.resealed(Data(tampered.utf8))
        XCTAssertNoThrow(try LoadedDocument(resealed))
        XCTAssertThrowsError(try Plan(json: resealed, verifyingWith: key)) { XCTAssertEqual($0 as? CompiledPolicyError, .badSignature) }
        // The MAC is lower-case hex, as written; another spelling of it is refused.
        let mac = try XCTUnwrap(text.range(of: #""mac": "[0-9a-f]{64}""#, options: .regularExpression)).upperBound
        let upper = text.replacingCharacters(in: text.index(mac, offsetBy: -65)..<mac, with: text[text.index(mac, offsetBy: -65)..<mac].uppercased())
        XCTAssertThrowsError(try Plan(json: TestDocument.resealed(Data(upper.utf8)), verifyingWith: key)) { error in
            XCTAssertTrue("\(error)".contains("lower-case hex"), "\(error)")
        }
    }

    func testKeys() throws {
        XCTAssertThrowsError(try DocumentKey(bytes: Array("short".utf8))) { error in
            XCTAssertTrue("\(error)".contains("at least 32"), "\(error)")
        }
        XCTAssertThrowsError(try DocumentKey(id: "", bytes: [UInt8](repeating: 1, count: 32)))
        let key = try DocumentKey(bytes: [UInt8](repeating: 0x41, count: 32))
        XCTAssertEqual("\(key)", "DocumentKey(id: default)", "printing a key shows its id only")
        // A key file's one final line break is not part of the key.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hex = String(repeating: "ab", count: 32)
        for (name, contents) in [("lf", hex + "\n"), ("crlf", hex + "\r\n"), ("bare", hex)] {
            let path = directory.appendingPathComponent(name).path
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            let fromFile = try DocumentKey(contentsOfFile: path)
            let policy = try enterprise()
            XCTAssertNoThrow(try Plan(json: policy.canonicalJSON(signedWith: fromFile),
                                      verifyingWith: try DocumentKey(bytes: Array(hex.utf8))), name)
        }
        XCTAssertThrowsError(try DocumentKey(contentsOfFile: directory.appendingPathComponent("missing").path))
    }

    func testVersionAndSizeLimits() {
        func error(_ text: String) -> CompiledPolicyError? {
            do {
                _ = try LoadedDocument(Data(text.utf8))
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error("{}"), .missingSchemaVersion)
        let current = CompiledPolicy.currentSchemaVersion
        XCTAssertEqual(error(#"{"schema_version": 3}"#), .unsupportedSchemaVersion(found: 3, supported: current))
        XCTAssertEqual(error(#"{"schema_version": \#(current)}"#), .invalidDocument(#"missing key "document_digest""#))
        guard case .notJSON? = error(#"{"schema_version": 5, "schema_version": 5}"#) else { return XCTFail("a duplicate key is not JSON we read") }
        let deep = "{\"schema_version\": \(current), \"x\": " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        guard case .notJSON(let message)? = error(deep) else { return XCTFail("nesting over the limit") }
        XCTAssertTrue(message.contains("nesting deeper than \(CompiledPolicy.maximumDocumentDepth)"), message)
    }
}

/// A small seeded generator (SplitMix64), so that random tests replay.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
