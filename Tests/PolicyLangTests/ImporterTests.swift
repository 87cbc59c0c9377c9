import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// `policyc import`: the guide's JSON role table becomes a policy that grants exactly what the
/// table did, and bad input is reported at its line and column.
final class ImporterTests: XCTestCase {
    private let guideTable = "examples/import/enterprise-ai-policy.json"

    private func convert(_ json: String) throws -> String {
        try RoleTableImporter.convert(Array(json.utf8), policyName: "t")
    }

    func testTheGuidesTableMatchesItsGolden() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/" + guideTable))
        let source = try RoleTableImporter.convert([UInt8](json), policyName: "enterprise-ai-policy")
        TestSupport.assertGolden(source, "Tests/PolicyLangTests/testdata/import/enterprise-ai-policy.pol")
        XCTAssertEqual(try SourceFormatter.format(SourceFile(path: "i.pol", text: source)), source, "already formatted")
    }

    /// The imported roles grant what enterprise.pol's roles grant (the same table, by hand).
    func testImportedRolesGrantWhatTheHandWrittenPolicyGrants() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/" + guideTable))
        let source = try RoleTableImporter.convert([UInt8](json), policyName: "imported")
        let imported = TestSupport.compile(source)
        XCTAssertEqual(imported.diagnostics.map(\.message), [])
        let enterprise = try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader)
        let importedRoles = try XCTUnwrap(imported.policy).roles
        let handRoles = try XCTUnwrap(enterprise.policy).roles
        XCTAssertEqual(importedRoles.map(\.name).sorted(), handRoles.map(\.name).sorted())
        for role in importedRoles {
            let hand = try XCTUnwrap(handRoles.first { $0.name == role.name })
            XCTAssertEqual(Set(role.models), Set(hand.models), role.name)
            XCTAssertEqual(Set(role.features), Set(hand.features), role.name)
            XCTAssertEqual(role.maxContextTokens, hand.maxContextTokens, role.name)
            XCTAssertEqual(role.auditLevel, hand.auditLevel, role.name)
            XCTAssertEqual(Set(role.requiresApproval), Set(hand.requiresApproval), role.name)
            XCTAssertEqual(role.blockedPatterns.map(\.text), hand.blockedPatterns.map(\.text), role.name)
        }
    }

    func testBareRoleObjectAndQuantities() throws {
        let source = try convert(#"{"r": {"models": ["gpt-4", "odd \"model\""], "max_context_size": 1500000}, "s": {"max_context_size": 2000000}}"#)
        XCTAssertTrue(source.contains(#"models       "gpt-4", "odd \"model\"""#), source)
        XCTAssertTrue(source.contains("max_context  1500k"), source)
        XCTAssertTrue(source.contains("max_context  2M"), source)
        XCTAssertTrue(source.contains("model \"gpt-4\" {\n  provider  openai\n}"), source)
        XCTAssertTrue(source.contains("model \"odd \\\"model\\\"\" {\n}"), source)
    }

    func testErrorsNameWhatIsWrongAndWhere() {
        let cases: [(String, String, Int)] = [
            ("{\"roles\": {\"r\": {\"models\": [\"a\",]}}}", "invalid JSON: expected a value, found `]`", 32),
            ("{\"r\": {\"modles\": []}}", "unknown key \"modles\" in role `r`; did you mean \"models\"?", 7),
            ("{\"r\": {\"max_context_size\": -5}}", "`max_context_size` of role `r` must be a positive whole number of tokens, at most 9007199254740991", 27),
            ("{\"r\": {\"max_context_size\": 1.5}}", "`max_context_size` of role `r` must be a positive whole number of tokens, at most 9007199254740991", 27),
            ("{\"r\": {\"max_context_size\": 9007199254740992}}",
             "`max_context_size` of role `r` must be a positive whole number of tokens, at most 9007199254740991", 27),
            ("{\"r\": {\"max_context_size\": 0}}", "`max_context_size` of role `r` must be a positive whole number of tokens, at most 9007199254740991", 27),
            ("{\"r\": {\"models\": [\"" + String(repeating: "m", count: 70_000) + "\"]}}",
             "`models` of role `r` must hold non-empty strings, found a string over 64 KiB", 18),
            ("{\"r\": {\"audit_level\": \"loud\"}}", "`audit_level` of role `r` must be one of standard, detailed, comprehensive", 22),
            ("{\"r\": {\"features\": [\"ask mode\"]}}", "`features` of role `r` must hold names (letters, digits and `_`), found \"ask mode\"", 20),
            ("{\"bad-name\": {}}", "role name \"bad-name\" is not a name (letters, digits and `_`, not starting with a digit)", 1),
            ("{\"r\": {}, \"r\": {}}", "invalid JSON: duplicate key \"r\"", 10),
            ("[1]", "expected an object of roles, found an array", 0),
            ("{\"r\": {\"blocked_patterns\": [\"\"]}}", "`blocked_patterns` of role `r` must hold non-empty strings, found an empty string", 28),
            (String(repeating: "[", count: 100), "invalid JSON: nesting deeper than 64 levels", 64),
        ]
        for (json, message, offset) in cases {
            XCTAssertThrowsError(try convert(json), json) { error in
                let failure = error as? RoleTableImporter.Failure
                XCTAssertEqual(failure?.message, message, json)
                XCTAssertEqual(failure?.offset, offset, json)
            }
        }
    }

    /// Inputs the import fuzzer (scripts/fuzz.sh import) once failed on: each is now either
    /// refused at a position or converted into a policy that checks and is already formatted.
    func testFuzzRegressions() throws {
        let directory = TestSupport.root + "/Tests/PolicyLangTests/testdata/fuzz-regressions/import"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            guard let source = try? RoleTableImporter.convert(bytes, policyName: "fuzz") else { continue }
            let result = TestSupport.compile(source)
            XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.message), [], name)
            XCTAssertEqual(try SourceFormatter.format(SourceFile(path: "i.pol", text: source)), source, name)
        }
    }
}
