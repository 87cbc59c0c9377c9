import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// The evaluation trace is what decided, and the one source of explanations, coverage and the
/// diff's role cells.
final class EvaluationTraceTests: XCTestCase {
    private let policy = TestSupport.prelude + """
        role dev {
          models    "claude-3-opus"
          features  ask_mode
          max_context 10k
          requires_approval deployment_commands
          block "production", /ord(er)?#[0-9]+/i
        }
        alert watch { when prompt has pii severity low then notify_user }
        rule flag { when request.tokens_in > 1k alert watch }
        rule weekend_nights {
          when request.weekday in [saturday, sunday] and request.hour < 6
          deny "no weekend night work"
        }

        """

    private func plan(_ text: String) throws -> Plan {
        let result = TestSupport.compile(text)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        return try Plan(XCTUnwrap(result.policy))
    }

    private func request(_ prompt: String = "hi", _ fields: (inout Request) -> Void = { _ in }) -> Request {
        var request = TestSupport.request(prompt)
        request.role = "dev"
        fields(&request)
        return request
    }

    func testTracingDecidesExactlyAsNotTracing() throws {
        let plan = try plan(policy)
        let prompts = ["hi", "the production db", "see ORDER#12", "mail a@example.com", "prоduction with a Cyrillic о"]
        for prompt in prompts {
            for tokens in [nil, 10, 5_000] {
                for operations in [[], ["deployment_commands"], ["Deployment_Commands"]] {
                    let request = request(prompt) {
                        $0.tokensIn = tokens
                        $0.operations = operations
                    }
                    var trace = EvaluationTrace()
                    XCTAssertEqual(plan.evaluate(request, trace: &trace), plan.evaluate(request), prompt)
                    XCTAssertEqual(trace.rules.count, 2)
                    XCTAssertEqual(trace.alerts.count, 1)
                }
            }
        }
    }

    func testTheTraceRecordsEachRoleCheckAndBlockedPattern() throws {
        let plan = try plan(policy)
        var trace = EvaluationTrace()
        _ = plan.evaluate(request("order#7 to prоduction") { $0.operations = ["deployment_commands", "rm_rf"] }, trace: &trace)
        XCTAssertEqual(trace.roleChecks, [
            .role(name: "dev", known: true),
            .model(requested: "claude-3-opus", id: "claude-3-opus", allowed: true),
            .feature(requested: "ask_mode", allowed: true),
            .contextLimit(limit: 10_000, tokens: 10, passed: true),
            .operation(name: "deployment_commands", declared: true, needsApproval: true),
            .operation(name: "rm_rf", declared: false, needsApproval: false),
            .blockedPattern(index: 0),  // "production", found through the normalized text
            .blockedPattern(index: 1),  // the regex
        ])
    }

    func testCoverageCountsRegexAndNormalizedHits() throws {
        let result = TestSupport.compile(policy + """
            test regex { role dev prompt "ship ORDER#42" expect deny reasons blocked_pattern }
            test lookalike { role dev prompt "prоduction" expect deny reasons blocked_pattern }
            """)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let compiled = try XCTUnwrap(result.policy)
        var coverage = Coverage()
        coverage.register(compiled)
        let results = TestRunner.run(result.tests, plan: try Plan(compiled), coverage: &coverage)
        XCTAssertTrue(results.allSatisfy(\.passed), results.flatMap(\.mismatches).joined(separator: "\n"))
        let exercised = Set(coverage.exercised.map(\.name))
        XCTAssertTrue(exercised.contains(#"dev: blocked "production""#), "\(exercised)")
        XCTAssertTrue(exercised.contains(#"dev: blocked "ord(er)?#[0-9]+""#), "\(exercised)")
    }

    func testRulesSeeTheRiskOfTheRoleChecksAndFindings() throws {
        let plan = try plan(TestSupport.prelude + """
            role dev { models "claude-3-opus" features ask_mode block "production" }
            rule risky { when risk_score >= 50% deny "risky" }
            """)
        let decision = plan.evaluate(request("the production db"))
        XCTAssertEqual(decision.reasons.map(\.rule), ["role:dev", "risky"], "a blocked pattern weighs 60")
        XCTAssertEqual(plan.evaluate(request("hello")).outcome, .allow)
    }

    func testHourAndWeekdayComeFromTheTimestamp() throws {
        let plan = try plan(policy)
        func decide(_ timestamp: String?) -> Decision.Outcome {
            plan.evaluate(request { $0.timestamp = timestamp.flatMap(Timestamp.init(rfc3339:)) }).outcome
        }
        XCTAssertEqual(decide("2026-12-06T03:00:00Z"), .deny, "Sunday 03:00 UTC")
        XCTAssertEqual(decide("2026-12-05T23:00:00-05:00"), .deny, "Saturday 23:00 in New York is Sunday 04:00 UTC")
        XCTAssertEqual(decide("2026-12-07T03:00:00Z"), .allow, "Monday")
        XCTAssertEqual(decide("2026-12-06T07:00:00Z"), .allow, "Sunday, but after six")
        XCTAssertEqual(decide(nil), .allow, "no timestamp: no weekday, no hour")
        let unknown = TestSupport.compile(policy + "rule r { when request.weekday == caturday deny \"x\" }")
        XCTAssertEqual(unknown.diagnostics.first?.message, "unknown weekday `caturday`")
        XCTAssertEqual(unknown.diagnostics.first?.help, "did you mean `saturday`?")
    }

    func testExplanationsComeFromTheTrace() throws {
        let plan = try plan(policy)
        let (decision, explanations) = plan.explain(request("mail a@example.com") { $0.tokensIn = 5_000 })
        XCTAssertEqual(decision.alerts.map(\.name), ["watch"])
        let alert = try XCTUnwrap(explanations.first { $0.kind == "alert" })
        XCTAssertTrue(alert.matched)
        XCTAssertEqual(alert.why, "prompt has pii.email, … 5 detectors → true; raised by rule `flag`")
        let role = try XCTUnwrap(explanations.first { $0.kind == "role" })
        XCTAssertEqual(role.why, "role `dev` declared; model `claude-3-opus` allowed; feature `ask_mode` allowed; context 10 within the limit of 10000")
        XCTAssertFalse(explanations.contains { $0.why.contains("a@example.com") }, "explanations never echo request text")
    }

    func testDiffCellsComeFromTheRuntimeRoleChecks() throws {
        // An operation the old policy does not declare was denied (`unknown_operation`); declared
        // without an approval requirement, it is allowed: the diff says so, as the runtime does.
        let old = TestSupport.prelude + "role r { models \"claude-3-opus\" features ask_mode }\n"
        let new = old.replacingOccurrences(of: "operations database_operations, deployment_commands",
                                           with: "operations database_operations, deployment_commands, read_logs")
        let diff = try PolicyDiff(old: XCTUnwrap(TestSupport.compile(old).policy), new: XCTUnwrap(TestSupport.compile(new).policy))
        let change = try XCTUnwrap(diff.roles.first { $0.role == "r" }?.access.first { $0.operation == "read_logs" })
        XCTAssertEqual([change.old, change.new], [.deny, .allow])
        XCTAssertEqual(change.direction, .grant)
    }
}
