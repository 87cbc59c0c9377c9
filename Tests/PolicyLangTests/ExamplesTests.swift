import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// Every file in `examples/` is checked, compiled, validated against the published schema
/// and compared with its golden document in `testdata/compiled/`.
final class ExamplesTests: XCTestCase {
    private let examples = TestSupport.polFiles(in: "examples")

    func testThereAreExamplesForEveryArea() {
        let names = Set(examples.map { ($0 as NSString).lastPathComponent })
        for required in ["enterprise.pol", "data-protection.pol", "incident-response.pol", "soc2-audit.pol", "gdpr-retention.pol",
                         "hipaa.pol", "cost-budgets.pol", "zero-trust.pol"] {
            XCTAssertTrue(names.contains(required), "missing examples/\(required)")
        }
    }

    func testEveryExampleChecksCleanEvenUnderStrict() throws {
        for path in examples {
            let result = try Compiler.compile([path], reader: TestSupport.reader)
            XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], path)
            XCTAssertNotNil(result.policy, path)
        }
    }

    func testEveryExampleMatchesItsGoldenDocument() throws {
        for path in examples {
            let policy = try XCTUnwrap(try Compiler.compile([path], reader: TestSupport.reader).policy, path)
            let json = String(decoding: policy.canonicalJSON(), as: UTF8.self)
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            TestSupport.assertGolden(json, "Tests/PolicyLangTests/testdata/compiled/\(name).json")
        }
    }

    func testEveryCompiledExampleRoundTripsAndMatchesTheSchema() throws {
        let schemaData = try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/schema/policy.schema.json"))
        let validator = SchemaValidator(root: try XCTUnwrap(JSONValue.parse(schemaData)))
        for path in examples {
            let policy = try XCTUnwrap(try Compiler.compile([path], reader: TestSupport.reader).policy, path)
            let data = policy.canonicalJSON()
            XCTAssertEqual(try CompiledPolicy.load(from: data), policy, "\(path) does not survive a round trip")
            let document = try XCTUnwrap(JSONValue.parse(data), path)
            XCTAssertEqual(validator.validate(document), [], path)
        }
    }

    func testSchemaValidatorRejectsWhatTheSchemaForbids() throws {
        let schemaData = try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/schema/policy.schema.json"))
        let validator = SchemaValidator(root: try XCTUnwrap(JSONValue.parse(schemaData)))
        let policy = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        guard case .object(var document)? = JSONValue.parse(policy.canonicalJSON()) else { return XCTFail("not an object") }
        document["schema_version"] = .integer(2)
        document["surprise"] = .bool(true)
        document["budgets"] = .string("none")
        let problems = validator.validate(.object(document))
        XCTAssertEqual(problems.count, 3, problems.joined(separator: "\n"))
    }

    func testEnterprisePolicyStatesTheGuidesRoleTable() throws {
        let policy = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        let roles = Dictionary(uniqueKeysWithValues: policy.roles.map { ($0.name, $0) })
        XCTAssertEqual(roles["senior_developer"]?.models, ["claude-3-opus", "claude-3-sonnet"])
        XCTAssertEqual(roles["senior_developer"]?.features, ["agent_mode", "multi_file_edit", "terminal_access"])
        XCTAssertEqual(roles["senior_developer"]?.maxContextTokens, 200_000)
        XCTAssertEqual(roles["senior_developer"]?.auditLevel, .standard)
        XCTAssertEqual(roles["junior_developer"]?.models, ["claude-3-sonnet"])
        XCTAssertEqual(roles["junior_developer"]?.features, ["ask_mode", "single_file_edit"])
        XCTAssertEqual(roles["junior_developer"]?.maxContextTokens, 50_000)
        XCTAssertEqual(roles["junior_developer"]?.auditLevel, .detailed)
        XCTAssertEqual(roles["junior_developer"]?.requiresApproval, ["database_operations", "deployment_commands"])
        XCTAssertEqual(roles["contractor"]?.models, ["claude-3-haiku"])
        XCTAssertEqual(roles["contractor"]?.features, ["ask_mode"])
        XCTAssertEqual(roles["contractor"]?.maxContextTokens, 20_000)
        XCTAssertEqual(roles["contractor"]?.auditLevel, .comprehensive)
        XCTAssertEqual(roles["contractor"]?.blockedPatterns.map(\.text), ["production", "customer_data", "internal_api"])
        let prices = Dictionary(uniqueKeysWithValues: policy.models.map { ($0.id, $0.price) })
        XCTAssertEqual(prices["claude-3-opus"]??.inputMicrosPerMillionTokens, 15_000_000)
        XCTAssertEqual(prices["claude-3-sonnet"]??.outputMicrosPerMillionTokens, 15_000_000)
        XCTAssertEqual(prices["gpt-4"]??.inputMicrosPerMillionTokens, 30_000_000)
        let alerts = Dictionary(uniqueKeysWithValues: policy.alerts.map { ($0.name, $0) })
        XCTAssertEqual(alerts["sensitive_data_in_prompt"]?.severity, .high)
        XCTAssertEqual(alerts["sensitive_data_in_prompt"]?.actions, ["block_request", "notify_security_team", "create_incident"])
        XCTAssertEqual(alerts["excessive_ai_usage"]?.severity, .medium)
        XCTAssertEqual(alerts["excessive_ai_usage"]?.actions, ["notify_user", "notify_manager", "throttle_requests"])
        let playbooks = Dictionary(uniqueKeysWithValues: policy.playbooks.map { ($0.incident, $0.actions) })
        XCTAssertEqual(playbooks["data_exfiltration"],
                       ["block_user_immediately", "revoke_all_tokens", "notify_security_team", "preserve_evidence", "initiate_forensics"])
        XCTAssertEqual(playbooks["prompt_injection"], ["block_request", "log_full_context", "notify_ai_team", "update_filters"])
        XCTAssertEqual(playbooks["unusual_access"], ["require_mfa", "monitor_closely", "notify_manager"])
        let dataProtection = try XCTUnwrap(policy.rules.first { $0.id == "no_sensitive_data_to_models" })
        XCTAssertEqual(dataProtection.effect, .deny)
        XCTAssertEqual(dataProtection.reason, .sensitiveData)
    }

    func testDigestDependsOnContentsNotPaths() throws {
        let first = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        let absolute = try XCTUnwrap(try Compiler.compile([TestSupport.root + "/examples/enterprise.pol"]).policy)
        XCTAssertEqual(first.policy.digest, absolute.policy.digest)
        XCTAssertTrue(first.policy.digest.hasPrefix("sha256:"))
    }
}
