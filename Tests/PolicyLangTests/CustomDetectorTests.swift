import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// Custom detectors end to end: in the document, in categories and conditions, validated,
/// redacted with their placeholder; a hand-edited document with a bad one is refused.
final class CustomDetectorTests: XCTestCase {
    private let source = TestSupport.prelude + """
        detector customer_id { category pii pattern /CUST-[0-9]{6}/i examples "CUST-123456" rejects "CUST-12345" }
        detector loyalty_card { category secret pattern /\\b[0-9]{12,19}\\b/ validate luhn examples "9000123456789016" }
        role dev { models "claude-3-opus" features ask_mode }
        rule no_pii { when prompt has pii deny "no personal data" }
        rule redact_cards { when prompt has secret.loyalty_card redact secret }

        """

    private func plan() throws -> (CompiledPolicy, Plan) {
        let result = TestSupport.compile(source)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let policy = try XCTUnwrap(result.policy)
        return (policy, try Plan(policy))
    }

    private func decide(_ plan: Plan, _ prompt: String) -> Decision {
        plan.evaluate(TestSupport.request(prompt))
    }

    func testTheDocumentCarriesThem() throws {
        let (policy, _) = try plan()
        XCTAssertEqual(policy.detectors.map(\.name), ["pii.customer_id", "secret.loyalty_card"])
        XCTAssertEqual(policy.detectors.last?.validate, .luhn)
        XCTAssertEqual(policy.placeholders["pii.customer_id"], "[CUSTOMER_ID]")
        XCTAssertEqual(try CompiledPolicy.load(from: policy.canonicalJSON()), policy)
        XCTAssertTrue("\(policy.rules[0].condition)".contains("pii.customer_id"), "`has pii` includes the category's detectors")
    }

    func testTheyDecideValidateAndRedact() throws {
        let (_, plan) = try plan()
        let customer = decide(plan, "ref cust-000042 please")
        XCTAssertEqual(customer.outcome, .deny)
        XCTAssertEqual(customer.detections.map { "\($0.type) \($0.start)-\($0.end)" }, ["pii.customer_id 4-15"])
        XCTAssertEqual(customer.riskPercent, 70)

        let card = decide(plan, "card 9000123456789016 ok")
        XCTAssertEqual(card.outcome, .allow)
        XCTAssertEqual(card.redactedPrompt, "card [LOYALTY_CARD] ok")
        XCTAssertEqual(decide(plan, "card 9000123456789017 ok").redactedPrompt, nil, "a number failing Luhn is not a card")
    }

    func testAHandEditedDocumentIsRefused() throws {
        var (policy, _) = try plan()
        policy.detectors[0].name = "personal.customer_id"
        XCTAssertThrowsError(try Plan(policy)) { error in
            XCTAssertEqual((error as? PlanError)?.message,
                           "detectors[0].name: `personal.customer_id` is not `category.name` with a built-in category")
        }
        policy.detectors[0].name = "pii.customer_id"
        // A check the runtime does not know cannot even be read from a document.
        let document = String(decoding: policy.canonicalJSON(), as: UTF8.self).replacingOccurrences(of: #""validate": "luhn""#, with: #""validate": "crc""#)
        XCTAssertThrowsError(try CompiledPolicy.load(from: TestSupport.resealed(document))) { error in
            XCTAssertEqual("\(error)", #"invalid compiled policy: detectors[1].validate: unknown check "crc"; expected `luhn` or `mod97`"#)
        }
    }
}
