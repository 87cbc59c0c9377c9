import Foundation

/// A compiled policy, validated and prepared for deciding requests: names interned to
/// integers, model, feature and operation sets as bit sets, every literal pattern of every role
/// and pattern list merged into one matcher, conditions resolved to field slots.
///
/// Build it once (`let plan = try Plan(compiled)`) and call ``evaluate(_:)`` from any number of
/// threads: the plan is immutable, and evaluation takes no locks.
public final class Plan: Sendable {
    /// The document the plan was built from.
    public let compiled: CompiledPolicy
    /// The verified `document_digest` of the JSON the plan was loaded from (nil for a plan built
    /// from a ``CompiledPolicy`` in memory): what an enforcement point reports as the exact
    /// document it enforces.
    public let documentDigest: String?
    let roles: [PlannedRole]
    let roleIndex: NameIndex
    /// Model ids and aliases → index into `compiled.models`.
    let modelIndex: NameIndex
    let featureIndex: NameIndex
    let operationIndex: NameIndex
    /// Every distinct literal of pattern lists and `contains` tests, ASCII case-folded.
    let literals: LiteralMatcher
    /// Each role's blocked patterns in a matcher of their own (roles with the same patterns
    /// share one): a request scans its prompt for its role's few patterns only.
    let roleMatchers: [LiteralMatcher]
    /// Pattern lists' regular expressions and the literal slot their hits count as.
    let listRegexes: [LinearRegex]
    let listRegexSlots: [Int]
    /// Per literal slot, the list regexes whose required literal it is; and the list regexes
    /// with no required literal, which always run.
    let regexesByLiteral: [[Int]]
    let unfilteredRegexes: [Int]
    /// The check each list regex's matches must pass (custom detectors), or nil.
    let regexValidations: [MatchValidation?]
    /// Per literal slot: the custom detector it stands for (its detection type, category and placeholder).
    let slotTypes: [String?]
    let slotCategories: [DetectorCategory?]
    let slotPlaceholders: [String?]
    /// For each literal, the pattern lists it belongs to (detection types `pattern.<list>`).
    let literalLists: [[Int]]
    let rules: [PlannedRule]
    let alerts: [PlannedAlert]
    /// The alert `audit.high_risk_alert` names, raised when the risk is above the threshold.
    let highRiskAlert: Int?
    let playbooks: [PlannedPlaybook]
    /// Detectors some condition or redaction uses; the others are never run.
    let usedDetectors: BitSet
    /// Text fields some condition, role or redaction reads, as bits `1 << TextField.rawValue`
    /// (a `Set` would hash on every request).
    let scannedFields: UInt8
    let detectorScanner: DetectorScanner
    /// Placeholder per detector index and per pattern-list index, for redaction.
    let detectorPlaceholders: [String]
    let listPlaceholders: [String]

    /// How a plan scans, where an embedder may trade coverage for speed.
    public struct Options: Sendable {
        /// Decode long base64 and hex runs and rescan them for secrets (docs/runtime.md,
        /// "Encoded secrets"). On by default; off saves the extra pass over each text.
        public var decodesEncodedSecrets: Bool

        /// The defaults: everything on.
        public init(decodesEncodedSecrets: Bool = true) {
            self.decodesEncodedSecrets = decodesEncodedSecrets
        }
    }

    /// Plans a compiled document.
    /// - Throws: ``PlanError`` naming the JSON path of the first inconsistency found.
    public convenience init(_ compiled: CompiledPolicy, options: Options = Options()) throws(PlanError) {
        try self.init(compiled, options: options, documentDigest: nil)
    }

    private init(_ compiled: CompiledPolicy, options: Options, documentDigest: String?) throws(PlanError) {
        self.documentDigest = documentDigest
        var builder = PlanBuilder(compiled)
        try builder.build()
        self.compiled = compiled
        self.roles = builder.roles
        self.roleIndex = NameIndex(builder.roleIndex)
        self.modelIndex = NameIndex(builder.modelIndex)
        self.featureIndex = NameIndex(builder.featureIndex)
        self.operationIndex = NameIndex(builder.operationIndex)
        self.literals = LiteralMatcher(builder.literalPatterns)
        self.roleMatchers = builder.roleMatchers
        self.listRegexes = builder.listRegexes.map(\.regex)
        self.listRegexSlots = builder.listRegexes.map(\.slot)
        var byLiteral = [[Int]](repeating: [], count: builder.literalPatterns.count)
        for (regex, slot) in builder.listRegexPrefilters.enumerated() { if let slot { byLiteral[slot].append(regex) } }
        self.regexesByLiteral = byLiteral
        self.unfilteredRegexes = builder.listRegexPrefilters.indices.filter { builder.listRegexPrefilters[$0] == nil }
        self.regexValidations = builder.regexValidations
        self.slotTypes = builder.literalPatterns.indices.map { builder.slotTypes[$0] }
        self.slotCategories = builder.literalPatterns.indices.map { builder.slotCategories[$0] }
        self.slotPlaceholders = builder.literalPatterns.indices.map { builder.slotPlaceholders[$0] }
        self.literalLists = builder.literalLists
        self.rules = builder.rules
        self.alerts = builder.alerts
        self.highRiskAlert = compiled.audit.highRiskAlert.flatMap { name in builder.alerts.firstIndex { $0.alert.name == name } }
        self.playbooks = builder.playbooks
        self.usedDetectors = builder.usedDetectors
        self.scannedFields = builder.scannedFields.reduce(0) { $0 | 1 << $1.rawValue }
        self.detectorScanner = DetectorScanner(internalDomains: compiled.internalDomains,
                                               decodesEncodedSecrets: options.decodesEncodedSecrets)
        // The builder has checked that every detector and list has one.
        self.detectorPlaceholders = DetectorCatalog.entries.map { compiled.placeholders[$0.name] ?? $0.placeholder }
        self.listPlaceholders = compiled.patterns.map { compiled.placeholders[$0.name] ?? "[REDACTED]" }
    }

    /// Loads, verifies and plans a compiled JSON document.
    /// - Parameter key: when given, the document must be signed with this key
    ///   (docs/compiled-format.md, "Signing").
    /// - Throws: ``CompiledPolicyError`` for an unreadable, altered or unsigned document,
    ///   ``PlanError`` for an inconsistent one.
    public convenience init(json: Data, verifyingWith key: DocumentKey? = nil, options: Options = Options()) throws {
        let document = try LoadedDocument(json, verifyingWith: key)
        try self.init(document.policy, options: options, documentDigest: document.documentDigest)
    }

    /// Name, version and digest of the policy.
    public var identity: PolicyIdentity { compiled.policy }
}

/// A role, planned. A class so that a request's evaluation holds one reference to it rather
/// than copying its sets.
final class PlannedRole: Sendable {
    let name: String
    let models: BitSet
    let features: BitSet
    let maxContextTokens: Int?
    let auditLevel: AuditLevel
    /// Operations that need approval, as operation indexes.
    let approvals: BitSet
    /// Index into the plan's role matchers, when the role blocks literal patterns.
    let blockedMatcher: Int?
    /// The role's blocked regular expressions.
    let blockedRegexes: [LinearRegex]
    /// For each pattern of the blocked matcher and each blocked regex, its index in the compiled
    /// role's `blocked_patterns`, so a trace can say which pattern was found; nil when the
    /// literals are the whole list (no regexes), which saves an array per role.
    let literalPatternIndexes: [Int]?
    let regexPatternIndexes: [Int]
    let source: String
    /// `role:NAME`, the `rule` its reasons cite (built once, not per request).
    let rule: String
    /// The message of a blocked-pattern denial (built once).
    let blockedMessage: String

    init(name: String, models: BitSet, features: BitSet, maxContextTokens: Int?, auditLevel: AuditLevel, approvals: BitSet,
         blockedMatcher: Int?, blockedRegexes: [LinearRegex], literalPatternIndexes: [Int]?, regexPatternIndexes: [Int], source: String) {
        self.literalPatternIndexes = literalPatternIndexes
        self.regexPatternIndexes = regexPatternIndexes
        self.rule = "role:" + name
        self.blockedMessage = "the prompt contains a pattern blocked for role `\(name)`"
        self.name = name
        self.models = models
        self.features = features
        self.maxContextTokens = maxContextTokens
        self.auditLevel = auditLevel
        self.approvals = approvals
        self.blockedMatcher = blockedMatcher
        self.blockedRegexes = blockedRegexes
        self.source = source
    }
}

/// A rule, planned.
struct PlannedRule: Sendable {
    let rule: CompiledRule
    let condition: PlannedCondition
    /// Detector and literal sets to redact when the rule matches.
    let redactDetectors: BitSet
    let redactLiterals: BitSet
    /// Alert indexes the rule raises.
    let alerts: [Int]
    /// Playbook indexes the rule's `incidents` start.
    let playbooks: [Int]
}

/// An alert, planned.
struct PlannedAlert: Sendable {
    let alert: CompiledAlert
    let condition: PlannedCondition
    /// Playbook indexes `create_incident(…)` starts.
    let playbooks: [Int]
}

/// A playbook, planned.
struct PlannedPlaybook: Sendable {
    let playbook: CompiledPlaybook
    let trigger: PlannedCondition
}
