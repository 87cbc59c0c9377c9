/// `--explain`: for one request, the role check and every rule, alert and playbook, whether it
/// matched, and the value of each part of its condition — read from the evaluation's own trace.
extension Plan {
    /// One evaluated check and why it matched or not.
    public struct Explanation: Sendable, Equatable {
        /// `role`, `rule`, `alert` or `playbook`.
        public var kind: String
        /// Its name.
        public var name: String
        /// Whether it matched (for a role: whether the request passed its checks).
        public var matched: Bool
        /// The condition with each test's value, e.g. `(request.hour lt 6 → false) or (…)`.
        public var why: String
        /// `file:line:col` of the declaration.
        public var source: String
    }

    /// Decides `request` and explains how. The texts never include request content: tests on
    /// text fields are shown with their detector or pattern names, names the request gives are
    /// cut short.
    public func explain(_ request: Request) -> (decision: Decision, explanations: [Explanation]) {
        var trace = EvaluationTrace()
        let decision = evaluate(request, trace: &trace)
        return (decision, explanations(request, trace))
    }

    /// The explanations a trace of `request` gives.
    public func explanations(_ request: Request, _ trace: EvaluationTrace) -> [Explanation] {
        let role = request.role.flatMap { roleIndex[$0] }.map { compiled.roles[$0] }
        var explanations = [Explanation(kind: "role", name: role?.name ?? Plan.shown(request.role ?? ""),
                                        matched: Plan.passes(trace.roleChecks), why: describe(trace.roleChecks, role),
                                        source: role?.source ?? "")]
        for (planned, outcome) in zip(rules, trace.rules) {
            explanations.append(Explanation(kind: "rule", name: planned.rule.id, matched: outcome.holds,
                                            why: render(planned.rule.condition, outcome), source: planned.rule.source))
        }
        for (planned, outcome) in zip(alerts, trace.alerts) {
            var why = render(planned.alert.condition, outcome.condition)
            if !outcome.raisedByRules.isEmpty { why += "; raised by rule " + outcome.raisedByRules.map { "`\($0)`" }.joined(separator: ", ") }
            if outcome.raisedByRisk { why += "; raised by the risk score above audit.high_risk_threshold" }
            explanations.append(Explanation(kind: "alert", name: planned.alert.name, matched: outcome.raised, why: why,
                                            source: planned.alert.source))
        }
        for (planned, outcome) in zip(playbooks, trace.playbooks) {
            var why = render(planned.playbook.trigger, outcome.trigger)
            if !outcome.startedByRules.isEmpty { why += "; started by rule " + outcome.startedByRules.map { "`\($0)`" }.joined(separator: ", ") }
            if !outcome.startedByAlerts.isEmpty {
                why += "; started by alert " + outcome.startedByAlerts.map { "`\($0)`" }.joined(separator: ", ")
            }
            explanations.append(Explanation(kind: "playbook", name: planned.playbook.incident, matched: outcome.started, why: why,
                                            source: planned.playbook.source))
        }
        return explanations
    }

    /// Whether the role checks let the request through (an approval is not a failure).
    static func passes(_ checks: [EvaluationTrace.RoleCheck]) -> Bool {
        checks.allSatisfy { check in
            switch check {
            case .role(_, let known): return known
            case .model(_, _, let allowed), .feature(_, let allowed): return allowed
            case .contextLimit(_, _, let passed): return passed
            case .operation(_, let declared, _): return declared
            case .blockedPattern: return false
            }
        }
    }

    private func describe(_ checks: [EvaluationTrace.RoleCheck], _ role: CompiledRole?) -> String {
        checks.map { check in
            switch check {
            case .role(let name, let known):
                return name.map { "role `\(Plan.shown($0))` \(known ? "declared" : "not declared")" } ?? "no role"
            case .model(let requested, let id, let allowed):
                return (requested.map { "model `\(Plan.shown(id ?? $0))`" } ?? "no model") + (allowed ? " allowed" : " not allowed")
            case .feature(let requested, let allowed):
                return (requested.map { "feature `\(Plan.shown($0))`" } ?? "no feature") + (allowed ? " allowed" : " not allowed")
            case .contextLimit(let limit, let tokens, let passed):
                guard let limit else { return "no context limit" }
                return (tokens.map { "context \($0)" } ?? "no context_tokens") + (passed ? " within" : " over") + " the limit of \(limit)"
            case .operation(let name, let declared, let needsApproval):
                return "operation `\(Plan.shown(name))` " + (declared ? (needsApproval ? "needs approval" : "allowed") : "not declared")
            case .blockedPattern(let index):
                let text = role.flatMap { index < $0.blockedPatterns.count ? $0.blockedPatterns[index].text : nil } ?? "#\(index)"
                return "blocked pattern \(JSONWriter.quoted(text)) found"
            }
        }.joined(separator: "; ")
    }

    /// A condition with each node's recorded value; the planned and compiled trees have one node
    /// for each other, in the same pre-order.
    func render(_ condition: Condition, _ trace: EvaluationTrace.ConditionTrace) -> String {
        var position = 0
        return render(condition, trace.values, &position)
    }

    private func render(_ condition: Condition, _ values: [Bool], _ position: inout Int) -> String {
        let value = position < values.count ? values[position] : false
        position += 1
        switch condition {
        case .all(let parts):
            return "(" + parts.map { render($0, values, &position) }.joined(separator: " and ") + ") → \(value)"
        case .any(let parts):
            return "(" + parts.map { render($0, values, &position) }.joined(separator: " or ") + ") → \(value)"
        case .not(let inner):
            return "not " + render(inner, values, &position) + " → \(value)"
        case .has(let field, let detectors, let patterns, let minCount):
            let names = (detectors.count > 3 ? [detectors[0], "… \(detectors.count) detectors"] : detectors) + patterns
            return "\(field) has\(minCount > 1 ? " at least \(minCount)" : "") \(names.joined(separator: ", ")) → \(value)"
        case .textContains(let field, _, _):
            return "\(field) contains a policy literal → \(value)"
        default:
            return "\(describe(condition)) → \(value)"
        }
    }

    private func describe(_ condition: Condition) -> String {
        func scalar(_ value: ScalarValue) -> String {
            switch value {
            case .string(let text): return JSONWriter.quoted(text)
            case .integer(let number): return "\(number)"
            case .boolean(let flag): return "\(flag)"
            }
        }
        switch condition {
        case .constant(let flag): return "\(flag)"
        case .compare(let field, let op, let value): return "\(field) \(op.rawValue) \(scalar(value))"
        case .oneOf(let field, let values): return "\(field) in [\(values.map(scalar).joined(separator: ", "))]"
        case .includes(let field, let value): return "\(field) includes \(JSONWriter.quoted(value))"
        case .isTrue(let field): return field
        default: return "condition"
        }
    }
}

extension Plan.Explanation {
    /// JSON object for `policyc eval --explain`.
    public func writeJSON(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"kind":"#.utf8)
        JSONWriter.string(kind, into: &out)
        out.append(contentsOf: #","name":"#.utf8)
        JSONWriter.string(name, into: &out)
        out.append(contentsOf: matched ? #","matched":true"#.utf8 : #","matched":false"#.utf8)
        out.append(contentsOf: #","why":"#.utf8)
        JSONWriter.string(why, into: &out)
        out.append(contentsOf: #","source":"#.utf8)
        JSONWriter.string(source, into: &out)
        out.append(UInt8(ascii: "}"))
    }
}
