import Foundation
import PolicyRuntime
import XCTest

/// What a decision's audit record keeps, by audit level: never a detected span, at any level.
final class AuditEntryTests: XCTestCase {
    static let plan: Plan = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.path + "/Tests/PolicyLangTests/testdata/compiled/enterprise.json"
        // The golden document is part of the repository; failing to load it is a broken checkout.
        return try! Plan(CompiledPolicy.load(from: Data(contentsOf: URL(fileURLWithPath: path))))
    }()

    static let key = try! AuditKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))

    static let secretPrompt = "mail jane.doe@example.com the production numbers"
    static let secretResponse = "sure, jane.doe@example.com gets them"

    func record(role: String, response: Bool = true, storageEncrypted: Bool = true) throws -> String {
        var request = Request()
        request.userID = "u-17"
        request.role = role
        request.model = "claude-3-haiku"
        request.feature = "ask_mode"
        request.sessionID = "s-1"
        request.ipAddress = "10.1.2.3"
        request.prompt = Array(AuditEntryTests.secretPrompt.utf8)
        if response { request.response = Array(AuditEntryTests.secretResponse.utf8) }
        let decision = AuditEntryTests.plan.evaluate(request)
        let entry = AuditEntry(request: request, decision: decision, audit: AuditEntryTests.plan.compiled.audit, time: 1_796_637_600,
                               key: AuditEntryTests.key, storageEncrypted: storageEncrypted)
        var out: [UInt8] = []
        JSONTree.object(entry.fields).writeCanonical(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testComprehensiveKeepsRedactedTextAndNeverADetectedSpan() throws {
        let line = try record(role: "contractor")
        XCTAssertFalse(line.contains("jane.doe@example.com"), line)
        XCTAssertFalse(line.contains("production"), "a blocked word is a detection too: \(line)")
        XCTAssertTrue(line.contains(#""prompt":"mail ["#), line)
        XCTAssertTrue(line.contains(#""response":"sure, ["#), line)
        XCTAssertTrue(line.contains(#""prompt_digest":""#), line)
        XCTAssertTrue(line.contains(#""audit_level":"comprehensive""#), line)
        XCTAssertTrue(line.contains(#""time":"2026-12-07T10:00:00Z""#), line)
        XCTAssertTrue(line.contains(#""ip_address":"10.1.2.3""#), line)
    }

    func testEncryptWithoutEncryptedStorageKeepsNoText() throws {
        // The enterprise policy imports soc2-audit.pol, which says `encrypt true`.
        XCTAssertTrue(AuditEntryTests.plan.compiled.audit.encrypt)
        let line = try record(role: "contractor", storageEncrypted: false)
        XCTAssertFalse(line.contains(#""prompt":"#) || line.contains(#""response":"#), line)
        XCTAssertTrue(line.contains(#""prompt_digest":""#) && line.contains(#""audit_level":"comprehensive""#), line)
    }

    func testStandardKeepsDigestsAndDetectionsOnly() throws {
        let line = try record(role: "senior_developer")
        XCTAssertTrue(line.contains(#""audit_level":"standard""#), line)
        XCTAssertFalse(line.contains(#""prompt":"#), line)
        XCTAssertFalse(line.contains(#""response":"#), line)
        XCTAssertTrue(line.contains(#""prompt_digest":""#), line)
        XCTAssertTrue(line.contains(#""response_digest":""#), line)
        XCTAssertTrue(line.contains(#""detections":[{"#), line)
        XCTAssertFalse(line.contains("jane"), line)
    }

    func testDetailedKeepsThePromptButNotTheResponse() throws {
        let line = try record(role: "junior_developer")
        XCTAssertTrue(line.contains(#""audit_level":"detailed""#), line)
        XCTAssertTrue(line.contains(#""prompt":"#), line)
        XCTAssertFalse(line.contains(#""response":"#), line)
        XCTAssertFalse(line.contains("jane"), line)
    }
}
