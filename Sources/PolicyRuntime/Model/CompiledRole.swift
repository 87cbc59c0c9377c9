/// A role with its inheritance flattened: everything it grants and restricts, spelled out.
public struct CompiledRole: Sendable, Equatable {
    /// Role name, matched against `user.role` in requests.
    public var name: String
    /// Roles this one inherited from, nearest first (informational; already flattened).
    public var inherits: [String]
    /// Canonical ids of the models the role may use.
    public var models: [String]
    /// Features the role may use.
    public var features: [String]
    /// Largest `context_tokens` a request may carry; equal is allowed.
    public var maxContextTokens: Int?
    /// The role's audit level; nil means the policy's default level.
    public var auditLevel: AuditLevel?
    /// Operations that need approval before they run.
    public var requiresApproval: [String]
    /// Literal patterns that deny a prompt containing them (case-insensitive).
    public var blockedPatterns: [CompiledBlockedPattern]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a role entry.
    public init(name: String, inherits: [String], models: [String], features: [String], maxContextTokens: Int?,
                auditLevel: AuditLevel?, requiresApproval: [String], blockedPatterns: [CompiledBlockedPattern], source: String) {
        self.name = name
        self.inherits = inherits
        self.models = models
        self.features = features
        self.maxContextTokens = maxContextTokens
        self.auditLevel = auditLevel
        self.requiresApproval = requiresApproval
        self.blockedPatterns = blockedPatterns
        self.source = source
    }

}

/// One blocked pattern of a role, with where it came from: a literal (matched ASCII
/// case-insensitively, anywhere or as a whole word) or a regular expression.
public struct CompiledBlockedPattern: Sendable, Equatable, Hashable {
    /// The literal text, or the regular expression's source for a regex.
    public var text: String
    /// Whether the match must start and end at word boundaries (literals only).
    public var wholeWord: Bool
    /// The named pattern list it came from, or nil for a pattern written in the role.
    public var list: String?
    /// For a regular expression: its flags. Nil for a literal.
    public var regex: CompiledRegexFlags?

    /// Creates a blocked pattern.
    public init(text: String, wholeWord: Bool, list: String?, regex: CompiledRegexFlags? = nil) {
        self.text = text
        self.wholeWord = wholeWord
        self.list = list
        self.regex = regex
    }

}

/// The flags of a regular expression in the compiled document (`"regex": {…}`); its presence
/// is what marks a pattern as a regex.
public struct CompiledRegexFlags: Sendable, Equatable, Hashable {
    /// The `/…/i` flag.
    public var caseInsensitive: Bool

    /// Creates flags.
    public init(caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
    }

}

/// A regular expression of a pattern list.
public struct CompiledRegex: Sendable, Equatable, Hashable {
    /// The pattern (the engine's syntax, grammar.md §3 "Regular expressions").
    public var pattern: String
    /// The `/…/i` flag.
    public var caseInsensitive: Bool

    /// Creates a regex entry.
    public init(pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
    }

}

/// A named list of literal patterns.
public struct CompiledPatternList: Sendable, Equatable {
    /// The list's name, used by roles' `block` and by `has` conditions.
    public var name: String
    /// The literals, matched case-insensitively.
    public var terms: [String]
    /// The regular expressions.
    public var regexes: [CompiledRegex]
    /// Whether each literal match must start and end at word boundaries.
    public var wholeWord: Bool
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a pattern list.
    public init(name: String, terms: [String], regexes: [CompiledRegex] = [], wholeWord: Bool, source: String) {
        self.name = name
        self.terms = terms
        self.regexes = regexes
        self.wholeWord = wholeWord
        self.source = source
    }
}
