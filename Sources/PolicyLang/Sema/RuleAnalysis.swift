import PolicyRuntime

/// Finds rules that can never match (P3002) and rules an earlier rule always overrides (P3003).
///
/// Exact for the shapes authors write — conjunctions of comparisons, `in` lists and
/// equalities — and conservative elsewhere: it only warns when it can prove the claim.
extension Checker {
    mutating func analyzeRules() {
        let grantedModels = Set(resolved.roles.flatMap(\.models))
        for (index, rule) in resolved.rules.enumerated() {
            let location = ruleSpans[index]
            if let reason = RuleAnalysis.unsatisfiable(rule.condition) {
                warning(.unreachableRule, "rule `\(rule.id)` can never match: \(reason)", location.file, location.span)
                continue
            }
            if let model = RuleAnalysis.requiredModel(rule.condition), !grantedModels.contains(model) {
                warning(.unreachableRule, "rule `\(rule.id)` can never match: no role may use model `\(model)`",
                        location.file, location.span, help: "such requests are denied by role checks before rules apply")
                continue
            }
            guard let effect = rule.effect, rule.alerts.isEmpty, rule.incidents.isEmpty, rule.redact.isEmpty else { continue }
            let conjuncts = RuleAnalysis.conjuncts(rule.condition)
            for earlier in resolved.rules[..<index] {
                guard let earlierEffect = earlier.effect,
                      earlierEffect == .deny || effect == .requireApproval else { continue }
                let earlierConjuncts = RuleAnalysis.conjuncts(earlier.condition)
                if earlierConjuncts.isSubset(of: conjuncts) {
                    let verb = earlierEffect == .deny ? "denies" : "requires approval"
                    warning(.shadowedRule, "rule `\(rule.id)` is shadowed by rule `\(earlier.id)`", location.file, location.span,
                            help: "whenever `\(rule.id)` matches, `\(earlier.id)` already \(verb); remove or narrow one of them")
                    break
                }
            }
        }
    }
}

/// The reasoning behind ``Checker/analyzeRules()``, kept pure for testing.
enum RuleAnalysis {
    /// The top-level conjuncts of a condition.
    static func conjuncts(_ condition: Condition) -> Set<Condition> {
        if case .all(let parts) = condition { return Set(parts) }
        return [condition]
    }

    /// The model a condition requires (`request.model == "x"` among its conjuncts), if any.
    static func requiredModel(_ condition: Condition) -> String? {
        for part in conjuncts(condition) {
            if case .compare("request.model", .eq, .string(let model)) = part { return model }
        }
        return nil
    }

    /// Why the condition can never hold, or nil when it may.
    static func unsatisfiable(_ condition: Condition) -> String? {
        switch condition {
        case .constant(false):
            return "its condition is `false`"
        case .any(let parts):
            return parts.allSatisfy { unsatisfiable($0) != nil } ? "no alternative can hold" : nil
        case .oneOf(let field, let values) where values.isEmpty:
            return "`\(field)` is never in an empty list"
        case .all(let parts):
            if let part = parts.first(where: { unsatisfiable($0) != nil }) { return unsatisfiable(part) }
            return contradiction(parts)
        default:
            return nil
        }
    }

    /// Per-field constraints of a conjunction: numeric intervals, required and excluded values.
    private static func contradiction(_ parts: [Condition]) -> String? {
        var lower: [String: Int] = [:]
        var upper: [String: Int] = [:]
        var allowed: [String: Set<ScalarValue>] = [:]
        var excluded: [String: Set<ScalarValue>] = [:]
        func restrict(_ field: String, to values: Set<ScalarValue>) {
            allowed[field] = allowed[field].map { $0.intersection(values) } ?? values
        }
        for part in parts {
            switch part {
            case .compare(let field, let op, .integer(let value)):
                switch op {
                case .lt: upper[field] = min(upper[field] ?? .max, value - 1)
                case .le: upper[field] = min(upper[field] ?? .max, value)
                case .gt: lower[field] = max(lower[field] ?? .min, value + 1)
                case .ge: lower[field] = max(lower[field] ?? .min, value)
                case .eq:
                    lower[field] = max(lower[field] ?? .min, value)
                    upper[field] = min(upper[field] ?? .max, value)
                case .ne: excluded[field, default: []].insert(.integer(value))
                }
            case .compare(let field, .eq, let value):
                restrict(field, to: [value])
            case .compare(let field, .ne, let value):
                excluded[field, default: []].insert(value)
            case .oneOf(let field, let values):
                restrict(field, to: Set(values))
            case .not(.oneOf(let field, let values)):
                excluded[field, default: []].formUnion(values)
            default:
                continue
            }
        }
        for field in lower.keys.sorted() {
            let low = lower[field]!
            if let high = upper[field], low > high { return "`\(field)` cannot be both at least \(low) and at most \(high)" }
        }
        for field in allowed.keys.sorted() {
            let values = allowed[field]!
            let remaining = values.subtracting(excluded[field] ?? [])
            if remaining.isEmpty { return "no value of `\(field)` satisfies all its tests" }
        }
        return nil
    }
}
