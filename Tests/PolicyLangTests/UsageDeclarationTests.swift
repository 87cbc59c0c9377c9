import PolicyLang
import PolicyRuntime
import XCTest

/// Rate limits, the usage block, budgets' alerts and tests' prior use: what they lower to and
/// what the checker refuses.
final class UsageDeclarationTests: XCTestCase {
    private func policy(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> CompiledPolicy? {
        let result = TestSupport.compile(TestSupport.prelude + body)
        XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], file: file, line: line)
        return result.policy
    }

    private func messages(_ body: String) -> [String] {
        TestSupport.compile(TestSupport.prelude + body).diagnostics.map { "\($0.code.rawValue) \($0.message)" }
    }

    static let roles = """
        role dev { models "claude-3-opus" features ask_mode }

        """

    /// An alert with no condition: something must raise it by name.
    static let spend = "alert spend { severity medium then notify_user, notify_manager }\n"

    func testRateLimitsInBaseUnits() {
        let compiled = policy(UsageDeclarationTests.roles + """
            rate_limit a { scope user limit 60 requests per minute }
            rate_limit b { scope role "dev" limit 1M tokens per hour alert spend }
            \(UsageDeclarationTests.spend)
            rate_limit c { scope team limit 5 requests per 10m }
            """)
        let limits = compiled?.rateLimits ?? []
        XCTAssertEqual(limits.map(\.scope), [.user, .role, .team])
        XCTAssertEqual(limits.map(\.unit), [.requests, .tokens, .requests])
        XCTAssertEqual(limits.map(\.limit), [60, 1_000_000, 5])
        XCTAssertEqual(limits.map(\.windowSeconds), [60, 3_600, 600])
        XCTAssertEqual(limits[1].member, "dev")
        XCTAssertEqual(limits[1].alerts, ["spend"])
    }

    func testUsageSettingsAndTheirDefaults() {
        XCTAssertEqual(policy("")?.usage, CompiledUsageSettings(outputEstimateTokens: nil, reservationTimeoutSeconds: 900, failOpen: false))
        XCTAssertEqual(policy("usage { output_estimate 4k reservation_timeout 2h fail_open true }")?.usage,
                       CompiledUsageSettings(outputEstimateTokens: 4_000, reservationTimeoutSeconds: 7_200, failOpen: true))
        let compiled = policy(#"model "m" { provider p output_estimate 2k }"#)
        XCTAssertEqual(compiled?.models.last?.outputEstimateTokens, 2_000)
    }

    func testABudgetRaisesItsAlertsAndSuchAnAlertNeedsNoCondition() {
        let compiled = policy(UsageDeclarationTests.roles + UsageDeclarationTests.spend
                              + "budget b { scope user period daily limit $5 warn_at 80% alert spend }")
        XCTAssertEqual(compiled?.budgets.first?.alerts, ["spend"])
        XCTAssertEqual(compiled?.alerts.first?.condition, .constant(false), "raised only by name")
    }

    func testMistakesAreReportedWithTheirCodes() {
        XCTAssertEqual(messages("alert lonely { severity low then notify_user }"), ["P1105 alert `lonely` has no `when` condition"],
                       "an alert nobody raises by name still needs a condition")
        XCTAssertEqual(messages(UsageDeclarationTests.roles + "budget b { scope user period daily limit $5 alert spnd }"),
                       ["P2012 unknown alert `spnd`"])
        XCTAssertEqual(messages("rate_limit r { scope user limit 60 requests per fortnight }"), ["P2013 unknown unit of time `fortnight`"])
        XCTAssertEqual(messages("rate_limit r { scope user limit 60 calls per minute }"), ["P2013 unknown rate limit unit `calls`"])
        XCTAssertEqual(messages("rate_limit r { scope user }"), ["P1105 rate limit `r` has no `limit`"])
        XCTAssertEqual(messages("rate_limit r { limit 1 requests per second }"), ["P1105 rate limit `r` has no `scope`"])
        XCTAssertEqual(messages("rate_limit r { scope role \"intern\" limit 1 requests per second }"), ["P2001 unknown role `intern`"])
        XCTAssertEqual(messages("rate_limit r { scope organization \"x\" limit 1 requests per second }"),
                       ["P2203 the organization scope has no members"])
        XCTAssertEqual(messages("budget b { scope user period daily limit $1 }\nrate_limit b { scope user limit 1 requests per second }"),
                       ["P2101 rate limit `b` has the name of a budget"])
        XCTAssertEqual(messages("usage { fail_open maybe }"), ["P2013 unknown value for `fail_open` `maybe`"])
        XCTAssertEqual(messages("usage { reservation_timeout 10 }").first?.hasPrefix("P2202"), true, "a timeout is a duration")
        XCTAssertEqual(messages("usage { }\nusage { }").map { String($0.prefix(5)) }, ["P2101"])
    }

    func testTestsStatePriorUseInTheBudgetsUnit() {
        let body = UsageDeclarationTests.roles + """
            budget money { scope user period daily limit $5 }
            budget tokens { scope user period daily limit 1M }

            """
        let ok = TestSupport.compile(TestSupport.prelude + body + "test t { role dev used money $4.50, tokens 900k expect allow }")
        XCTAssertEqual(ok.diagnostics.map(\.message), [])
        XCTAssertEqual(ok.tests.first?.priorUse.map(\.name), ["money", "tokens"])
        XCTAssertEqual(ok.tests.first?.priorUse.map(\.amount), [4_500_000, 900_000])
        XCTAssertEqual(ok.tests.first?.request.requestID, "test-request")
        XCTAssertEqual(messages(body + "test t { role dev used mony $1 expect allow }"), ["P2014 unknown budget or rate limit `mony`"])
        XCTAssertEqual(messages(body + "test t { role dev used money 5 expect allow }").first?.hasPrefix("P2202"), true)
        XCTAssertEqual(messages(body + "test t { role dev budget_used 50% expect allow }"),
                       ["P2201 `budget_used` is for gateways that keep their own usage; this policy's budgets and rate limits are metered by the runtime"])
    }

    func testAMeteredPolicysTestsRunAgainstAStore() throws {
        let result = TestSupport.compile(TestSupport.prelude + UsageDeclarationTests.roles + UsageDeclarationTests.spend + """
            usage { output_estimate 1k }
            budget daily { scope user period daily limit $1 alert spend }
            test under { role dev tokens_in 1k used daily $0.90 expect allow alerts spend }
            test over { role dev tokens_in 1k used daily $0.95 expect deny reasons budget_exceeded alerts spend }
            """)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let plan = try Plan(try XCTUnwrap(result.policy))
        var coverage = Coverage()
        let results = TestRunner.run(result.tests, plan: plan, coverage: &coverage)
        // 1k in at $0.015/1k and 1k out at $0.075/1k: $0.09. $0.90 + $0.09 crosses nothing but fits;
        // $0.95 + $0.09 does not fit.
        XCTAssertEqual(results.map(\.mismatches), [["alerts: expected spend, got none"], []])
    }
}
