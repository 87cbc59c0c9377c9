import PolicyLang
import PolicyRuntime
import XCTest

/// Budgets, audit, retention, placeholders, channels and internal domains lower to base units.
final class SettingsTests: XCTestCase {
    private func policy(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> CompiledPolicy? {
        let result = TestSupport.compile(TestSupport.prelude + body)
        XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], file: file, line: line)
        return result.policy
    }

    func testBudgetsInBaseUnits() {
        let compiled = policy("""
            budget a { scope team "platform" period monthly limit $5000 warn_at 95%, 50%, 80% }
            budget b { scope department period 14d limit 500M }
            budget c { scope organization period yearly limit $1.25 }
            """)
        let budgets = compiled?.budgets ?? []
        XCTAssertEqual(budgets.map(\.scope), [.team, .department, .organization])
        XCTAssertEqual(budgets[0].member, "platform")
        XCTAssertEqual(budgets[0].periodSeconds, 30 * 86_400)
        XCTAssertEqual(budgets[0].periodName, .monthly)
        XCTAssertEqual(budgets[0].limitMicros, 5_000_000_000)
        XCTAssertEqual(budgets[0].warnAtPercent, [50, 80, 95], "thresholds are sorted")
        XCTAssertEqual(budgets[1].periodSeconds, 14 * 86_400)
        XCTAssertNil(budgets[1].periodName)
        XCTAssertEqual(budgets[1].limitTokens, 500_000_000)
        XCTAssertEqual(budgets[2].limitMicros, 1_250_000)
    }

    func testBudgetNeedsMoneyOrTokens() {
        let result = TestSupport.compile(TestSupport.prelude + "budget a { scope user period daily limit 80% }")
        XCTAssertEqual(TestSupport.codes(result), ["P2202"])
    }

    func testAuditDefaultsAndSettings() {
        XCTAssertEqual(policy("")?.audit,
                       CompiledAudit(defaultLevel: .standard, logPrompts: .redacted, logResponses: .redacted, redact: [],
                                     encrypt: true, highRiskThresholdPercent: nil, highRiskAlert: nil))
        let compiled = policy("""
            alert risky { when risk_score > 70% severity high then log_full_context }
            audit { default_level detailed log_prompts none log_responses full redact secret.jwt encrypt false
                    high_risk_threshold 70% high_risk_alert risky }
            """)
        XCTAssertEqual(compiled?.audit,
                       CompiledAudit(defaultLevel: .detailed, logPrompts: LogMode.none, logResponses: .full, redact: ["secret.jwt"],
                                     encrypt: false, highRiskThresholdPercent: 70, highRiskAlert: "risky"))
    }

    func testRetentionInSeconds() {
        let compiled = policy("retention { audit_logs 7y prompts 30d erasure_within 72h }")
        XCTAssertEqual(compiled?.retention.periodsSeconds, [.auditLogs: 7 * 31_536_000, .prompts: 30 * 86_400])
        XCTAssertEqual(compiled?.retention.erasureWithinSeconds, 72 * 3_600)
        let unknown = TestSupport.compile(TestSupport.prelude + "retention { prompt 30d }")
        XCTAssertEqual(unknown.diagnostics.first?.help, "did you mean `prompts`?")
    }

    func testPlaceholdersOverrideDefaultsAndNamePatternLists() {
        let compiled = policy("""
            patterns patient_names { "jane roe" }
            placeholders { pii.email "[MAIL]" patient_names "[PATIENT_NAME]" }
            """)
        XCTAssertEqual(compiled?.placeholders["pii.email"], "[MAIL]")
        XCTAssertEqual(compiled?.placeholders["pii.ssn"], "[SSN]", "defaults remain")
        XCTAssertEqual(compiled?.placeholders["patient_names"], "[PATIENT_NAME]")
    }

    func testInternalDomainsAreNormalised() {
        let compiled = policy("internal_domains \"ACME.internal\", \".corp.example\"")
        XCTAssertEqual(compiled?.internalDomains.suffix(2), [".acme.internal", ".corp.example"])
        XCTAssertEqual(compiled?.internalDomains.prefix(6).map { $0 }, Vocabulary.defaultInternalDomains)
        let bad = TestSupport.compile(TestSupport.prelude + "internal_domains \"http://x\"")
        XCTAssertEqual(TestSupport.codes(bad), ["P2203"])
    }

    func testChannelsAndCustomActions() {
        let compiled = policy("""
            channel soc "https://hooks.example/soc"
            actions quarantine_session
            alert a { when prompt has injection severity critical then quarantine_session, notify(soc), notify_user }
            """)
        XCTAssertEqual(compiled?.channels.map(\.target), ["https://hooks.example/soc"])
        XCTAssertEqual(compiled?.customActions, ["quarantine_session"])
        XCTAssertEqual(compiled?.alerts.first?.actions, ["quarantine_session", "notify_soc", "notify_user"])
        let builtin = TestSupport.compile(TestSupport.prelude + "actions block_request")
        XCTAssertEqual(TestSupport.codes(builtin), ["P2101"])
    }

    func testDeclaredIncidentTypesGetPlaybooks() {
        let compiled = policy("""
            incidents credential_leak
            playbook credential_leak { when response has secret severity critical then revoke_all_tokens, block_request }
            rule r { when prompt has secret.aws_access_key incident credential_leak }
            """)
        XCTAssertEqual(compiled?.incidentTypes, ["data_exfiltration", "prompt_injection", "unusual_access", "credential_leak"])
        XCTAssertEqual(compiled?.playbooks.first?.reason, .rule, "a declared incident type is not a reason code")
        XCTAssertEqual(compiled?.playbooks.first?.blocks, true)
        XCTAssertEqual(compiled?.rules.first?.incidents, ["credential_leak"])
    }
}
