import PolicyRuntime

/// What a policy change grants or revokes, computed exactly over the declared vocabularies.
///
/// **Access** is compared cell by cell: for every role × model × feature × operation (and "no
/// operation") of either policy, the role checks' decision is a step function of
/// `context_tokens` — allow or require-approval up to the role's limit, deny above it, or deny
/// throughout — so two policies differ on a finite set of context ranges, found from the two
/// limits. Cells that change the same way are merged into one line per role. **Content** is
/// compared per role (blocked patterns, and the detectors whose findings deny the role's requests
/// through deny rules) and per declaration (rules, alerts, playbooks: added,
/// removed, or what changed in them).
///
/// Rules whose conditions read request content are listed as changed declarations; their
/// effect on individual requests is not enumerated (it depends on text no vocabulary bounds).
public struct PolicyDiff: Sendable {
    /// Whether a change makes the policy more or less permissive.
    public enum Direction: String, Sendable, Equatable {
        /// More permissive: something is allowed that was not, or needs less.
        case grant
        /// Less permissive.
        case revoke
        /// Neither, or not decidable from the declarations (a changed alert, a reworded rule).
        case change
    }

    /// A range of `context_tokens`, `to` nil for "and above".
    public struct ContextRange: Sendable, Equatable, Hashable {
        /// First value in the range.
        public var from: Int
        /// Last value, or nil when unbounded.
        public var to: Int?

        /// Creates a range.
        public init(from: Int, to: Int?) {
            self.from = from
            self.to = to
        }
    }

    /// Requests of one role whose role-check decision changes the same way.
    public struct AccessChange: Sendable, Equatable {
        /// Models concerned; nil means every model of either policy.
        public var models: [String]?
        /// Features concerned; nil means every feature.
        public var features: [String]?
        /// The operation the request carries, or nil for none.
        public var operation: String?
        /// The context range over which the decision changes.
        public var context: ContextRange
        /// The decision before.
        public var old: Decision.Outcome
        /// The decision after.
        public var new: Decision.Outcome
        /// grant or revoke.
        public var direction: Direction
    }

    /// A change to one role that is not a cell of the access table.
    public struct RoleChange: Sendable, Equatable {
        /// What changed, for people: `blocked pattern "x" removed`, `audit detailed → standard`.
        public var description: String
        /// Its direction.
        public var direction: Direction
    }

    /// One role's changes.
    public struct RoleDiff: Sendable, Equatable {
        /// The role.
        public var role: String
        /// `added`, `removed` or `changed`.
        public var status: String
        /// Access changes, merged.
        public var access: [AccessChange]
        /// Other changes.
        public var other: [RoleChange]
    }

    /// A rule, alert, detector or playbook that was added, removed or changed.
    public struct DeclarationChange: Sendable, Equatable {
        /// `rule`, `alert`, `detector` or `playbook`.
        public var kind: String
        /// Its name.
        public var name: String
        /// `added`, `removed` or `changed`.
        public var status: String
        /// What changed (for `changed`): `condition`, `effect`, `actions`, …
        public var details: [String]
        /// Its direction.
        public var direction: Direction
    }

    /// The old policy's identity.
    public var old: PolicyIdentity
    /// The new policy's identity.
    public var new: PolicyIdentity
    /// Roles with changes, by name.
    public var roles: [RoleDiff]
    /// Rules, alerts and playbooks with changes.
    public var declarations: [DeclarationChange]

    /// Number of changes that grant more.
    public var grants: Int { count(.grant) }
    /// Number of changes that revoke.
    public var revocations: Int { count(.revoke) }
    /// Whether nothing changed.
    public var isEmpty: Bool { roles.isEmpty && declarations.isEmpty }

    private func count(_ direction: Direction) -> Int {
        roles.reduce(0) { $0 + $1.access.filter { $0.direction == direction }.count + $1.other.filter { $0.direction == direction }.count }
            + declarations.filter { $0.direction == direction }.count
    }

    /// Compares two compiled policies, planning them first.
    /// - Throws: ``PlanError`` when either cannot be planned.
    public init(old: CompiledPolicy, new: CompiledPolicy) throws(PlanError) {
        self.init(old: try Plan(old), new: try Plan(new))
    }

    /// Compares two planned policies. Access cells come from the runtime's own role checks,
    /// read from evaluation traces, so the diff says what the enforcement point will do.
    public init(old oldPlan: Plan, new newPlan: Plan) {
        let old = oldPlan.compiled
        let new = newPlan.compiled
        self.old = old.policy
        self.new = new.policy
        let models = PolicyDiff.union(old.models.map(\.id), new.models.map(\.id))
        let features = PolicyDiff.union(old.features, new.features)
        let operations = PolicyDiff.union(old.operations, new.operations)
        let oldRoles = Dictionary(old.roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newRoles = Dictionary(new.roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var roles: [RoleDiff] = []
        for name in PolicyDiff.union(old.roles.map(\.name), new.roles.map(\.name)) {
            let before = oldRoles[name]
            let after = newRoles[name]
            let access = PolicyDiff.accessChanges(
                RoleAccess(oldPlan, role: name, models: models, features: features, operations: operations),
                RoleAccess(newPlan, role: name, models: models, features: features, operations: operations),
                models: models, features: features, operations: operations)
            var other = PolicyDiff.roleChanges(before, after)
            if before != nil, after != nil {
                let was = PolicyDiff.denyingDetectors(old, role: name)
                let now = PolicyDiff.denyingDetectors(new, role: name)
                for detector in was.subtracting(now).sorted() {
                    other.append(RoleChange(description: "detector \(detector) no longer denies", direction: .grant))
                }
                for detector in now.subtracting(was).sorted() {
                    other.append(RoleChange(description: "detector \(detector) now denies", direction: .revoke))
                }
            }
            guard !access.isEmpty || !other.isEmpty else { continue }
            roles.append(RoleDiff(role: name, status: before == nil ? "added" : (after == nil ? "removed" : "changed"),
                                  access: access, other: other))
        }
        self.roles = roles
        self.declarations = PolicyDiff.declarationChanges(old, new)
    }

    // MARK: Access

    /// The role checks' decision for a cell, as a step function of context: `upTo` (allow or
    /// require-approval) for context up to `limit` (nil: no limit), deny above.
    private struct Step: Equatable {
        var upTo: Decision.Outcome
        var limit: Int?

        func at(_ context: Int) -> Decision.Outcome { limit.map { context > $0 } ?? false ? .deny : upTo }
    }

    /// What one policy's role checks do for one role, per model, feature and operation, read
    /// from the traces of the runtime's own evaluations (the checks are independent of one
    /// another, docs/runtime.md "How a request is decided", so one request can probe a model, a
    /// feature and the operations at once).
    private struct RoleAccess {
        var known = false
        var limit: Int?
        /// Per index into the diff's model, feature and operation lists (a cell looks them up
        /// by index: there are millions of cells, and hashing names for each dominated).
        var models: [Bool]
        var features: [Bool]
        var operations: [(declared: Bool, approval: Bool)]

        init(_ plan: Plan, role: String, models: [String], features: [String], operations: [String]) {
            self.models = Array(repeating: false, count: models.count)
            self.features = Array(repeating: false, count: features.count)
            self.operations = Array(repeating: (false, false), count: operations.count)
            // Request i asks for model i and feature i, the first also for every operation: the
            // trace records each check on its own, so max(models, features) requests cover all.
            for index in 0..<max(models.count, features.count, 1) {
                var request = Request()
                request.role = role
                request.model = index < models.count ? models[index] : nil
                request.feature = index < features.count ? features[index] : nil
                request.operations = index == 0 ? operations : []
                request.contextTokens = 0
                var trace = EvaluationTrace()
                _ = plan.evaluate(request, trace: &trace)
                var operationIndex = 0
                for check in trace.roleChecks {
                    switch check {
                    case .role(_, let known): self.known = known
                    case .model(_?, _, let allowed): self.models[index] = allowed
                    case .feature(_?, let allowed): self.features[index] = allowed
                    case .contextLimit(let limit, _, _): self.limit = limit
                    case .operation(_, let declared, let approval):
                        // Recorded in the order the request lists them.
                        self.operations[operationIndex] = (declared, approval)
                        operationIndex += 1
                    default: break
                    }
                }
            }
        }

        func step(_ model: Int, _ feature: Int, _ operation: Int?) -> Step {
            let opened = operation.map { operations[$0].declared } ?? true
            guard known, models[model], features[feature], opened else { return Step(upTo: .deny, limit: nil) }
            let needsApproval = operation.map { operations[$0].approval } ?? false
            return Step(upTo: needsApproval ? .requireApproval : .allow, limit: limit)
        }
    }

    private static func rank(_ outcome: Decision.Outcome) -> Int {
        switch outcome {
        case .deny: return 0
        case .requireApproval: return 1
        case .allow: return 2
        }
    }

    /// The context ranges where two steps differ.
    private static func differences(_ before: Step, _ after: Step) -> [(ContextRange, Decision.Outcome, Decision.Outcome)] {
        guard before != after else { return [] }
        var bounds = [before.limit, after.limit].compactMap { $0 }.sorted()
        bounds = bounds.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
        var ranges: [ContextRange] = []
        var from = 0
        for bound in bounds where bound >= from {
            ranges.append(ContextRange(from: from, to: bound))
            from = bound + 1
        }
        ranges.append(ContextRange(from: from, to: nil))
        var result: [(ContextRange, Decision.Outcome, Decision.Outcome)] = []
        for range in ranges {
            let old = before.at(range.from)
            let new = after.at(range.from)
            guard old != new else { continue }
            // Adjacent ranges with the same change join.
            if let last = result.last, last.1 == old, last.2 == new, last.0.to.map({ $0 + 1 == range.from }) ?? false {
                result[result.count - 1].0.to = range.to
            } else {
                result.append((range, old, new))
            }
        }
        return result
    }

    private static func accessChanges(_ before: RoleAccess, _ after: RoleAccess, models: [String], features: [String],
                                      operations: [String]) -> [AccessChange] {
        // Cells that change, keyed by everything but the feature, then merged.
        struct Key: Hashable {
            var model: String
            var operation: String?
            var context: ContextRange
            var old: Decision.Outcome
            var new: Decision.Outcome
        }
        var featuresByKey: [Key: [String]] = [:]
        var order: [Key] = []
        for (modelIndex, model) in models.enumerated() {
            for operationIndex in [nil] + operations.indices.map(Optional.some) {
                let operation = operationIndex.map { operations[$0] }
                for (featureIndex, feature) in features.enumerated() {
                    let cellBefore = before.step(modelIndex, featureIndex, operationIndex)
                    let cellAfter = after.step(modelIndex, featureIndex, operationIndex)
                    for (range, old, new) in differences(cellBefore, cellAfter) {
                        let key = Key(model: model, operation: operation, context: range, old: old, new: new)
                        if featuresByKey[key] == nil { order.append(key) }
                        featuresByKey[key, default: []].append(feature)
                    }
                }
            }
        }
        // An operation's cells that only repeat the no-operation change say nothing new.
        order.removeAll { key in
            guard key.operation != nil else { return false }
            var plain = key
            plain.operation = nil
            return featuresByKey[plain] == featuresByKey[key]
        }
        // Then models with the same features and change join.
        var merged: [AccessChange] = []
        for key in order {
            let keyFeatures = featuresByKey[key]!
            let shownFeatures: [String]? = keyFeatures.count == features.count ? nil : keyFeatures
            let direction: Direction = rank(key.new) > rank(key.old) ? .grant : .revoke
            if let index = merged.firstIndex(where: { $0.features == shownFeatures && $0.operation == key.operation
                && $0.context == key.context && $0.old == key.old && $0.new == key.new }) {
                merged[index].models?.append(key.model)
            } else {
                merged.append(AccessChange(models: [key.model], features: shownFeatures, operation: key.operation,
                                           context: key.context, old: key.old, new: key.new, direction: direction))
            }
        }
        for index in merged.indices where merged[index].models?.count == models.count { merged[index].models = nil }
        return merged
    }

    // MARK: Roles, rules, alerts, playbooks

    private static func roleChanges(_ before: CompiledRole?, _ after: CompiledRole?) -> [RoleChange] {
        var changes: [RoleChange] = []
        let oldPatterns = before?.blockedPatterns.map(\.text) ?? []
        let newPatterns = after?.blockedPatterns.map(\.text) ?? []
        // Blocked patterns only matter while the role exists on both sides.
        if before != nil, after != nil {
            for pattern in oldPatterns where !newPatterns.contains(pattern) {
                changes.append(RoleChange(description: "blocked pattern \"\(pattern)\" removed", direction: .grant))
            }
            for pattern in newPatterns where !oldPatterns.contains(pattern) {
                changes.append(RoleChange(description: "blocked pattern \"\(pattern)\" added", direction: .revoke))
            }
            if before?.auditLevel != after?.auditLevel {
                changes.append(RoleChange(description: "audit \(before?.auditLevel?.rawValue ?? "default") → \(after?.auditLevel?.rawValue ?? "default")",
                                          direction: .change))
            }
        }
        return changes
    }

    private static func declarationChanges(_ old: CompiledPolicy, _ new: CompiledPolicy) -> [DeclarationChange] {
        var changes: [DeclarationChange] = []
        func compare<Item>(_ kind: String, _ before: [Item], _ after: [Item], name: (Item) -> String,
                           fields: [(String, (Item) -> String)], direction: (Item?, Item?) -> Direction) {
            let oldByName = Dictionary(before.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
            let newByName = Dictionary(after.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
            for itemName in union(before.map(name), after.map(name)) {
                let was = oldByName[itemName]
                let now = newByName[itemName]
                if was == nil || now == nil {
                    changes.append(DeclarationChange(kind: kind, name: itemName, status: was == nil ? "added" : "removed",
                                                     details: [], direction: direction(was, now)))
                    continue
                }
                let details = fields.filter { $0.1(was!) != $0.1(now!) }.map(\.0)
                if !details.isEmpty {
                    changes.append(DeclarationChange(kind: kind, name: itemName, status: "changed", details: details,
                                                     direction: direction(was, now)))
                }
            }
        }
        let ruleFields: [(String, (CompiledRule) -> String)] = [
            ("condition", { "\($0.condition)" }), ("effect", { $0.effect?.rawValue ?? "none" }), ("reason", { $0.reason.rawValue }),
            ("redact", { $0.redact.joined(separator: ",") }), ("alerts", { $0.alerts.joined(separator: ",") }),
            ("incidents", { $0.incidents.joined(separator: ",") }), ("message", { $0.message ?? "" }),
        ]
        compare("rule", old.rules, new.rules, name: \.id, fields: ruleFields) { was, now in
            // A deny or approval rule removed grants; added revokes; changed is undecidable in general.
            let before = was?.effect
            let after = now?.effect
            if was == nil { return after == nil ? .change : .revoke }
            if now == nil { return before == nil ? .change : .grant }
            if before != after {
                let rank: (RuleEffect?) -> Int = { $0 == .deny ? 0 : ($0 == .requireApproval ? 1 : 2) }
                return rank(after) > rank(before) ? .grant : .revoke
            }
            return .change
        }
        compare("alert", old.alerts, new.alerts, name: \.name, fields: [
            ("condition", { "\($0.condition)" }), ("severity", { $0.severity.rawValue }), ("actions", { $0.actions.joined(separator: ",") }),
        ]) { was, now in blocking(was?.blocks, now?.blocks) }
        // A detector's pattern decides what it finds; whether that grants or revokes depends on text.
        compare("detector", old.detectors, new.detectors, name: \.name, fields: [
            ("pattern", { "\($0.caseInsensitive ? "(?i)" : "")\($0.pattern)" }), ("validate", { $0.validate?.rawValue ?? "none" }),
        ]) { _, _ in .change }
        compare("playbook", old.playbooks, new.playbooks, name: \.incident, fields: [
            ("trigger", { "\($0.trigger)" }), ("severity", { $0.severity.rawValue }), ("actions", { $0.actions.joined(separator: ",") }),
        ]) { was, now in blocking(was?.blocks, now?.blocks) }
        // A budget or rate limit removed, or its limit raised, grants; added or lowered revokes.
        func limitDirection(_ before: Int?, _ after: Int?) -> Direction {
            switch (before, after) {
            case (nil, nil): return .change
            case (nil, _): return .revoke
            case (_, nil): return .grant
            case (let before?, let after?): return after > before ? .grant : after < before ? .revoke : .change
            }
        }
        compare("budget", old.budgets, new.budgets, name: \.name, fields: [
            ("scope", { "\($0.scope.rawValue) \($0.member ?? "")" }), ("period", { $0.periodName?.rawValue ?? "\($0.periodSeconds)s" }),
            ("limit", { "\($0.limitMicros.map { "$\($0)µ" } ?? "\($0.limitTokens ?? 0) tokens")" }),
            ("warn_at", { $0.warnAtPercent.map(String.init).joined(separator: ",") }), ("alerts", { $0.alerts.joined(separator: ",") }),
        ]) { was, now in
            // Comparable only in the same unit; a change of unit is neither.
            guard was == nil || now == nil || (was!.limitMicros == nil) == (now!.limitMicros == nil) else { return .change }
            return limitDirection(was.map { $0.limitMicros ?? $0.limitTokens ?? 0 }, now.map { $0.limitMicros ?? $0.limitTokens ?? 0 })
        }
        compare("rate_limit", old.rateLimits, new.rateLimits, name: \.name, fields: [
            ("scope", { "\($0.scope.rawValue) \($0.member ?? "")" }), ("limit", { "\($0.limit) \($0.unit.rawValue)" }),
            ("window", { "\($0.windowSeconds)s" }), ("alerts", { $0.alerts.joined(separator: ",") }),
        ]) { was, now in
            // Per second, so `60 per minute` and `1 per second` compare equal (exact: cross-multiplied).
            guard let was, let now else { return limitDirection(was?.limit, now?.limit) }
            guard was.unit == now.unit else { return .change }
            let before = was.limit.multipliedFullWidth(by: now.windowSeconds)
            let after = now.limit.multipliedFullWidth(by: was.windowSeconds)
            return after > before ? .grant : after < before ? .revoke : .change
        }
        return changes
    }

    /// Detectors whose findings deny a role's requests: those a deny rule tests (`has`), unless
    /// the rule is limited to other roles by a `user.role` test at its top level.
    public static func denyingDetectors(_ policy: CompiledPolicy, role: String) -> Set<String> {
        func applies(_ condition: Condition) -> Bool {
            switch condition {
            case .all(let parts): return parts.allSatisfy(applies)
            case .compare("user.role", .eq, .string(let name)): return name == role
            case .compare("user.role", .ne, .string(let name)): return name != role
            case .oneOf("user.role", let values): return values.contains(.string(role))
            default: return true
            }
        }
        func detectors(_ condition: Condition) -> [String] {
            switch condition {
            case .all(let parts), .any(let parts): return parts.flatMap(detectors)
            case .has(_, let names, _, _): return names
            default: return []  // under `not`, a finding would allow rather than deny
            }
        }
        var result = Set<String>()
        for rule in policy.rules where rule.effect == .deny && applies(rule.condition) {
            result.formUnion(detectors(rule.condition))
        }
        return result
    }

    /// An alert or playbook that stops blocking grants; one that starts blocking revokes.
    private static func blocking(_ before: Bool?, _ after: Bool?) -> Direction {
        let was = before ?? false
        let now = after ?? false
        return was == now ? .change : (was ? .grant : .revoke)
    }

    /// Both lists' elements, first list's order first, without repeats.
    static func union(_ first: [String], _ second: [String]) -> [String] {
        var seen = Set<String>()
        return (first + second).filter { seen.insert($0).inserted }
    }
}
