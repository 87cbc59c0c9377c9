/// `--explain`: for one request, every role check, rule, alert and playbook that was evaluated,
/// whether it matched, and the truth value of each part of its condition.
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

    /// Explains how `request` is evaluated. The texts never include request content: tests on
    /// text fields are shown with their detector or pattern names and the number of findings.
    /// - Parameter decision: the request's decision when the caller already has it, so that the
    ///   request is not evaluated twice.
    public func explain(_ request: Request, decision: Decision? = nil) -> [Explanation] {
        let decision = decision ?? evaluate(request)
        let role = request.role.flatMap { roleIndex[$0] }.map { roles[$0] }
        let scan = scanTexts(request)
        let modelID = request.model.flatMap { modelIndex[$0] }.map { compiled.models[$0].id }
        let context = EvaluationContext(request: request, modelID: modelID,
                                        cost: cost(request, request.model.flatMap { modelIndex[$0] }),
                                        riskPercent: decision.riskPercent, scan: scan)
        var explanations: [Explanation] = []
        let roleReasons = decision.reasons.filter { $0.rule.hasPrefix("role") }
        explanations.append(Explanation(
            kind: "role", name: role?.name ?? (request.role ?? ""), matched: roleReasons.allSatisfy { $0.code == "approval_required" },
            why: roleReasons.isEmpty ? "model, feature, context and blocked patterns pass" : roleReasons.map(\.code).joined(separator: ", "),
            source: role?.source ?? ""))
        for planned in rules {
            explanations.append(Explanation(kind: "rule", name: planned.rule.id, matched: context.holds(planned.condition),
                                            why: render(planned.rule.condition, planned.condition, context), source: planned.rule.source))
        }
        for planned in alerts {
            let raised = decision.alerts.contains { $0.name == planned.alert.name }
            explanations.append(Explanation(kind: "alert", name: planned.alert.name, matched: raised,
                                            why: render(planned.alert.condition, planned.condition, context), source: planned.alert.source))
        }
        for planned in playbooks {
            let started = decision.playbooks.contains { $0.name == planned.playbook.incident }
            explanations.append(Explanation(kind: "playbook", name: planned.playbook.incident, matched: started,
                                            why: render(planned.playbook.trigger, planned.trigger, context), source: planned.playbook.source))
        }
        return explanations
    }

    /// Renders a condition with the value of each part; the compiled and planned trees have the same shape.
    func render(_ condition: Condition, _ planned: PlannedCondition, _ context: EvaluationContext) -> String {
        let value = context.holds(planned)
        switch (condition, planned) {
        case (.all(let parts), .all(let plannedParts)):
            return "(" + zip(parts, plannedParts).map { render($0, $1, context) }.joined(separator: " and ") + ") → \(value)"
        case (.any(let parts), .any(let plannedParts)):
            return "(" + zip(parts, plannedParts).map { render($0, $1, context) }.joined(separator: " or ") + ") → \(value)"
        case (.not(let inner), .not(let plannedInner)):
            return "not " + render(inner, plannedInner, context) + " → \(value)"
        case (.has(let field, let detectors, let patterns, let minCount), _):
            let names = (detectors.count > 3 ? [detectors[0], "… \(detectors.count) detectors"] : detectors) + patterns
            return "\(field) has\(minCount > 1 ? " at least \(minCount)" : "") \(names.joined(separator: ", ")) → \(value)"
        case (.textContains(let field, _, _), _):
            return "\(field) contains a policy literal → \(value)"
        default:
            return "\(describe(condition)) → \(value)"
        }
    }

    private func describe(_ condition: Condition) -> String {
        func scalar(_ value: ScalarValue) -> String {
            switch value {
            case .string(let text): return "\"\(text)\""
            case .integer(let number): return "\(number)"
            case .boolean(let flag): return "\(flag)"
            }
        }
        switch condition {
        case .constant(let flag): return "\(flag)"
        case .compare(let field, let op, let value): return "\(field) \(op.rawValue) \(scalar(value))"
        case .oneOf(let field, let values): return "\(field) in [\(values.map(scalar).joined(separator: ", "))]"
        case .includes(let field, let value): return "\(field) includes \"\(value)\""
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
