import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// `test` blocks: how the checker resolves them, and how the runner compares and covers.
final class PolicyTestTests: XCTestCase {
    private let policy = TestSupport.prelude + """
        role dev {
          models    "claude-3-opus"
          features  ask_mode, agent_mode
          max_context 10k
          block "secret-project"
        }
        alert leak { when prompt has pii severity high then block_request }
        rule night { when request.hour < 6 deny "no night work" }

        """

    private func compile(_ tests: String) -> Compiler.Result {
        TestSupport.compile(policy + tests)
    }

    private func run(_ tests: String) throws -> (results: [TestRunner.Result], coverage: Coverage) {
        let result = compile(tests)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let compiled = try XCTUnwrap(result.policy)
        var coverage = Coverage()
        coverage.register(compiled)
        let results = TestRunner.run(result.tests, plan: try Plan(compiled), coverage: &coverage)
        return (results, coverage)
    }

    func testDefaultsAreTheRolesFirstModelAndFeatureAndAPrompt() throws {
        let result = compile("test t { role dev expect allow }")
        let request = try XCTUnwrap(result.tests.first).request
        XCTAssertEqual(request.model, "claude-3-opus")
        XCTAssertEqual(request.feature, "ask_mode")
        XCTAssertEqual(request.action, .prompt)
        XCTAssertEqual(request.contextTokens, 0)
        XCTAssertEqual(request.userID, "test-user")
        XCTAssertEqual(result.tests.first?.source, "main.pol:\(policy.split(separator: "\n", omittingEmptySubsequences: false).count):1")
    }

    func testEveryRequestFieldReachesTheRequest() throws {
        let result = compile("""
            test t {
              role dev  user "u-1"  team "platform"  department "eng"  session "s-9"  action completion
              model "opus"  feature agent_mode  context_tokens 2k  tokens_in 1M  tokens_out 300
              prompt "p"  response "r"  messages "m1", "m2"  operations database_operations
              files_accessed "a.swift"  files_modified "b.swift", "c.swift"  ip_address "10.0.0.1"
              user_agent "cli/1"  timestamp "2026-01-02T23:30:00Z"  budget_used 42%  budget_exceeded true
              expect deny
            }
            """)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let request = try XCTUnwrap(result.tests.first).request
        XCTAssertEqual([request.userID, request.team, request.department, request.sessionID, request.action.rawValue, request.model,
                        request.feature, request.ipAddress, request.userAgent],
                       ["u-1", "platform", "eng", "s-9", "completion", "opus", "agent_mode", "10.0.0.1", "cli/1"])
        XCTAssertEqual([request.contextTokens, request.tokensIn, request.tokensOut, request.timestamp?.utcHour, request.budgetUsedPercent],
                       [2_000, 1_000_000, 300, 23, 42])
        XCTAssertEqual(request.budgetExceeded, true)
        XCTAssertEqual(request.messages.map { String(decoding: $0.text, as: UTF8.self) }, ["m1", "m2"])
        XCTAssertEqual(request.operations, ["database_operations"])
        XCTAssertEqual(request.filesModified, ["b.swift", "c.swift"])
    }

    func testTheCheckerReportsBadTestsWithLocations() {
        let result = compile("""
            test a { role dev }
            test b { expect maybe }
            test c { expect deny alerts laek reasons blocked_patern detections pii.emial playbooks prompt_injection }
            test d { prompt 5 context_tokens "lots" role "dev" expect deny }
            test e { timestamp "yesterday" expect deny }
            test a { expect allow }
            """)
        XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [
            "P1105 test `a` has no `expect`",
            "P2013 unknown decision `maybe`",
            "P2012 unknown alert `laek`",
            "P2013 unknown reason code `blocked_patern`",
            "P2005 unknown detection type `pii.emial`",
            "P2007 unknown playbook `prompt_injection`",
            "P2201 `prompt` takes a string in quotes",
            "P2201 `context_tokens` takes a whole number such as `20k`",
            "P2201 `role` takes a name",
            "P2201 the test's request is not valid: `timestamp` must be an RFC 3339 date and time, such as 2026-11-25T10:15:00Z",
            "P2101 test `a` is already declared",
        ])
        XCTAssertEqual(result.diagnostics.first?.help?.contains("expect allow"), true)
    }

    func testMismatchesSayExpectedAndActualAndWhatDecided() throws {
        let (results, _) = try run("""
            test wrong {
              role dev
              prompt "ship secret-project"
              expect allow
              reasons none
              detections none
              audit comprehensive
            }
            """)
        let result = try XCTUnwrap(results.first)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.mismatches, [
            "decision: expected allow, got deny",
            "reasons: expected none, got blocked_pattern",
            "detections: expected none, got blocked_pattern",
            "audit: expected comprehensive, got standard",
        ])
        XCTAssertEqual(result.decidedBy.count, 1)
        XCTAssertTrue(result.decidedBy[0].hasPrefix("blocked_pattern by role:dev (main.pol:"), result.decidedBy[0])
    }

    func testCoverageCountsWhatTestsExercised() throws {
        let (results, coverage) = try run("""
            test blocked { role dev prompt "secret-project" expect deny }
            test night { role dev feature agent_mode timestamp "2026-01-01T02:00:00Z" expect deny reasons rule }
            """)
        XCTAssertTrue(results.allSatisfy(\.passed), results.flatMap(\.mismatches).joined(separator: "\n"))
        let missed = coverage.items.subtracting(coverage.exercised).map { "\($0.kind) \($0.name)" }.sorted()
        XCTAssertEqual(missed, ["alert leak", "role dev: context limit 10000"], "ask_mode is the default feature")
        XCTAssertTrue(coverage.exercised.contains { $0.name == "dev: blocked \"secret-project\"" })
        XCTAssertTrue(coverage.exercised.contains { $0.kind == "rule" && $0.name == "night" })
    }
}
