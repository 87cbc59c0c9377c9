import PolicyRuntime

/// `policyc lint`: the guide's security checklist as checks over a compiled policy. Each finding
/// is a warning whose code stands for one checklist item (P4001 Access Controls … P4008 Cost
/// Controls), located at the declaration concerned, with a `help:` line saying what to do.
///
/// Data protection is checked by deciding probe requests with the runtime itself: for every role
/// and every model it may use, a request carrying personal data, a secret or an internal address
/// must be denied or have that text redacted — compared with the same request carrying harmless
/// text, so a role that cannot reach the model at all is not blamed.
public enum Linter {
    /// The checklist items the linter checks; Training and Review Process are about people and
    /// are out of a policy's reach.
    public static let checklist: [(code: DiagnosticCode, item: String)] = [
        (.lintAccessControls, "Access Controls"), (.lintDataClassification, "Data Classification"),
        (.lintAuditLogging, "Audit Logging"), (.lintEncryption, "Encryption"), (.lintMonitoring, "Monitoring"),
        (.lintIncidentResponse, "Incident Response"), (.lintCompliance, "Compliance"), (.lintCostControls, "Cost Controls"),
    ]

    /// Sensitive samples the probes send, by what they stand for.
    static let probes: [(what: String, text: String)] = [
        ("personal data", "contact jane.doe@example.com about it"),
        ("secrets", "use the key AKIAZ3MNQR7TVWXY4P2L"),
        ("internal addresses", "see http://build.corp/status and 10.1.2.3"),
    ]

    /// Lints a policy that compiled without errors.
    public static func lint(_ result: Compiler.Result) -> [Diagnostic] {
        guard let policy = result.policy, let root = result.syntax.first(where: { $0.file.path == result.files.first?.path }) else {
            return []
        }
        var linter = Pass(policy: policy, syntax: result.syntax, root: root)
        linter.run()
        return linter.findings.sorted { ($0.file.path, $0.span.start) < ($1.file.path, $1.span.start) }
    }

    private struct Pass {
        let policy: CompiledPolicy
        let syntax: [PolicyFileSyntax]
        let root: PolicyFileSyntax
        var findings: [Diagnostic] = []

        mutating func run() {
            checkAccessControls()
            checkDataProtection()
            checkPatterns()
            checkAuditAndEncryption()
            checkMonitoring()
            checkIncidentResponse()
            checkCompliance()
            checkCostControls()
        }

        // MARK: Locations

        /// Where a named declaration is: its file and the span of its name.
        func location(of kind: String, _ name: String) -> (SourceFile, Span) {
            for file in syntax {
                for declaration in file.declarations {
                    switch declaration {
                    case .role(let role) where kind == "role" && role.name.text == name: return (file.file, role.name.span)
                    case .rule(let rule) where kind == "rule" && rule.name.text == name: return (file.file, rule.name.span)
                    case .alert(let alert) where kind == "alert" && alert.name.text == name: return (file.file, alert.name.span)
                    case .playbook(let playbook) where kind == "playbook" && playbook.incident.text == name:
                        return (file.file, playbook.incident.span)
                    case .patterns(let list) where kind == "patterns" && list.name.text == name: return (file.file, list.name.span)
                    case .audit(let audit) where kind == "audit": return (file.file, audit.span)
                    default: continue
                    }
                }
            }
            return (root.file, root.header?.span ?? .at(0))
        }

        mutating func report(_ code: DiagnosticCode, _ message: String, at location: (SourceFile, Span), help: String) {
            let item = Linter.checklist.first { $0.code == code }?.item ?? ""
            findings.append(Diagnostic(.warning, code, "\(item): \(message)", file: location.0, span: location.1, help: help))
        }

        // MARK: Checks

        /// Roles with identical grants: usually one was copied and not edited.
        mutating func checkAccessControls() {
            var seen: [String: String] = [:]
            for role in policy.roles {
                let grants = [role.models.sorted().joined(separator: ","), role.features.sorted().joined(separator: ","),
                              role.maxContextTokens.map(String.init) ?? "-", role.auditLevel?.rawValue ?? "-",
                              role.requiresApproval.sorted().joined(separator: ","),
                              role.blockedPatterns.map { $0.text.lowercased() }.sorted().joined(separator: ",")].joined(separator: "|")
                if let first = seen[grants] {
                    report(.lintAccessControls, "role `\(role.name)` grants exactly what role `\(first)` grants",
                           at: location(of: "role", role.name),
                           help: "if that is intended, write `role \(role.name) extends \(first) {}` so the two cannot drift apart; otherwise give it its own grants")
                } else {
                    seen[grants] = role.name
                }
            }
        }

        /// Every role × model × model-bound field: sensitive text is denied or redacted; and every
        /// rule or alert that reads some model-bound fields reads all of them.
        mutating func checkDataProtection() {
            checkModelBoundFieldsRead()
            guard let plan = try? Plan(policy) else { return }
            for role in policy.roles {
                var leaks: [String: [(model: String, field: RequestField)]] = [:]
                for model in role.models {
                    func request(_ text: String, in field: RequestField) -> Request {
                        var request = Request()
                        request.userID = "lint"
                        request.sessionID = "lint"
                        request.role = role.name
                        request.model = model
                        request.feature = role.features.first
                        request.contextTokens = 0
                        switch field {
                        case .system: request.system = [Array(text.utf8)]
                        case .messages: request.messages = [MessagePart(message: 0, role: "user", text: Array(text.utf8))]
                        default: request.prompt = Array(text.utf8)
                        }
                        return request
                    }
                    // A role that cannot reach the model with a harmless prompt leaks nothing to it.
                    guard plan.evaluate(request("hello", in: .prompt)).outcome != .deny else { continue }
                    for probe in Linter.probes {
                        for field in RequestField.modelBound {
                            let decision = plan.evaluate(request(probe.text, in: field))
                            // Redaction rewrites the prompt only.
                            let redacted = field == .prompt && (decision.redactedPrompt.map { $0 != probe.text } ?? false)
                            if decision.outcome != .deny, !redacted { leaks[probe.what, default: []].append((model, field)) }
                        }
                    }
                }
                for probe in Linter.probes {
                    guard let found = leaks[probe.what] else { continue }
                    var models: [String] = []
                    var fields: [String] = []
                    for leak in found {
                        if !models.contains(leak.model) { models.append(leak.model) }
                        if !fields.contains(leak.field.path) { fields.append(leak.field.path) }
                    }
                    report(.lintDataClassification,
                           "role `\(role.name)` can send \(probe.what) to \(models.map { "`\($0)`" }.joined(separator: ", ")) in "
                            + fields.map { "`\($0)`" }.joined(separator: ", "),
                           at: location(of: "role", role.name),
                           help: "add a rule such as `rule no_sensitive_data { when prompt has pii, secret, network or system has pii, secret, network or messages has pii, secret, network deny \"…\" }` (or import one), so no role reaches a model without it")
                }
            }
        }

        /// A content test (`has pii`, `contains "x"`) made on the prompt but not on the messages
        /// (or any such split), by no rule or alert of the policy, checks part of what the model
        /// reads: the rest goes through unchecked. Tests are compared by what they look for, so a
        /// redaction rule on the prompt and a denial of the same content in the messages together
        /// cover it.
        private mutating func checkModelBoundFieldsRead() {
            struct Test {
                let content: String
                let field: String
                let kind: String
                let name: String
            }
            var tests: [Test] = []
            func collect(_ condition: Condition, _ kind: String, _ name: String) {
                switch condition {
                case .constant: break
                case .all(let parts), .any(let parts): parts.forEach { collect($0, kind, name) }
                case .not(let inner): collect(inner, kind, name)
                case .textContains(let field, let text, let wholeWord):
                    tests.append(Test(content: "contains \(wholeWord ? "word " : "")\(text)", field: field, kind: kind, name: name))
                case .has(let field, let detectors, let patterns, let minCount):
                    tests.append(Test(content: "has \(minCount) \(detectors.sorted()) \(patterns.sorted())", field: field, kind: kind,
                                      name: name))
                default: break
                }
            }
            for rule in policy.rules { collect(rule.condition, "rule", rule.id) }
            for alert in policy.alerts { collect(alert.condition, "alert", alert.name) }
            let bound = RequestField.modelBound.map(\.path)
            var reported: Set<String> = []
            for test in tests where bound.contains(test.field) {
                let read = Set(tests.filter { $0.content == test.content }.map(\.field))
                let missing = bound.filter { !read.contains($0) }
                guard !missing.isEmpty, reported.insert(test.kind + " " + test.name).inserted else { continue }
                report(.lintDataClassification,
                       "\(test.kind) `\(test.name)` tests \(bound.filter(read.contains).map { "`\($0)`" }.joined(separator: ", ")) but no "
                        + "rule or alert tests the same in " + missing.map { "`\($0)`" }.joined(separator: ", ")
                        + ": text there reaches the model unchecked",
                       at: location(of: test.kind, test.name),
                       help: "test the same content in every text the model reads: `prompt has X or system has X or messages has X`")
            }
        }

        /// Blocked patterns and lists: duplicates in another case, patterns made redundant by a
        /// shorter one, and lists nothing uses.
        mutating func checkPatterns() {
            for role in policy.roles {
                findRedundant(role.blockedPatterns.map { ($0.text, $0.wholeWord, $0.regex != nil) }, "role `\(role.name)`",
                          location(of: "role", role.name))
            }
            for list in policy.patterns {
                findRedundant(list.terms.map { ($0, list.wholeWord, false) }, "pattern list `\(list.name)`", location(of: "patterns", list.name))
            }
            var used = Set(policy.roles.flatMap { $0.blockedPatterns.compactMap(\.list) })
            func collect(_ condition: Condition) {
                switch condition {
                case .all(let parts), .any(let parts): parts.forEach(collect)
                case .not(let inner): collect(inner)
                case .has(_, _, let patterns, _): used.formUnion(patterns)
                default: break
                }
            }
            for rule in policy.rules {
                collect(rule.condition)
                used.formUnion(rule.redact)
            }
            for alert in policy.alerts { collect(alert.condition) }
            for playbook in policy.playbooks { collect(playbook.trigger) }
            used.formUnion(policy.audit.redact)
            for list in policy.patterns where !used.contains(list.name) {
                report(.lintDataClassification, "pattern list `\(list.name)` is never used", at: location(of: "patterns", list.name),
                       help: "block it in a role (`block \(list.name)`) or test it in a rule (`when prompt has \(list.name)`), or remove it")
            }
        }

        private mutating func findRedundant(_ patterns: [(text: String, wholeWord: Bool, regex: Bool)], _ owner: String,
                                            _ at: (SourceFile, Span)) {
            let folded = patterns.map { (text: $0.text.lowercased(), wholeWord: $0.wholeWord, original: $0.text, regex: $0.regex) }
            for (index, pattern) in folded.enumerated() {
                // Text is matched in its normalized view, which has no invisible characters.
                if !pattern.regex, TextNormalizer.normalizePattern(Array(pattern.original.utf8)).isEmpty {
                    report(.lintDataClassification, "\(owner): \"\(pattern.original)\" is only invisible characters and can never match",
                           at: at, help: "the text is matched without zero-width and other invisible characters; write visible text")
                }
                if let twin = folded[..<index].first(where: { $0.text == pattern.text && $0.original != pattern.original && $0.regex == pattern.regex }) {
                    report(.lintDataClassification, "\(owner) lists \"\(pattern.original)\" and \"\(twin.original)\", which match the same text",
                           at: at, help: "patterns match without regard to case; keep one")
                    continue
                }
                // A pattern containing a shorter one (matched anywhere) can never change a decision.
                if !pattern.regex,
                   let shorter = folded.first(where: { !$0.wholeWord && !$0.regex && $0.text != pattern.text && pattern.text.contains($0.text) }) {
                    report(.lintDataClassification,
                           "\(owner): \"\(pattern.original)\" can never change a decision, since every text containing it contains \"\(shorter.original)\"",
                           at: at, help: "remove \"\(pattern.original)\", or make \"\(shorter.original)\" more specific")
                }
            }
        }

        mutating func checkAuditAndEncryption() {
            let audit = policy.audit
            let hasAuditBlock = syntax.contains { $0.declarations.contains { if case .audit = $0 { return true } else { return false } } }
            if !hasAuditBlock {
                for role in policy.roles where role.auditLevel == nil {
                    report(.lintAuditLogging, "role `\(role.name)` has no audit level and the policy sets no default",
                           at: location(of: "role", role.name),
                           help: "add `audit standard` (or detailed, comprehensive) to the role, or `audit { default_level standard }`")
                }
            }
            for (what, setting) in [("prompts", audit.logPrompts), ("responses", audit.logResponses)] where setting == .full {
                report(.lintAuditLogging, "\(what) are logged without redaction", at: location(of: "audit", ""),
                       help: "write `log_\(what) redacted` so the audit log never holds the secrets and personal data it records")
            }
            if audit.failOpen {
                report(.lintAuditLogging, "decisions are given even when their audit record cannot be written", at: location(of: "audit", ""),
                       help: "remove `fail_open true` from the audit block, so that such a decision is denied with `audit_unavailable`")
            }
            if !audit.encrypt {
                report(.lintEncryption, "audit records are not encrypted at rest", at: location(of: "audit", ""),
                       help: "add `audit { encrypt true }`")
            }
        }

        mutating func checkMonitoring() {
            if policy.alerts.isEmpty {
                report(.lintMonitoring, "the policy declares no alerts", at: (root.file, root.header?.span ?? .at(0)),
                       help: "declare alerts such as `alert sensitive_data_in_prompt { when prompt has pii severity high then … }`")
            } else if policy.audit.highRiskAlert == nil {
                report(.lintMonitoring, "no alert is raised for high-risk requests", at: location(of: "audit", ""),
                       help: "set `audit { high_risk_threshold 70% high_risk_alert NAME }`")
            }
        }

        mutating func checkIncidentResponse() {
            let handled = Set(policy.playbooks.map(\.incident))
            guard !handled.isEmpty else {
                report(.lintIncidentResponse, "no incident playbooks are declared", at: (root.file, root.header?.span ?? .at(0)),
                       help: "add playbooks for \(policy.incidentTypes.joined(separator: ", ")) (or import examples/incident-response.pol)")
                return
            }
            for incident in policy.incidentTypes where !handled.contains(incident) {
                report(.lintIncidentResponse, "incident type `\(incident)` has no playbook", at: (root.file, root.header?.span ?? .at(0)),
                       help: "add `playbook \(incident) { when … severity … then … }` (or import one)")
            }
        }

        mutating func checkCompliance() {
            if policy.retention.periodsSeconds.isEmpty {
                report(.lintCompliance, "no retention periods are set", at: (root.file, root.header?.span ?? .at(0)),
                       help: "add `retention { audit_logs 1y prompts 30d … }` so records are kept no longer than necessary")
            }
            guard !policy.controls.isEmpty else { return }
            for rule in policy.rules where rule.controls.isEmpty {
                report(.lintCompliance, "rule `\(rule.id)` is not mapped to a control", at: location(of: "rule", rule.id),
                       help: "add `controls \"…\"` naming the requirement it implements")
            }
            for alert in policy.alerts where alert.controls.isEmpty {
                report(.lintCompliance, "alert `\(alert.name)` is not mapped to a control", at: location(of: "alert", alert.name),
                       help: "add `controls \"…\"` naming the requirement it implements")
            }
            for playbook in policy.playbooks where playbook.controls.isEmpty {
                report(.lintCompliance, "playbook `\(playbook.incident)` is not mapped to a control",
                       at: location(of: "playbook", playbook.incident), help: "add `controls \"…\"` naming the requirement it implements")
            }
        }

        mutating func checkCostControls() {
            let at = (root.file, root.header?.span ?? Span.at(0))
            guard !policy.budgets.isEmpty else {
                report(.lintCostControls, "no budget is declared", at: at,
                       help: "add `budget NAME { scope user period monthly limit $100 warn_at 80% }` so spending is tracked and capped")
                return
            }
            // Budgets are watched by an alert they raise themselves, or one whose condition reads them.
            let readsBudget = policy.alerts.contains { $0.condition.fields.contains { $0.hasPrefix("budget.") } }
            if !readsBudget, policy.budgets.allSatisfy(\.alerts.isEmpty) {
                report(.lintCostControls, "no alert watches the budgets", at: at,
                       help: "add `alert excessive_ai_usage` to a budget: it is raised once per period at each `warn_at` threshold and when the limit first refuses a request")
            }
            for budget in policy.budgets where !budget.warnAtPercent.isEmpty && budget.alerts.isEmpty {
                report(.lintCostControls, "budget `\(budget.name)` has warning thresholds but raises no alert", at: at,
                       help: "add `alert NAME` to the budget: it is raised once per period when use crosses each threshold")
            }
            // Teams a condition singles out should have a budget of their own.
            let budgeted = Set(policy.budgets.filter { $0.scope == .team }.compactMap(\.member))
            var teams = Set<String>()
            func teamsIn(_ condition: Condition) {
                switch condition {
                case .all(let parts), .any(let parts): parts.forEach(teamsIn)
                case .not(let inner): teamsIn(inner)
                case .compare("user.team", _, .string(let team)): teams.insert(team)
                case .oneOf("user.team", let values):
                    for case .string(let team) in values { teams.insert(team) }
                default: break
                }
            }
            policy.rules.forEach { teamsIn($0.condition) }
            policy.alerts.forEach { teamsIn($0.condition) }
            let teamWide = policy.budgets.contains { $0.scope == .team && $0.member == nil }
            for team in teams.sorted() where !budgeted.contains(team) && !teamWide {
                report(.lintCostControls, "team \"\(team)\" is named in conditions but has no budget", at: at,
                       help: "add `budget \(team)_monthly { scope team \"\(team)\" period monthly limit $… }`")
            }
        }
    }
}
