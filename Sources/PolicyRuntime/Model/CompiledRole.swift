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

/// One blocked literal of a role, with where it came from.
public struct CompiledBlockedPattern: Codable, Sendable, Equatable, Hashable {
    /// The literal text, matched case-insensitively.
    public var text: String
    /// Whether the match must start and end at word boundaries.
    public var wholeWord: Bool
    /// The named pattern list it came from, or nil for a literal written in the role.
    public var list: String?

    /// Creates a blocked pattern.
    public init(text: String, wholeWord: Bool, list: String?) {
        self.text = text
        self.wholeWord = wholeWord
        self.list = list
    }

    enum CodingKeys: String, CodingKey {
        case text, wholeWord = "whole_word", list
    }
}

/// A named list of literal patterns.
public struct CompiledPatternList: Codable, Sendable, Equatable {
    /// The list's name, used by roles' `block` and by `has` conditions.
    public var name: String
    /// The literals, matched case-insensitively.
    public var terms: [String]
    /// Whether each match must start and end at word boundaries.
    public var wholeWord: Bool
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a pattern list.
    public init(name: String, terms: [String], wholeWord: Bool, source: String) {
        self.name = name
        self.terms = terms
        self.wholeWord = wholeWord
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case name, terms, wholeWord = "whole_word", source
    }
}
