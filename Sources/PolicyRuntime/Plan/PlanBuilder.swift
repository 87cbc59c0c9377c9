/// Validates a compiled document and builds a plan's tables. Every reference is checked, so a
/// corrupt or hand-edited document fails here with its JSON path, never later in a request.
struct PlanBuilder {
    let compiled: CompiledPolicy
    var roles: [PlannedRole] = []
    var roleIndex: [String: Int] = [:]
    var modelIndex: [String: Int] = [:]
    var featureIndex: [String: Int] = [:]
    var operationIndex: [String: Int] = [:]
    var literalPatterns: [LiteralMatcher.Pattern] = []
    var literalLists: [[Int]] = []
    var roleMatchers: [LiteralMatcher] = []
    /// Pattern lists' regular expressions, each with the literal slot its hits are counted in (an
    /// empty placeholder in `literalPatterns`, which the literal matcher never reports).
    var listRegexes: [(regex: LinearRegex, slot: Int)] = []
    /// For each list regex with a required literal, the literal slot that finds it in the same
    /// pass as every other literal (a text without it skips the regex); nil: always run.
    var listRegexPrefilters: [Int?] = []
    /// A check each list regex's matches must pass (custom detectors' `validate`), or nil.
    var regexValidations: [MatchValidation?] = []
    /// Custom detectors: name → literal slot, and each slot's detection type and placeholder.
    private var customSlots: [String: Int] = [:]
    var slotTypes: [Int: String] = [:]
    var slotCategories: [Int: DetectorCategory] = [:]
    var slotPlaceholders: [Int: String] = [:]
    /// Role pattern sets already built, by their folded bytes (roles often share sets).
    private var roleMatcherIndex: [ByteKey: Int] = [:]

    /// Bytes as a dictionary key, hashed in bulk (an array of arrays hashes byte by byte) and
    /// compared exactly (a `String` key would equate canonically equivalent spellings).
    private struct ByteKey: Hashable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
    private var literalIndex: [LiteralKey: Int] = [:]
    var listIndex: [String: Int] = [:]
    var rules: [PlannedRule] = []
    var alerts: [PlannedAlert] = []
    var playbooks: [PlannedPlaybook] = []
    var usedDetectors = BitSet(capacity: DetectorCatalog.entries.count)
    var scannedFields: Set<TextField> = []
    private var detectorIndex: [String: Int] = [:]
    private var playbookIndex: [String: Int] = [:]
    private var alertIndex: [String: Int] = [:]

    private struct LiteralKey: Hashable {
        let bytes: [UInt8]
        let wholeWord: Bool
    }

    init(_ compiled: CompiledPolicy) {
        self.compiled = compiled
        for (index, entry) in DetectorCatalog.entries.enumerated() { detectorIndex[entry.name] = index }
    }

    mutating func build() throws(PlanError) {
        try indexVocabularies()
        try buildPatternLists()
        try buildCustomDetectors()
        // The regexes' required literals join the one literal pass (after the lists' own
        // literals, so a literal that is also a list term keeps its list).
        listRegexPrefilters = listRegexes.map { entry in
            entry.regex.requiredLiteral.map { literal(folded: $0, wholeWord: false) }
        }
        try buildRoles()
        for (index, playbook) in compiled.playbooks.enumerated() {
            guard playbookIndex[playbook.incident] == nil else { throw PlanError("playbooks[\(index)]: second playbook for `\(playbook.incident)`") }
            playbookIndex[playbook.incident] = index
        }
        for (index, alert) in compiled.alerts.enumerated() {
            guard alertIndex[alert.name] == nil else { throw PlanError("alerts[\(index)]: duplicate alert `\(alert.name)`") }
            alertIndex[alert.name] = index
        }
        for (index, playbook) in compiled.playbooks.enumerated() {
            guard compiled.incidentTypes.contains(playbook.incident) else {
                throw PlanError("playbooks[\(index)].incident: `\(playbook.incident)` is not among incident_types")
            }
            try checkActions(playbook.actions, "playbooks[\(index)].actions")
            let trigger = try plan(playbook.trigger, "playbooks[\(index)].trigger")
            playbooks.append(PlannedPlaybook(playbook: playbook, trigger: trigger))
        }
        for (index, alert) in compiled.alerts.enumerated() {
            try checkActions(alert.actions, "alerts[\(index)].actions")
            let condition = try plan(alert.condition, "alerts[\(index)].condition")
            let started = try resolve(alert.incidents, playbookIndex, "alerts[\(index)].incidents", "no playbook for")
            alerts.append(PlannedAlert(alert: alert, condition: condition, playbooks: started))
        }
        for target in compiled.placeholders.keys.sorted()
        where detectorIndex[target] == nil && customSlots[target] == nil && listIndex[target] == nil {
            throw PlanError("placeholders.\(target): unknown detector or pattern list")
        }
        // Every detector and pattern list has a placeholder (the compiler writes the defaults), so
        // a missing one means an edited document, not "use some other text".
        for name in DetectorCatalog.entries.map(\.name) + compiled.detectors.map(\.name) + compiled.patterns.map(\.name)
        where compiled.placeholders[name] == nil {
            throw PlanError("placeholders: no placeholder for `\(name)`")
        }
        if let name = compiled.audit.highRiskAlert, alertIndex[name] == nil {
            throw PlanError("audit.high_risk_alert: unknown alert `\(name)`")
        }
        for (index, target) in compiled.audit.redact.enumerated()
        where detectorIndex[target] == nil && customSlots[target] == nil && listIndex[target] == nil {
            throw PlanError("audit.redact[\(index)]: unknown detector or pattern list `\(target)`")
        }
        for (index, rule) in compiled.rules.enumerated() {
            let path = "rules[\(index)]"
            let condition = try plan(rule.condition, path + ".condition")
            var redactDetectors = BitSet(capacity: DetectorCatalog.entries.count)
            var redactLiterals = BitSet(capacity: 0)
            var redactLists: [Int] = []
            var redactSlots: [Int] = []
            for target in rule.redact {
                if let detector = detectorIndex[target] {
                    redactDetectors.insert(detector)
                    usedDetectors.insert(detector)
                } else if let slot = customSlots[target] {
                    redactSlots.append(slot)
                } else if let list = listIndex[target] {
                    redactLists.append(list)
                } else {
                    throw PlanError("\(path).redact: unknown detector or pattern list `\(target)`")
                }
            }
            if !redactLists.isEmpty || !redactSlots.isEmpty {
                redactLiterals = BitSet(capacity: literalPatterns.count,
                                        members: literalLists.indices.filter { literal in redactLists.contains { literalLists[literal].contains($0) } }
                                            + redactSlots)
            }
            if !rule.redact.isEmpty { scannedFields.insert(.prompt) }
            let raised = try resolve(rule.alerts, alertIndex, path + ".alerts", "unknown alert")
            let started = try resolve(rule.incidents, playbookIndex, path + ".incidents", "no playbook for")
            rules.append(PlannedRule(rule: rule, condition: condition, redactDetectors: redactDetectors,
                                     redactLiterals: redactLiterals, alerts: raised, playbooks: started))
        }
    }

    private mutating func indexVocabularies() throws(PlanError) {
        for (index, model) in compiled.models.enumerated() {
            for name in [model.id] + model.aliases {
                guard modelIndex[name] == nil else { throw PlanError("models[\(index)]: model name `\(name)` is used twice") }
                modelIndex[name] = index
            }
        }
        for (index, feature) in compiled.features.enumerated() {
            guard featureIndex[feature] == nil else { throw PlanError("features[\(index)]: duplicate feature `\(feature)`") }
            featureIndex[feature] = index
        }
        for (index, operation) in compiled.operations.enumerated() {
            guard operationIndex[operation] == nil else { throw PlanError("operations[\(index)]: duplicate operation `\(operation)`") }
            operationIndex[operation] = index
        }
    }

    /// The index of a literal in the shared matcher, adding it if new.
    private mutating func literal(_ text: String, wholeWord: Bool) -> Int {
        literal(folded: TextNormalizer.normalizePattern(Array(text.utf8)), wholeWord: wholeWord)
    }

    private mutating func literal(folded bytes: [UInt8], wholeWord: Bool) -> Int {
        let key = LiteralKey(bytes: bytes, wholeWord: wholeWord)
        if let index = literalIndex[key] { return index }
        let index = literalPatterns.count
        literalIndex[key] = index
        literalPatterns.append(LiteralMatcher.Pattern(key.bytes, wholeWord: wholeWord))
        literalLists.append([])
        return index
    }

    private mutating func buildPatternLists() throws(PlanError) {
        var members: [[Int]] = []
        for (index, list) in compiled.patterns.enumerated() {
            guard listIndex[list.name] == nil else { throw PlanError("patterns[\(index)]: duplicate pattern list `\(list.name)`") }
            listIndex[list.name] = index
            var ids: [Int] = []
            for (termIndex, term) in list.terms.enumerated() {
                guard !term.isEmpty else { throw PlanError("patterns[\(index)].terms[\(termIndex)]: empty pattern") }
                let id = literal(term, wholeWord: list.wholeWord)
                if !literalLists[id].contains(index) { literalLists[id].append(index) }
                ids.append(id)
            }
            for (regexIndex, entry) in list.regexes.enumerated() {
                let regex = try PlanBuilder.regex(entry.pattern, entry.caseInsensitive, "patterns[\(index)].regexes[\(regexIndex)]")
                let slot = literalPatterns.count
                literalPatterns.append(LiteralMatcher.Pattern([]))
                literalLists.append([index])
                listRegexes.append((regex, slot))
                regexValidations.append(nil)
                ids.append(slot)
            }
            members.append(ids)
        }
        listMembers = members
    }

    /// Custom detectors run like pattern-list regexes, each in a literal slot of its own whose hits
    /// are reported under the detector's name.
    private mutating func buildCustomDetectors() throws(PlanError) {
        for (index, detector) in compiled.detectors.enumerated() {
            let path = "detectors[\(index)]"
            let parts = detector.name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let category = DetectorCategory(rawValue: String(parts[0])), !parts[1].isEmpty else {
                throw PlanError("\(path).name: `\(detector.name)` is not `category.name` with a built-in category")
            }
            guard detectorIndex[detector.name] == nil, customSlots[detector.name] == nil else {
                throw PlanError("\(path).name: detector `\(detector.name)` is declared twice")
            }
            let validation = detector.validate
            let regex = try PlanBuilder.regex(detector.pattern, detector.caseInsensitive, "\(path).pattern")
            let slot = literalPatterns.count
            literalPatterns.append(LiteralMatcher.Pattern([]))
            literalLists.append([])
            listRegexes.append((regex, slot))
            regexValidations.append(validation)
            customSlots[detector.name] = slot
            slotTypes[slot] = detector.name
            slotCategories[slot] = category
            slotPlaceholders[slot] = compiled.placeholders[detector.name]
        }
    }

    /// The literal indexes of each pattern list, for `has` conditions.
    private var listMembers: [[Int]] = []
    /// Each role's blocked regular expressions, in role order.
    private var blockedRegexes: [[LinearRegex]] = []

    /// Compiles a document's regex; one the engine refuses means a corrupt or hand-edited document.
    private static func regex(_ pattern: String, _ caseInsensitive: Bool, _ path: String) throws(PlanError) -> LinearRegex {
        let regex: LinearRegex
        do {
            regex = try LinearRegex(pattern, caseInsensitive: caseInsensitive)
        } catch {
            throw PlanError("\(path): invalid regular expression: \(error.description)")
        }
        guard !regex.matchesEmpty else { throw PlanError("\(path): regular expression matches the empty string") }
        return regex
    }

    private mutating func buildRoles() throws(PlanError) {
        var planned: [(CompiledRole, Int?)] = []
        for (index, role) in compiled.roles.enumerated() {
            let path = "roles[\(index)]"
            guard roleIndex[role.name] == nil else { throw PlanError("\(path): duplicate role `\(role.name)`") }
            roleIndex[role.name] = index
            var patterns: [LiteralMatcher.Pattern] = []
            var regexes: [LinearRegex] = []
            for (patternIndex, pattern) in role.blockedPatterns.enumerated() {
                guard !pattern.text.isEmpty else { throw PlanError("\(path).blocked_patterns[\(patternIndex)]: empty pattern") }
                if let flags = pattern.regex {
                    regexes.append(try PlanBuilder.regex(pattern.text, flags.caseInsensitive, "\(path).blocked_patterns[\(patternIndex)]"))
                } else {
                    patterns.append(LiteralMatcher.Pattern(TextNormalizer.normalizePattern(Array(pattern.text.utf8)), wholeWord: pattern.wholeWord))
                }
            }
            blockedRegexes.append(regexes)
            var matcher: Int?
            if !patterns.isEmpty {
                var key: [UInt8] = []
                for pattern in patterns {
                    key.append(pattern.wholeWord ? 1 : 0)
                    key.append(contentsOf: pattern.bytes)
                    key.append(0)
                }
                let keyText = ByteKey(bytes: key)
                if let shared = roleMatcherIndex[keyText] {
                    matcher = shared
                } else {
                    matcher = roleMatchers.count
                    roleMatcherIndex[keyText] = roleMatchers.count
                    roleMatchers.append(LiteralMatcher(folded: patterns))
                }
            }
            planned.append((role, matcher))
        }
        for (index, (role, blockedMatcher)) in planned.enumerated() {
            let path = "roles[\(index)]"
            let models = try resolve(role.models, modelIndex, path + ".models", "unknown model")
            let features = try resolve(role.features, featureIndex, path + ".features", "unknown feature")
            let approvals = try resolve(role.requiresApproval, operationIndex, path + ".requires_approval", "unknown operation")
            if let limit = role.maxContextTokens, limit < 0 { throw PlanError("\(path).max_context_tokens: negative limit") }
            roles.append(PlannedRole(
                name: role.name, models: BitSet(capacity: compiled.models.count, members: models),
                features: BitSet(capacity: compiled.features.count, members: features), maxContextTokens: role.maxContextTokens,
                auditLevel: role.auditLevel ?? compiled.audit.defaultLevel,
                approvals: BitSet(capacity: compiled.operations.count, members: approvals),
                blockedMatcher: blockedMatcher, blockedRegexes: blockedRegexes[index],
                literalPatternIndexes: blockedRegexes[index].isEmpty ? nil : role.blockedPatterns.indices.filter { role.blockedPatterns[$0].regex == nil },
                regexPatternIndexes: blockedRegexes[index].isEmpty ? [] : role.blockedPatterns.indices.filter { role.blockedPatterns[$0].regex != nil },
                source: role.source))
        }
    }

    /// Each name's index in `table`, or the first unknown one as `path: problem `name``.
    private func resolve(_ names: [String], _ table: [String: Int], _ path: String, _ problem: String) throws(PlanError) -> [Int] {
        var indexes: [Int] = []
        indexes.reserveCapacity(names.count)
        for name in names {
            guard let index = table[name] else { throw PlanError("\(path): \(problem) `\(name)`") }
            indexes.append(index)
        }
        return indexes
    }

    /// Actions must be built-in, a notification to a declared channel (or the implicit `user`
    /// and `manager`), or declared by the policy: an enforcement point must know how to carry out
    /// every action it is handed.
    private func checkActions(_ actions: [String], _ path: String) throws(PlanError) {
        for (index, action) in actions.enumerated() {
            if ActionCatalog.plain.contains(action) || compiled.customActions.contains(action) { continue }
            if action.hasPrefix("notify_") {
                let channel = String(action.dropFirst("notify_".count))
                if ActionCatalog.implicitChannels.contains(channel) || compiled.channels.contains(where: { $0.name == channel }) { continue }
                throw PlanError("\(path)[\(index)]: `\(action)` notifies `\(channel)`, which is not a declared channel")
            }
            throw PlanError("\(path)[\(index)]: unknown action `\(action)`")
        }
    }

    // MARK: - Conditions

    /// Resolves a condition, checking that every field exists and every value has its type.
    mutating func plan(_ condition: Condition, _ path: String, depth: Int = 0) throws(PlanError) -> PlannedCondition {
        guard depth < PlanBuilder.maximumConditionDepth else { throw PlanError("\(path): condition nested too deeply") }
        func field(_ name: String) throws(PlanError) -> RequestField {
            guard let field = RequestField.named(name) else { throw PlanError("\(path): unknown field `\(name)`") }
            return field
        }
        switch condition {
        case .constant(let value):
            return .constant(value)
        case .all(let parts):
            var planned: [PlannedCondition] = []
            for (index, part) in parts.enumerated() { planned.append(try plan(part, "\(path).all[\(index)]", depth: depth + 1)) }
            return .all(planned)
        case .any(let parts):
            var planned: [PlannedCondition] = []
            for (index, part) in parts.enumerated() { planned.append(try plan(part, "\(path).any[\(index)]", depth: depth + 1)) }
            return .any(planned)
        case .not(let part):
            return .not(try plan(part, "\(path).not", depth: depth + 1))
        case .compare(let name, let op, let value):
            let field = try field(name)
            switch PlanBuilder.kind(of: field) {
            case .integer:
                guard case .integer(let number) = value else { throw PlanError("\(path): `\(name)` compares with integers") }
                return .integer(field, op, number)
            case .string:
                guard case .string(let text) = value else { throw PlanError("\(path): `\(name)` compares with strings") }
                guard op == .eq || op == .ne else { throw PlanError("\(path): `\(name)` supports only eq and ne") }
                return .string(field, equal: op == .eq, try canonical(text, field, path))
            case .boolean:
                guard case .boolean(let flag) = value, op == .eq || op == .ne else {
                    throw PlanError("\(path): `\(name)` compares with eq/ne and a boolean")
                }
                return .boolean(field, op == .eq ? flag : !flag)
            case .list, .text:
                throw PlanError("\(path): `\(name)` is not a scalar field")
            }
        case .oneOf(let name, let values):
            let field = try field(name)
            switch PlanBuilder.kind(of: field) {
            case .integer:
                var numbers = Set<Int>()
                for value in values {
                    guard case .integer(let number) = value else { throw PlanError("\(path): `\(name)` compares with integers") }
                    numbers.insert(number)
                }
                return .integerIn(field, numbers)
            case .string:
                var texts = Set<String>()
                for value in values {
                    guard case .string(let text) = value else { throw PlanError("\(path): `\(name)` compares with strings") }
                    texts.insert(try canonical(text, field, path))
                }
                return .stringIn(field, texts)
            case .boolean, .list, .text:
                throw PlanError("\(path): `in` needs a number or string field, not `\(name)`")
            }
        case .includes(let name, let value):
            let field = try field(name)
            guard PlanBuilder.kind(of: field) == .list else { throw PlanError("\(path): `\(name)` is not a list field") }
            if field.type == .operationList, operationIndex[value] == nil { throw PlanError("\(path): unknown operation `\(value)`") }
            return .includes(field, value)
        case .textContains(let name, let text, let wholeWord):
            guard let slot = try field(name).textField else { throw PlanError("\(path): `\(name)` is not a text field") }
            guard !text.isEmpty else { throw PlanError("\(path): empty text") }
            scannedFields.insert(slot)
            return .textContains(slot, literal: literal(text, wholeWord: wholeWord))
        case .has(let name, let detectors, let patterns, let minCount):
            guard let slot = try field(name).textField else { throw PlanError("\(path): `\(name)` is not a text field") }
            guard minCount >= 1 else { throw PlanError("\(path): min_count must be at least 1") }
            var detectorSet = BitSet(capacity: DetectorCatalog.entries.count)
            var literalMembers: [Int] = []
            for detector in detectors {
                if let custom = customSlots[detector] {
                    literalMembers.append(custom)
                    continue
                }
                guard let index = detectorIndex[detector] else { throw PlanError("\(path): unknown detector `\(detector)`") }
                detectorSet.insert(index)
                usedDetectors.insert(index)
            }
            for pattern in patterns {
                guard let list = listIndex[pattern] else { throw PlanError("\(path): unknown pattern list `\(pattern)`") }
                literalMembers += listMembers[list]
            }
            scannedFields.insert(slot)
            return .has(slot, detectors: detectorSet, literals: BitSet(capacity: literalPatterns.count, members: literalMembers),
                        minCount: minCount)
        case .isTrue(let name):
            let field = try field(name)
            guard PlanBuilder.kind(of: field) == .boolean else { throw PlanError("\(path): `\(name)` is not a boolean field") }
            return .boolean(field, true)
        }
    }

    /// Deepest condition nesting a plan accepts (the language allows 64 levels).
    static let maximumConditionDepth = 128

    /// How conditions compare a field, by its type.
    enum FieldKind {
        case integer, string, boolean, list, text
    }

    static func kind(of field: RequestField) -> FieldKind {
        switch field.type {
        case .tokens, .count, .money, .percent, .duration: return .integer
        case .string, .role, .model, .feature, .operation, .action, .weekday: return .string
        case .bool: return .boolean
        case .operationList, .stringList: return .list
        case .text: return .text
        }
    }

    /// Checks names against the vocabularies; models become canonical ids.
    private func canonical(_ text: String, _ field: RequestField, _ path: String) throws(PlanError) -> String {
        switch field.type {
        case .model:
            guard let index = modelIndex[text] else { throw PlanError("\(path): unknown model `\(text)`") }
            return compiled.models[index].id
        case .role:
            guard roleIndex[text] != nil else { throw PlanError("\(path): unknown role `\(text)`") }
        case .feature:
            guard featureIndex[text] != nil else { throw PlanError("\(path): unknown feature `\(text)`") }
        case .action:
            guard RequestAction(rawValue: text) != nil else { throw PlanError("\(path): unknown request action `\(text)`") }
        case .weekday:
            guard Weekday(rawValue: text) != nil else { throw PlanError("\(path): unknown weekday `\(text)`") }
        default:
            break
        }
        return text
    }
}
