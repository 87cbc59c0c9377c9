import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// `policyc diff`: the enterprise example's golden, exactness against the runtime itself, and the
/// direction of each kind of change.
final class PolicyDiffTests: XCTestCase {
    private func compiled(_ source: String) throws -> CompiledPolicy {
        let result = TestSupport.compile(source)
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        return try XCTUnwrap(result.policy)
    }

    func testTheEnterpriseChangeMatchesItsGoldens() throws {
        let old = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        let new = try XCTUnwrap(try Compiler.compile(["Tests/PolicyLangTests/testdata/diff/enterprise-v4.pol"],
                                                     reader: TestSupport.reader).policy)
        let diff = try PolicyDiff(old: old, new: new)
        TestSupport.assertGolden(DiffRenderer.text(diff, color: false), "Tests/PolicyLangTests/testdata/diff/enterprise-v3-v4.txt")
        TestSupport.assertGolden(DiffRenderer.json(diff), "Tests/PolicyLangTests/testdata/diff/enterprise-v3-v4.json")
        XCTAssertEqual(diff.grants, 6)
        XCTAssertEqual(diff.revocations, 2)
        XCTAssertTrue(try PolicyDiff(old: old, new: old).isEmpty)
    }

    func testContextThresholdsAreExact() throws {
        let base = TestSupport.prelude + "role r { models \"claude-3-opus\" features ask_mode max_context 20k }\n"
        let diff = try PolicyDiff(old: try compiled(base), new: try compiled(base.replacingOccurrences(of: "20k", with: "50k")))
        XCTAssertEqual(diff.roles.map(\.role), ["r"])
        let change = try XCTUnwrap(diff.roles.first?.access.first)
        XCTAssertEqual(change.context, PolicyDiff.ContextRange(from: 20_001, to: 50_000))
        XCTAssertEqual([change.old, change.new], [.deny, .allow])
        XCTAssertEqual(change.models, ["claude-3-opus"])
        XCTAssertEqual(change.features, ["ask_mode"])
        XCTAssertEqual(change.direction, .grant)
        XCTAssertTrue(DiffRenderer.text(diff, color: false).contains("+ r · claude-3-opus · ask_mode: context 20,001–50,000 now allowed\n"))
    }

    func testDeclarationDirections() throws {
        let base = TestSupport.prelude + """
            role r { models "claude-3-opus" features ask_mode }
            rule big { when request.tokens_in > 1M deny "too big" }
            alert watch { when request.tokens_in > 10k severity low then notify_user }

            """
        let changed = base
            .replacingOccurrences(of: "rule big { when request.tokens_in > 1M deny \"too big\" }", with: "")
            .replacingOccurrences(of: "then notify_user", with: "then block_request")
            + "rule night { when request.hour < 6 require_approval \"night\" }\n"
        let diff = try PolicyDiff(old: try compiled(base), new: try compiled(changed))
        XCTAssertEqual(diff.declarations.map { "\($0.kind) \($0.name) \($0.status) \($0.details) \($0.direction.rawValue)" }, [
            "rule big removed [] grant",
            "rule night added [] revoke",
            "alert watch changed [\"actions\"] revoke",
        ])
    }

    func testBudgetAndRateLimitDirections() throws {
        let base = TestSupport.prelude + """
            role r { models "claude-3-opus" features ask_mode }
            budget daily { scope user period daily limit $10 }
            budget tokens { scope team period monthly limit 5M }
            rate_limit rpm { scope user limit 60 requests per minute }
            rate_limit tph { scope user limit 1M tokens per hour }

            """
        let changed = base
            .replacingOccurrences(of: "limit $10", with: "limit $20")
            .replacingOccurrences(of: "budget tokens { scope team period monthly limit 5M }", with: "")
            .replacingOccurrences(of: "limit 60 requests per minute", with: "limit 1 requests per second")
            .replacingOccurrences(of: "limit 1M tokens per hour", with: "limit 100k tokens per 10m")
            + "rate_limit burst { scope user limit 5 requests per second }\n"
        let diff = try PolicyDiff(old: try compiled(base), new: try compiled(changed))
        XCTAssertEqual(diff.declarations.map { "\($0.kind) \($0.name) \($0.status) \($0.details) \($0.direction.rawValue)" }, [
            "budget daily changed [\"limit\"] grant",
            "budget tokens removed [] grant",
            "rate_limit rpm changed [\"limit\", \"window\"] change",
            "rate_limit tph changed [\"limit\", \"window\"] revoke",
            "rate_limit burst added [] revoke",
        ], "60 per minute is 1 per second; 100k per 10 minutes is 600k an hour")
    }

    func testDetectorsThatDenyEachRole() throws {
        let base = TestSupport.prelude + """
            role a { models "claude-3-opus" features ask_mode }
            role b { models "claude-3-opus" features ask_mode }
            rule keys { when prompt has secret.jwt, pii.email deny "no" }
            rule only_b { when user.role == "b" and prompt has pii.ssn deny "no" }

            """
        let changed = base.replacingOccurrences(of: "has secret.jwt, pii.email", with: "has pii.email, pii.phone")
        let diff = try PolicyDiff(old: try compiled(base), new: try compiled(changed))
        XCTAssertEqual(diff.roles.map { "\($0.role): " + $0.other.map { "\($0.description) (\($0.direction.rawValue))" }.joined(separator: "; ") }, [
            "a: detector secret.jwt no longer denies (grant); detector pii.phone now denies (revoke)",
            "b: detector secret.jwt no longer denies (grant); detector pii.phone now denies (revoke)",
        ])
        XCTAssertEqual(PolicyDiff.denyingDetectors(try compiled(base), role: "a"), ["secret.jwt", "pii.email"])
        XCTAssertEqual(PolicyDiff.denyingDetectors(try compiled(base), role: "b"), ["secret.jwt", "pii.email", "pii.ssn"])
    }

    func testDetectorChangesAreListed() throws {
        let base = TestSupport.prelude + "detector customer_id { category pii pattern /CUST-[0-9]{6}/ }\n"
        let changed = base.replacingOccurrences(of: "{6}", with: "{6,8}")
        let diff = try PolicyDiff(old: try compiled(base), new: try compiled(changed))
        XCTAssertEqual(diff.declarations.map { "\($0.kind) \($0.name) \($0.status) \($0.details) \($0.direction.rawValue)" },
                       ["detector pii.customer_id changed [\"pattern\"] change"])
    }

    /// For random pairs of role tables, every cell's decision from the runtime (at every context
    /// size that matters) changes exactly where the diff says it does.
    func testAccessChangesAgreeWithTheRuntimeCellByCell() throws {
        var generator = SystemRandomNumberGenerator()
        let models = ["m1", "m2", "m3"]
        let features = ["f1", "f2", "f3"]
        let operations = ["op1", "op2"]
        func randomPolicy() -> String {
            var text = "policy \"p\" version 1\n" + models.map { "model \"\($0)\" { provider x }\n" }.joined()
            text += "features f1, f2, f3\noperations op1, op2\n"
            for role in ["a", "b", "c"] where Bool.random(using: &generator) || role == "a" {
                let roleModels = models.filter { _ in Bool.random(using: &generator) }
                let roleFeatures = features.filter { _ in Bool.random(using: &generator) }
                text += "role \(role) {\n"
                if !roleModels.isEmpty { text += "  models \(roleModels.map { "\"\($0)\"" }.joined(separator: ", "))\n" }
                if !roleFeatures.isEmpty { text += "  features \(roleFeatures.joined(separator: ", "))\n" }
                if Bool.random(using: &generator) { text += "  max_context \([1, 10, 20, 30].randomElement(using: &generator)!)\n" }
                let approvals = operations.filter { _ in Bool.random(using: &generator) }
                if !approvals.isEmpty { text += "  requires_approval \(approvals.joined(separator: ", "))\n" }
                text += "}\n"
            }
            return text
        }
        for round in 0..<60 {
            let old = try compiled(randomPolicy())
            let new = try compiled(randomPolicy())
            let diff = try PolicyDiff(old: old, new: new)
            let oldPlan = try Plan(old)
            let newPlan = try Plan(new)
            for role in ["a", "b", "c"] {
                let changes = diff.roles.first { $0.role == role }?.access ?? []
                for model in models {
                    for feature in features {
                        for operation in [nil] + operations {
                            for context in [0, 5, 10, 11, 15, 20, 21, 25, 30, 31, 1_000_000] {
                                var request = Request()
                                request.role = role
                                request.model = model
                                request.feature = feature
                                request.contextTokens = context
                                request.operations = operation.map { [$0] } ?? []
                                let before = oldPlan.evaluate(request).outcome
                                let after = newPlan.evaluate(request).outcome
                                // The change listed for this exact cell, or the no-operation line it repeats.
                                func covering(_ operationKey: String?) -> PolicyDiff.AccessChange? {
                                    changes.first { change in
                                        (change.models?.contains(model) ?? true) && (change.features?.contains(feature) ?? true)
                                            && change.operation == operationKey && context >= change.context.from
                                            && context <= (change.context.to ?? Int.max)
                                    }
                                }
                                let listed = covering(operation) ?? (operation != nil ? covering(nil) : nil)
                                let where_ = "round \(round) \(role)/\(model)/\(feature)/\(operation ?? "-")/\(context)"
                                if before == after {
                                    XCTAssertNil(covering(operation), "no change expected at \(where_)")
                                } else {
                                    XCTAssertEqual(listed.map { [$0.old, $0.new] }, [before, after], where_)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
