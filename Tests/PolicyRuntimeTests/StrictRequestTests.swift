import Foundation
import PolicyRuntime
import XCTest

/// Requests are read one way only: duplicate keys, unknown fields, unknown actions and undeclared
/// operations are refused or denied, never resolved differently from a gateway's own reader.
final class StrictRequestTests: XCTestCase {
    private static let plan = try! Plan(json: TestDocument.golden("enterprise"))

    private func failure(_ json: String) -> String? {
        do {
            _ = try RequestReader.read(Array(json.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    private func decide(_ json: String) -> Decision {
        StrictRequestTests.plan.evaluate(json: Array(json.utf8))
    }

    private let junior = #""user": {"role": "junior_developer"}, "model": "claude-3-sonnet", "feature": "ask_mode", "context_tokens": 100"#

    func testDuplicateKeysAreRefusedAtEveryDepth() {
        XCTAssertEqual(failure(#"{"model": "a", "model": "b"}"#), "duplicate field `model`")
        // A later null used to keep the earlier role: it is a duplicate like any other.
        XCTAssertEqual(failure(#"{"user": {"role": "senior_developer"}, "user": null}"#), "duplicate field `user`")
        XCTAssertEqual(failure(#"{"user": {"role": "a", "role": "b"}}"#), "duplicate field `user.role`")
        XCTAssertEqual(failure(#"{"budget": {"exceeded": true, "exceeded": false}}"#), "duplicate field `budget.exceeded`")
        XCTAssertEqual(failure(#"{"timestamp": "2026-11-25T10:00:00Z", "timestamp": null}"#), "duplicate field `timestamp`")
        XCTAssertEqual(failure(#"{"messages": [{"role": "user", "content": "a", "content": "b"}]}"#), "duplicate field `content`")
        XCTAssertEqual(failure(#"{"messages": [{"content": [{"type": "text", "text": "a", "text": "b"}]}]}"#), "duplicate field `text`")
        XCTAssertEqual(failure(#"{"messages": [{"content": [{"type": "image", "source": {"a": 1, "a": 2}}]}]}"#), "duplicate field `a`")
        XCTAssertEqual(failure(#"{"prompt": "x", "\u0070rompt": "y"}"#), "duplicate field `prompt`", "escapes spell the same key")
        // The denial names the key and nothing of the values.
        let decision = decide(#"{"prompt": "AKIAZ3MNQR7TVWXY4P2L", "prompt": "hi"}"#)
        XCTAssertEqual(decision.reasons.map(\.code), [.invalidRequest])
        XCTAssertFalse(decision.json.contains("AKIA"), decision.json)
    }

    func testUnknownFieldsAreRefusedWithASuggestion() {
        XCTAssertEqual(failure(#"{"operation": ["database_operations"]}"#),
                       "unknown field `operation` (did you mean `operations`?); docs/runtime.md lists the request fields")
        XCTAssertEqual(failure(#"{"user": {"rol": "contractor"}}"#),
                       "unknown field `user.rol` (did you mean `user.role`?); docs/runtime.md lists the request fields")
        XCTAssertEqual(failure(#"{"context_token": 900000}"#),
                       "unknown field `context_token` (did you mean `context_tokens`?); docs/runtime.md lists the request fields")
        // Message objects follow the vendors' formats: keys this format does not read are skipped.
        XCTAssertNoThrow(try RequestReader.read(Array(#"{"messages": [{"role": "user", "name": "x", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}]}"#.utf8)))
    }

    func testEveryTextAMessageCarriesIsScanned() throws {
        // Tool calls, their arguments, tool results and documents reach the model as much as
        // text parts do; only the keys that describe a message are not read.
        let shapes = [
            #"{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "SECRET"}]}]}"#,
            #"{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "SECRET"}]}"#,
            #"{"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "read", "input": {"path": "SECRET"}}]}"#,
            #"{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"q\": \"SECRET\"}"}}]}"#,
            #"{"role": "tool", "tool_call_id": "c1", "content": "SECRET"}"#,
            #"{"role": "user", "content": [{"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "SECRET"}}]}"#,
            #"{"role": "user", "content": [{"type": "some_future_part", "payload": {"deep": ["SECRET"]}}]}"#,
        ]
        let senior = #""user": {"role": "contractor"}, "model": "claude-3-haiku", "feature": "ask_mode", "context_tokens": 1"#
        for shape in shapes {
            let request = try RequestReader.read(Array("{\"messages\": [\(shape)]}".utf8))
            XCTAssertTrue(request.messages.contains { String(decoding: $0.text, as: UTF8.self).contains("SECRET") }, shape)
            // A blocked pattern there denies, as in `content`.
            let decision = decide("{\(senior), \"messages\": [\(shape.replacingOccurrences(of: "SECRET", with: "production"))]}")
            XCTAssertEqual(decision.reasons.map(\.code), [.blockedPattern], shape)
        }
        // The values of the metadata keys are not texts.
        let metadata = try RequestReader.read(Array(#"{"messages": [{"role": "production", "content": [{"type": "production", "id": "production", "tool_use_id": "production", "text": "ok"}]}]}"#.utf8))
        XCTAssertEqual(metadata.messages.map { String(decoding: $0.text, as: UTF8.self) }, ["ok"])
        XCTAssertEqual(RequestReader.messageMetadataKeys, ["role", "type", "id", "tool_use_id", "tool_call_id", "call_id"])
        XCTAssertEqual(failure(#"{"messages": [{"content": 5}]}"#), "`messages[0].content` must be a string or a list of parts")
    }

    func testActionIsOneOfTheDocumentedActions() throws {
        XCTAssertEqual(try RequestReader.read(Array("{}".utf8)).action, .prompt, "an absent action means prompt")
        XCTAssertEqual(try RequestReader.read(Array(#"{"action": null}"#.utf8)).action, .prompt)
        XCTAssertEqual(try RequestReader.read(Array(#"{"action": "completion"}"#.utf8)).action, .completion)
        XCTAssertEqual(failure(#"{"action": "Completion"}"#),
                       "unknown action `Completion`; expected `prompt`, `completion`, `file_edit` or `command_execution`")
        XCTAssertEqual(failure(#"{"action": 3}"#), "`action` must be a string")
    }

    func testAnUndeclaredOperationDeniesAsAnUndeclaredFeatureDoes() {
        let declared = decide("{\(junior), \"operations\": [\"database_operations\"]}")
        XCTAssertEqual(declared.outcome, .requireApproval)
        XCTAssertEqual(declared.approvals, ["database_operations"])
        for operation in ["DATABASE_OPERATIONS", "database-operations", "launch_missiles"] {
            let decision = decide("{\(junior), \"operations\": [\"\(operation)\"]}")
            XCTAssertEqual(decision.outcome, .deny, operation)
            XCTAssertEqual(decision.reasons.map(\.code), [.unknownOperation], operation)
            XCTAssertEqual(decision.reasons.first?.rule, "operations")
            XCTAssertEqual(decision.riskPercent, ReasonCode.unknownOperation.riskWeight)
        }
        // Also for a role that needs no approval at all, and with a declared one beside it.
        let mixed = decide("{\(junior), \"operations\": [\"database_operations\", \"Database_Operations\"]}")
        XCTAssertEqual(mixed.reasons.map(\.code), [.unknownOperation, .approvalRequired])
        XCTAssertEqual(mixed.outcome, .deny, "deny wins")
        let unknownFeature = decide(#"{"user": {"role": "junior_developer"}, "model": "claude-3-sonnet", "feature": "ASK_MODE", "context_tokens": 1}"#)
        XCTAssertEqual(unknownFeature.reasons.map(\.code), [.featureNotAllowed])
    }

    func testTimeHasOneSource() throws {
        var request = Request()
        request.timestamp = Timestamp(rfc3339: "2026-12-06T23:30:00-02:00")
        XCTAssertEqual(request.timestamp?.utcHour, 1)
        XCTAssertEqual(request.timestamp?.weekday, .monday, "Sunday 23:30 at -02:00 is Monday 01:30 UTC")
        XCTAssertEqual(Timestamp(rfc3339: "2016-12-31T23:59:60Z")?.secondsSinceEpoch, 1_483_228_799, "a leap second reads as :59")
        XCTAssertNil(Timestamp(rfc3339: "2016-12-31T10:15:60Z"), "a leap second ends a UTC day")
        XCTAssertNotNil(Timestamp(rfc3339: "2016-12-31T15:59:60-08:00"), "…which is 15:59:60 in California")
        XCTAssertEqual(Timestamp(rfc3339: "2000-02-29T00:00:00Z")?.weekday, .tuesday)
        XCTAssertEqual(Timestamp(rfc3339: "1969-07-20T20:17:00Z")?.weekday, .sunday, "before 1970")
        XCTAssertNotNil(Timestamp(rfc3339: "0000-02-29T00:00:00Z"), "year 0 is a leap year in the proleptic calendar")
        XCTAssertNil(Timestamp(rfc3339: "1900-02-29T00:00:00Z"))
        XCTAssertEqual(Timestamp(rfc3339: "9999-12-31T23:59:59Z")?.utcHour, 23)
        _ = Timestamp(secondsSinceEpoch: .min).weekday  // no trap at the extremes
        _ = Timestamp(secondsSinceEpoch: .max).utcHour
        XCTAssertNil(Timestamp(rfc3339: "2026-12-06T23:30:00"), "a time zone is required")
        XCTAssertNil(Timestamp(rfc3339: "2026-12-06"))
    }

    func testACostNearTheLimitOfIntegersDoesNotTrap() {
        for tokens in ["36893488147419", "9223372036854775807", "4611686018427387904"] {
            let decision = decide(#"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1,"tokens_in":\#(tokens),"tokens_out":\#(tokens)}"#)
            XCTAssertEqual(decision.reasons.map(\.code), [], tokens)
        }
    }

    func testReasonCodesCarryTheirRiskWeights() {
        XCTAssertEqual(ReasonCode.words, ["unknown_role", "model_not_allowed", "feature_not_allowed", "context_limit_exceeded",
                                          "unknown_operation", "blocked_pattern", "sensitive_data", "approval_required",
                                          "prompt_injection", "data_exfiltration", "invalid_request", "budget_exceeded",
                                          "rate_limited", "budget_unavailable", "audit_unavailable", "rule"])
        XCTAssertEqual(ReasonCode.blockedPattern.riskWeight, 60, "the weight a blocked pattern gives, in one place")
        let blocked = decide(#"{"user": {"role": "contractor"}, "model": "claude-3-haiku", "feature": "ask_mode", "context_tokens": 1, "prompt": "the production db"}"#)
        XCTAssertEqual(blocked.reasons.map(\.code), [.blockedPattern])
        XCTAssertEqual(blocked.riskPercent, 60)
        XCTAssertEqual(decide("not json").riskPercent, 100)
    }
}
