import Foundation
import PolicyLang
import XCTest

/// `policyc lint`: each checklist item's finding, with its location and help, and a clean policy.
final class LintTests: XCTestCase {
    /// A policy every check passes: the base the cases below break one item at a time.
    private let clean = """
        policy "clean" version 1
        model "claude-3-haiku" { provider anthropic }
        features ask_mode
        control "SOC2 CC6.1" "access"
        role dev { models "claude-3-haiku" features ask_mode audit standard block "prod" }
        rule protect { when prompt has pii, secret, network or system has pii, secret, network or messages has pii, secret, network deny "no" controls "SOC2 CC6.1" }
        alert overspend { when budget.exceeded severity medium then notify_user controls "SOC2 CC6.1" }
        playbook data_exfiltration { when response has secret severity critical then block_user_immediately controls "SOC2 CC6.1" }
        playbook prompt_injection { when prompt has injection or system has injection or messages has injection severity high then block_request controls "SOC2 CC6.1" }
        playbook unusual_access { when request.hour < 6 severity medium then notify_manager controls "SOC2 CC6.1" }
        audit { encrypt true high_risk_threshold 70% high_risk_alert overspend }
        retention { audit_logs 1y }
        budget monthly { scope user period monthly limit $100 }

        """

    private func lint(_ source: String) -> [String] {
        let result = TestSupport.compile(source)
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        return Linter.lint(result).map { "\($0.code.rawValue) \($0.message)" }
    }

    func testACleanPolicyHasNoFindings() {
        XCTAssertEqual(lint(clean), [])
    }

    func testEachChecklistItem() {
        let cases: [(String, String, String)] = [
            ("budget monthly {", "role twin { models \"claude-3-haiku\" features ask_mode audit standard block \"PROD\" }\nbudget monthly {",
             "P4001 Access Controls: role `twin` grants exactly what role `dev` grants"),
            ("or system has pii, secret, network or messages has pii, secret, network deny", "or system has pii or messages has pii deny",
             "P4002 Data Classification: role `dev` can send secrets to `claude-3-haiku` in `system`, `messages`\n"
                + "P4002 Data Classification: role `dev` can send internal addresses to `claude-3-haiku` in `system`, `messages`\n"
                + "P4002 Data Classification: rule `protect` tests `prompt` but no rule or alert tests the same in `system`, `messages`: "
                + "text there reaches the model unchecked"),
            // A check on the prompt alone lets the same content through in the rest of the conversation.
            (" or system has pii, secret, network or messages has pii, secret, network deny", " deny",
             "P4002 Data Classification: role `dev` can send personal data to `claude-3-haiku` in `system`, `messages`\n"
                + "P4002 Data Classification: role `dev` can send secrets to `claude-3-haiku` in `system`, `messages`\n"
                + "P4002 Data Classification: role `dev` can send internal addresses to `claude-3-haiku` in `system`, `messages`\n"
                + "P4002 Data Classification: rule `protect` tests `prompt` but no rule or alert tests the same in `system`, `messages`: "
                + "text there reaches the model unchecked"),
            ("block \"prod\"", "block \"prod\", \"production\"",
             "P4002 Data Classification: role `dev`: \"production\" can never change a decision, since every text containing it contains \"prod\""),
            ("block \"prod\"", "block \"prod\", \"PROD\"",
             "P4002 Data Classification: role `dev` lists \"PROD\" and \"prod\", which match the same text"),
            ("block \"prod\"", "block \"prod\", \"\\u{200B}\"",
             "P4002 Data Classification: role `dev`: \"\u{200B}\" is only invisible characters and can never match"),
            ("block \"prod\"", "block \"prod\", /prod-[0-9]+/", ""),
            ("control \"SOC2 CC6.1\" \"access\"", "control \"SOC2 CC6.1\" \"access\"\npatterns unused { \"x\" }",
             "P4002 Data Classification: pattern list `unused` is never used"),
            ("audit { encrypt true", "audit { log_prompts full encrypt true",
             "P4003 Audit Logging: prompts are logged without redaction"),
            ("encrypt true", "encrypt false", "P4004 Encryption: audit records are not encrypted at rest"),
            ("audit { encrypt true", "audit { fail_open true encrypt true",
             "P4003 Audit Logging: decisions are given even when their audit record cannot be written"),
            (" high_risk_threshold 70% high_risk_alert overspend", "",
             "P4005 Monitoring: no alert is raised for high-risk requests"),
            ("playbook unusual_access { when request.hour < 6 severity medium then notify_manager controls \"SOC2 CC6.1\" }", "",
             "P4006 Incident Response: incident type `unusual_access` has no playbook"),
            ("retention { audit_logs 1y }", "", "P4007 Compliance: no retention periods are set"),
            ("deny \"no\" controls \"SOC2 CC6.1\"", "deny \"no\"", "P4007 Compliance: rule `protect` is not mapped to a control"),
            ("budget monthly { scope user period monthly limit $100 }", "", "P4008 Cost Controls: no budget is declared"),
            ("when budget.exceeded", "when request.tokens_in > 1M", "P4008 Cost Controls: no alert watches the budgets"),
            ("rule protect {", "rule platform_only { when user.team == \"platform\" and request.tokens_in > 1M deny \"big\" controls \"SOC2 CC6.1\" }\nrule protect {",
             "P4008 Cost Controls: team \"platform\" is named in conditions but has no budget"),
        ]
        for (original, replacement, expected) in cases {
            XCTAssertTrue(clean.contains(original), original)
            XCTAssertEqual(clean.components(separatedBy: original).count, 2, "`\(original)` occurs once")
            let source = clean.replacingOccurrences(of: original, with: replacement)
            XCTAssertEqual(lint(source), expected.isEmpty ? [] : expected.components(separatedBy: "\n"), expected)
        }
    }

    func testFindingsPointAtTheDeclarationWithHelp() throws {
        let source = clean.replacingOccurrences(of: "block \"prod\"", with: "block \"prod\", \"production\"")
        let finding = try XCTUnwrap(Linter.lint(TestSupport.compile(source)).first)
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.file.text(of: finding.span), "dev")
        XCTAssertEqual(finding.help, "remove \"production\", or make \"prod\" more specific")
    }

    func testEveryLintCodeIsACheckListItem() {
        let lintCodes = DiagnosticCode.allCases.filter { $0.rawValue.hasPrefix("P4") }
        XCTAssertEqual(Linter.checklist.map(\.code), lintCodes)
    }
}
