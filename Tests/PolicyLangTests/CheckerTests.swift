@testable import PolicyLang
import PolicyRuntime
import XCTest

final class CheckerTests: XCTestCase {
    private let prelude = TestSupport.prelude

    private func compile(_ body: String) -> Compiler.Result {
        TestSupport.compile(prelude + body)
    }

    private func policy(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> CompiledPolicy? {
        let result = compile(body)
        XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], file: file, line: line)
        return result.policy
    }

    private func rule(_ condition: String, file: StaticString = #filePath, line: UInt = #line) -> Condition? {
        policy("role r { models \"claude-3-haiku\", \"opus\" }\nrule x {\n  when \(condition)\n  deny \"no\"\n}", file: file, line: line)?
            .rules.first?.condition
    }

    func testInheritanceIsFlattened() {
        let compiled = policy("""
            role base { models "claude-3-haiku" features ask_mode max_context 20k audit detailed block "secret_project" }
            role senior extends base { models "opus" features agent_mode max_context 100k requires_approval deployment_commands }
            """)
        let senior = compiled?.roles.first { $0.name == "senior" }
        XCTAssertEqual(senior?.inherits, ["base"])
        XCTAssertEqual(senior?.models, ["claude-3-haiku", "claude-3-opus"], "aliases resolve to canonical ids; grants accumulate")
        XCTAssertEqual(senior?.features, ["ask_mode", "agent_mode"])
        XCTAssertEqual(senior?.maxContextTokens, 100_000, "a role's own limit overrides the inherited one")
        XCTAssertEqual(senior?.auditLevel, .detailed, "unset settings are inherited")
        XCTAssertEqual(senior?.requiresApproval, ["deployment_commands"])
        XCTAssertEqual(senior?.blockedPatterns.map(\.text), ["secret_project"])
    }

    func testInheritanceCycleIsReportedOnce() {
        let result = compile("role a extends b { models \"opus\" }\nrole b extends a { models \"opus\" }")
        XCTAssertEqual(TestSupport.codes(result), ["P2301"])
        XCTAssertEqual(result.diagnostics.first?.message, "role inheritance cycle: a → b → a")
    }

    func testPricesAreExactMicroDollarsPerMillionTokens() {
        let compiled = policy("""
            model "haiku" { price input $0.00025 per 1k, output $0.00125 per 1k }
            model "sub" { price monthly $20, includes 500 requests }
            model "per-million" { price input $3 per 1M }
            """)
        let models = Dictionary(uniqueKeysWithValues: (compiled?.models ?? []).map { ($0.id, $0) })
        XCTAssertEqual(models["claude-3-opus"]?.price?.inputMicrosPerMillionTokens, 15_000_000)
        XCTAssertEqual(models["claude-3-opus"]?.price?.outputMicrosPerMillionTokens, 75_000_000)
        XCTAssertEqual(models["haiku"]?.price?.inputMicrosPerMillionTokens, 250_000)
        XCTAssertEqual(models["sub"]?.price?.monthlyMicros, 20_000_000)
        XCTAssertEqual(models["sub"]?.price?.includedRequests, 500)
        XCTAssertEqual(models["per-million"]?.price?.inputMicrosPerMillionTokens, 3_000_000)
    }

    func testConditionsLowerToResolvedForms() {
        XCTAssertEqual(rule("request.context_tokens > 50k"),
                       .compare(field: "request.context_tokens", op: .gt, value: .integer(50_000)))
        XCTAssertEqual(rule("50k < request.context_tokens"),
                       .compare(field: "request.context_tokens", op: .gt, value: .integer(50_000)), "mirrored comparison")
        XCTAssertEqual(rule("request.model == \"opus\""),
                       .compare(field: "request.model", op: .eq, value: .string("claude-3-opus")))
        XCTAssertEqual(rule("request.cost >= $1.50"), .compare(field: "request.cost", op: .ge, value: .integer(1_500_000)))
        XCTAssertEqual(rule("user.role == r and request.feature in [ask_mode, agent_mode]"),
                       .all([.compare(field: "user.role", op: .eq, value: .string("r")),
                             .oneOf(field: "request.feature", values: [.string("ask_mode"), .string("agent_mode")])]))
        XCTAssertEqual(rule("deployment_commands in request.operations"),
                       .includes(field: "request.operations", value: "deployment_commands"))
        XCTAssertEqual(rule("prompt contains \"Production\""), .textContains(field: "prompt", text: "Production", wholeWord: false))
        XCTAssertEqual(rule("response has at least 5 pii"),
                       .has(field: "response", detectors: DetectorCatalog.detectors(inCategory: "pii"), patterns: [], minCount: 5))
        XCTAssertEqual(rule("budget.exceeded"), .isTrue(field: "budget.exceeded"))
        XCTAssertEqual(rule("not request.feature == ask_mode"),
                       .not(.compare(field: "request.feature", op: .eq, value: .string("ask_mode"))))
    }

    func testAndOrChainsAreFlattened() {
        let condition = rule("request.hour < 6 or request.hour > 22 or request.files_accessed.count > 100")
        guard case .any(let parts) = condition else { return XCTFail("expected any") }
        XCTAssertEqual(parts.count, 3)
    }

    func testStageFollowsTheFieldsRead() {
        let compiled = policy("""
            rule a { when prompt has secret deny "a" }
            rule b { when request.action == completion and response has secret deny "b" }
            """)
        XCTAssertEqual(compiled?.rules.map(\.stage), [.request, .response])
    }

    func testReasonDefaultsAndOverrides() {
        let compiled = policy("""
            rule a { when prompt has pii deny "a" }
            rule b { when request.context_tokens > 10k require_approval "b" }
            rule c { when prompt has secret deny "c" reason sensitive_data }
            """)
        XCTAssertEqual(compiled?.rules.map(\.reason), [.rule, .approvalRequired, .sensitiveData])
        XCTAssertEqual(compiled?.rules.map(\.effect), [.deny, .requireApproval, .deny])
    }

    func testActionsUseTheGuidesSpellingAndBlockingIsDerived() {
        let compiled = policy("""
            channel security_team "mailto:sec@example.com"
            alert a { when prompt has pii severity high then block_request, notify(security_team), notify_manager, create_incident }
            alert b { when budget.exceeded severity medium then notify_user, throttle_requests }
            playbook prompt_injection { when prompt has injection severity high then block_request, log_full_context }
            playbook unusual_access { severity medium then require_mfa }
            """)
        XCTAssertEqual(compiled?.alerts.first?.actions, ["block_request", "notify_security_team", "notify_manager", "create_incident"])
        XCTAssertEqual(compiled?.alerts.map(\.blocks), [true, false])
        XCTAssertEqual(compiled?.playbooks.map(\.reason), [.promptInjection, .rule])
        XCTAssertEqual(compiled?.playbooks.last?.trigger, .constant(false), "a playbook without `when` only starts from rules and alerts")
    }

    func testCreateIncidentNeedsAPlaybook() {
        let result = compile("alert a { when prompt has pii severity high then create_incident(data_exfiltration) }")
        XCTAssertEqual(TestSupport.codes(result), ["P2007"])
    }

    func testUnitErrorsNameBothSides() {
        let result = compile("role r { models \"opus\" max_context 5m }")
        XCTAssertEqual(TestSupport.codes(result), ["P2202"])
        XCTAssertEqual(result.diagnostics.first?.help, "`m` means minutes; write millions as `M`, e.g. `5M`")
    }

    func testEveryErrorIsFoundInOneRun() {
        let result = compile("""
            role a { models "gpt-5" features ask_mod requires_approval deploy audit loud }
            rule r { when request.context_tokens > $5 deny "x" controls "SOC2 X" }
            alert al { when prompt has pi severity severe then page_everyone }
            """)
        XCTAssertEqual(Set(TestSupport.codes(result)), ["P2004", "P2002", "P2003", "P2013", "P2202", "P2011", "P2005", "P2006"])
        XCTAssertNil(result.policy, "no document is produced when there are errors")
    }

    func testImportsMergeAndDuplicatesAcrossFilesAreReported() {
        let result = TestSupport.compile(
            "policy \"root\" version 1\nimport \"lib/vocab.pol\"\nrole r { models \"m\" features f }\nfeatures f",
            imports: ["lib/vocab.pol": "policy \"lib\" version 1\nmodel \"m\" { context 1k }\nfeatures f"])
        XCTAssertEqual(TestSupport.codes(result), ["P2101"])
        XCTAssertEqual(result.diagnostics.first?.help, "first declared at lib/vocab.pol:3:10")
    }

    func testDiamondImportsLoadOnce() {
        let result = TestSupport.compile(
            "policy \"root\" version 1\nimport \"a.pol\"\nimport \"b.pol\"\nrole r { models \"m\" }",
            imports: ["a.pol": "import \"common.pol\"", "b.pol": "import \"./common.pol\"", "common.pol": "model \"m\" { context 1k }"])
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.policy?.sources, ["main.pol", "common.pol", "a.pol", "b.pol"])
    }

    func testImportCycleShowsTheChain() {
        let result = TestSupport.compile("policy \"root\" version 1\nimport \"a.pol\"",
                                         imports: ["a.pol": "import \"b.pol\"", "b.pol": "import \"a.pol\""])
        XCTAssertEqual(result.diagnostics.map(\.message), ["import cycle: a.pol → b.pol → a.pol"])
    }

    func testRootWithoutHeader() {
        let result = TestSupport.compile("features a")
        XCTAssertEqual(TestSupport.codes(result), ["P1201"])
    }

    func testControlsMapToWhatImplementsThem() {
        let compiled = policy("""
            control "SOC2 CC6.1" "Logical access"
            rule a { when prompt has pii deny "a" controls "SOC2 CC6.1" }
            alert b { when prompt has secret severity low then block_request controls "SOC2 CC6.1" }
            """)
        XCTAssertEqual(compiled?.controls.first?.implementedBy, ["rule:a", "alert:b"])
    }

    func testAnalysisWarningsDoNotFailCompilation() {
        let result = compile("""
            role r { models "opus" }
            rule a { when prompt has pii deny "a" }
            rule b { when prompt has pii and request.hour > 3 deny "b" }
            """)
        XCTAssertEqual(TestSupport.codes(result), ["P3003"])
        XCTAssertNotNil(result.policy)
    }

    func testShadowingNeedsAnEqualOrStrongerEarlierEffect() {
        let result = compile("""
            role r { models "opus" }
            rule a { when prompt has pii require_approval "a" }
            rule b { when prompt has pii and request.hour > 3 deny "b" }
            """)
        XCTAssertEqual(TestSupport.codes(result), [], "a later deny is not shadowed by an earlier approval")
    }

    func testRuleAnalysisFindsContradictions() {
        XCTAssertNotNil(RuleAnalysis.unsatisfiable(.all([
            .compare(field: "user.role", op: .eq, value: .string("a")),
            .compare(field: "user.role", op: .eq, value: .string("b")),
        ])))
        XCTAssertNotNil(RuleAnalysis.unsatisfiable(.all([
            .oneOf(field: "request.feature", values: [.string("x")]),
            .not(.oneOf(field: "request.feature", values: [.string("x")])),
        ])))
        XCTAssertNil(RuleAnalysis.unsatisfiable(.all([
            .compare(field: "request.hour", op: .ge, value: .integer(6)),
            .compare(field: "request.hour", op: .le, value: .integer(6)),
        ])), "equal bounds leave one value")
    }

    func testCompiledOutputIsDeterministic() throws {
        let text = prelude + "role r { models \"opus\" }\nrule a { when prompt has pii deny \"a\" }"
        let first = try XCTUnwrap(TestSupport.compile(text).policy).canonicalJSON()
        let second = try XCTUnwrap(TestSupport.compile(text).policy).canonicalJSON()
        XCTAssertEqual(first, second)
    }

    /// A condition of thousands of terms joined by `and`/`or` parses one level per term; it is
    /// checked in a loop, not by recursion, so it compiles instead of overflowing the stack; and a
    /// long `extends` chain is flattened without a scan per step.
    func testLongConditionChainsAndInheritanceChainsCompile() {
        let chain = (0..<20_000).map { _ in "request.context_tokens > 1" }.joined(separator: " and ")
        let mixed = (0..<3_000).map { _ in "prompt has pii and request.context_tokens > 1" }.joined(separator: " or ")
        let roles = (1..<1_500).map { "role r\($0) extends r\($0 - 1) { features ask_mode }" }.joined(separator: "\n")
        let result = TestSupport.compile(TestSupport.prelude + """
            rule long { when \(chain)  deny "x" }
            rule wide { when \(mixed)  deny "y" }
            role r0 { models "claude-3-haiku" }
            \(roles)

            """)
        XCTAssertEqual(result.errorCount, 0, result.diagnostics.prefix(3).map(\.message).joined(separator: "; "))
        XCTAssertEqual(result.policy?.roles.last?.inherits.count, 1_499)
    }
}
