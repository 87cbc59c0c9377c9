import PolicyRuntime

/// What a policy's tests exercised, by declaration rather than by line: each rule and alert
/// whose condition held, each playbook started, and each role grant used — a model or feature
/// granted, a context limit enforced, an operation sent for approval, a blocked pattern found.
public struct Coverage: Sendable {
    /// One thing a test can exercise.
    public struct Item: Sendable, Hashable, Comparable {
        /// `rule`, `alert`, `playbook`, `budget`, `rate_limit` or `role`.
        public var kind: String
        /// What it is: `contractor_context`, or for a role grant `contractor: model "claude-3-haiku"`.
        public var name: String
        /// The file that declares it.
        public var file: String
        /// `file:line:col` of the declaration.
        public var source: String

        /// Orders by file, then position, then name.
        public static func < (left: Item, right: Item) -> Bool {
            let (leftLine, leftColumn) = Coverage.position(left.source)
            let (rightLine, rightColumn) = Coverage.position(right.source)
            return (left.file, leftLine, leftColumn, left.name) < (right.file, rightLine, rightColumn, right.name)
        }
    }

    /// Every item of every policy registered.
    public private(set) var items: Set<Item> = []
    /// The items some test exercised.
    public private(set) var exercised: Set<Item> = []

    /// Creates empty coverage.
    public init() {}

    /// Adds a policy's items (rules, alerts, playbooks, role grants).
    public mutating func register(_ policy: CompiledPolicy) {
        for rule in policy.rules { items.insert(Coverage.item("rule", rule.id, rule.source)) }
        for alert in policy.alerts { items.insert(Coverage.item("alert", alert.name, alert.source)) }
        for playbook in policy.playbooks { items.insert(Coverage.item("playbook", playbook.incident, playbook.source)) }
        for budget in policy.budgets { items.insert(Coverage.item("budget", budget.name, budget.source)) }
        for limit in policy.rateLimits { items.insert(Coverage.item("rate_limit", limit.name, limit.source)) }
        for role in policy.roles { items.formUnion(Coverage.grants(role)) }
    }

    /// Records what one evaluation exercised, from its trace: the rules that matched, the
    /// alerts raised, the playbooks started, and the role grants the role checks used (a blocked
    /// pattern counts however it was found: a literal, a regex, through the normalized text).
    mutating func record(_ request: Request, _ trace: EvaluationTrace, _ decision: Decision, _ policy: CompiledPolicy) {
        // Budgets and rate limits are exercised when they refuse a request, and raise their
        // alerts outside the plan's trace.
        for alert in policy.alerts where decision.alerts.contains(where: { $0.name == alert.name }) {
            exercised.insert(Coverage.item("alert", alert.name, alert.source))
        }
        for reason in decision.reasons {
            if let budget = policy.budgets.first(where: { "budget:" + $0.name == reason.rule }) {
                exercised.insert(Coverage.item("budget", budget.name, budget.source))
            }
            if let limit = policy.rateLimits.first(where: { "rate_limit:" + $0.name == reason.rule }) {
                exercised.insert(Coverage.item("rate_limit", limit.name, limit.source))
            }
        }
        for (rule, outcome) in zip(policy.rules, trace.rules) where outcome.holds {
            exercised.insert(Coverage.item("rule", rule.id, rule.source))
        }
        for (alert, outcome) in zip(policy.alerts, trace.alerts) where outcome.raised {
            exercised.insert(Coverage.item("alert", alert.name, alert.source))
        }
        for (playbook, outcome) in zip(policy.playbooks, trace.playbooks) where outcome.started {
            exercised.insert(Coverage.item("playbook", playbook.incident, playbook.source))
        }
        guard let role = policy.roles.first(where: { $0.name == request.role }) else { return }
        func grant(_ what: String) { exercised.insert(Coverage.item("role", "\(role.name): \(what)", role.source)) }
        for check in trace.roleChecks {
            switch check {
            case .model(_, let id?, true): grant("model \"\(id)\"")
            case .feature(let feature?, true): grant("feature \(feature)")
            case .contextLimit(let limit?, _, false): grant("context limit \(limit)")
            case .operation(let name, true, true): grant("approval \(name)")
            case .blockedPattern(let index) where index < role.blockedPatterns.count:
                grant("blocked \"\(role.blockedPatterns[index].text)\"")
            default: break
            }
        }
    }

    /// A role's grants: its models and features, its context limit, its approvals, its blocked patterns.
    static func grants(_ role: CompiledRole) -> [Item] {
        var names = role.models.map { "model \"\($0)\"" } + role.features.map { "feature \($0)" }
        if let limit = role.maxContextTokens { names.append("context limit \(limit)") }
        names += role.requiresApproval.map { "approval \($0)" }
        names += role.blockedPatterns.map { "blocked \"\($0.text)\"" }
        return names.map { item("role", "\(role.name): \($0)", role.source) }
    }

    static func item(_ kind: String, _ name: String, _ source: String) -> Item {
        Item(kind: kind, name: name, file: file(of: source), source: source)
    }

    /// The file part of `file:line:col`.
    static func file(of source: String) -> String {
        let parts = source.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 3 ? parts.dropLast(2).joined(separator: ":") : source
    }

    /// `(line, col)` of `file:line:col`, for ordering.
    static func position(_ source: String) -> (Int, Int) {
        let numbers = source.split(separator: ":").suffix(2).map { Int($0) ?? 0 }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (0, 0)
    }
}
