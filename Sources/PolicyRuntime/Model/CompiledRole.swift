/// A role with its inheritance flattened: everything it grants and restricts, spelled out.
public struct CompiledRole: Codable, Sendable, Equatable {
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
    /// `standard`, `detailed` or `comprehensive`.
    public var auditLevel: String?
    /// Operations that need approval before they run.
    public var requiresApproval: [String]
    /// Literal patterns that deny a prompt containing them (case-insensitive).
    public var blockedPatterns: [CompiledBlockedPattern]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a role entry.
    public init(name: String, inherits: [String], models: [String], features: [String], maxContextTokens: Int?,
                auditLevel: String?, requiresApproval: [String], blockedPatterns: [CompiledBlockedPattern], source: String) {
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

    enum CodingKeys: String, CodingKey {
        case name, inherits, models, features, maxContextTokens = "max_context_tokens", auditLevel = "audit_level"
        case requiresApproval = "requires_approval", blockedPatterns = "blocked_patterns", source
    }
}

/// One blocked pattern of a role, with where it came from: a literal (matched ASCII
/// case-insensitively, anywhere or as a whole word) or a regular expression.
public struct CompiledBlockedPattern: Codable, Sendable, Equatable, Hashable {
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

    enum CodingKeys: String, CodingKey {
        case text, wholeWord = "whole_word", list, regex
    }
}

/// The flags of a regular expression in the compiled document (`"regex": {…}`); its presence
/// is what marks a pattern as a regex.
public struct CompiledRegexFlags: Codable, Sendable, Equatable, Hashable {
    /// The `/…/i` flag.
    public var caseInsensitive: Bool

    /// Creates flags.
    public init(caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
    }

    enum CodingKeys: String, CodingKey {
        case caseInsensitive = "case_insensitive"
    }
}

/// A regular expression of a pattern list.
public struct CompiledRegex: Codable, Sendable, Equatable, Hashable {
    /// The pattern (the engine's syntax, grammar.md §3 "Regular expressions").
    public var pattern: String
    /// The `/…/i` flag.
    public var caseInsensitive: Bool

    /// Creates a regex entry.
    public init(pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
    }

    enum CodingKeys: String, CodingKey {
        case pattern, caseInsensitive = "case_insensitive"
    }
}

/// A named list of literal patterns.
public struct CompiledPatternList: Codable, Sendable, Equatable {
    /// The list's name, used by roles' `block` and by `has` conditions.
    public var name: String
    /// The literals, matched case-insensitively.
    public var terms: [String]
    /// The regular expressions (omitted from the document when there are none).
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

    enum CodingKeys: String, CodingKey {
        case name, terms, regexes, wholeWord = "whole_word", source
    }

    /// Reads a list; `regexes` may be absent.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        terms = try container.decode([String].self, forKey: .terms)
        regexes = try container.decodeIfPresent([CompiledRegex].self, forKey: .regexes) ?? []
        wholeWord = try container.decode(Bool.self, forKey: .wholeWord)
        source = try container.decode(String.self, forKey: .source)
    }

    /// Writes a list, leaving out `regexes` when there are none.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(terms, forKey: .terms)
        if !regexes.isEmpty { try container.encode(regexes, forKey: .regexes) }
        try container.encode(wholeWord, forKey: .wholeWord)
        try container.encode(source, forKey: .source)
    }
}
