import Foundation
import PolicyRuntime
import XCTest

/// A corrupt or hand-edited compiled document is refused with an error naming the JSON path of
/// the problem, never a crash or a plan that decides wrongly.
final class PlanValidationTests: XCTestCase {
    /// The enterprise document with one edit applied to its JSON object, re-sealed so that the
    /// edit reaches the checks behind the digest.
    private func planError(_ edit: (inout [String: Any]) -> Void) -> String? {
        guard var object = try? JSONSerialization.jsonObject(with: TestDocument.golden("enterprise")) as? [String: Any] else {
            return "cannot read the enterprise document"
        }
        edit(&object)
        do {
            _ = try Plan(json: TestDocument.resealed(try JSONSerialization.data(withJSONObject: object)))
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func editRole(_ index: Int, _ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var roles = object["roles"] as! [[String: Any]]
            roles[index][key] = value
            object["roles"] = roles
        }
    }

    func testTheGoldenDocumentPlans() {
        XCTAssertNil(planError { _ in })
    }

    func testUnknownModelInARole() {
        XCTAssertEqual(planError(editRole(0, "models", ["gpt-5"])), "roles[0].models: unknown model `gpt-5`")
    }

    func testUnknownFeatureAndOperation() {
        XCTAssertEqual(planError(editRole(1, "features", ["teleport"])), "roles[1].features: unknown feature `teleport`")
        XCTAssertEqual(planError(editRole(1, "requires_approval", ["launch"])), "roles[1].requires_approval: unknown operation `launch`")
    }

    func testDuplicateRole() {
        XCTAssertEqual(planError { object in
            var roles = object["roles"] as! [[String: Any]]
            roles.append(roles[0])
            object["roles"] = roles
        }, "roles[3]: duplicate role `senior_developer`")
    }

    func testConditionOnAnUnknownFieldOrWithTheWrongType() {
        func editCondition(_ condition: [String: Any]) -> (inout [String: Any]) -> Void {
            { object in
                var rules = object["rules"] as! [[String: Any]]
                rules[0]["condition"] = condition
                object["rules"] = rules
            }
        }
        XCTAssertEqual(planError(editCondition(["op": "gt", "field": "request.size", "value": 1])),
                       "rules[0].condition: unknown field `request.size`")
        XCTAssertEqual(planError(editCondition(["op": "gt", "field": "request.context_tokens", "value": "big"])),
                       "rules[0].condition: `request.context_tokens` compares with integers")
        XCTAssertEqual(planError(editCondition(["op": "has", "field": "prompt", "detectors": ["pii.dna"], "patterns": [], "min_count": 1])),
                       "rules[0].condition: unknown detector `pii.dna`")
        XCTAssertEqual(planError(editCondition(["op": "eq", "field": "request.model", "value": "gpt-5"])),
                       "rules[0].condition: unknown model `gpt-5`")
    }

    func testRulesMustNameExistingAlertsAndPlaybooks() {
        XCTAssertEqual(planError { object in
            var rules = object["rules"] as! [[String: Any]]
            rules[0]["alerts"] = ["no_such_alert"]
            object["rules"] = rules
        }, "rules[0].alerts: unknown alert `no_such_alert`")
        XCTAssertEqual(planError { object in
            var rules = object["rules"] as! [[String: Any]]
            rules[0]["incidents"] = ["alien_invasion"]
            object["rules"] = rules
        }, "rules[0].incidents: no playbook for `alien_invasion`")
    }

    func testUnknownCodesAndLevels() {
        XCTAssertEqual(planError(editRole(2, "audit_level", "paranoid")),
                       #"invalid compiled policy: roles[2].audit_level: unknown audit level "paranoid"; expected `standard`, `detailed` or `comprehensive`"#)
        XCTAssertEqual(planError { object in
            var alerts = object["alerts"] as! [[String: Any]]
            alerts[0]["severity"] = "apocalyptic"
            object["alerts"] = alerts
        }, #"invalid compiled policy: alerts[0].severity: unknown severity "apocalyptic"; expected `low`, `medium`, `high` or `critical`"#)
    }
}
