/// The JSON form of roles and their blocked patterns (docs/compiled-format.md, "Roles").
extension CompiledRole {
    enum Key: String, CaseIterable {
        case name, inherits, models, features, maxContextTokens = "max_context_tokens", auditLevel = "audit_level"
        case requiresApproval = "requires_approval", blockedPatterns = "blocked_patterns", source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), inherits: try object.strings(.inherits), models: try object.strings(.models),
                  features: try object.strings(.features), maxContextTokens: try object.optionalInteger(.maxContextTokens),
                  auditLevel: try object.optionalWord(.auditLevel), requiresApproval: try object.strings(.requiresApproval),
                  blockedPatterns: try object.array(.blockedPatterns) { (item, itemPath) throws(CompiledPolicyError) in
                      try CompiledBlockedPattern(document: item, path: itemPath)
                  },
                  source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.inherits, .strings(inherits)), (.models, .strings(models)), (.features, .strings(features)),
            (.maxContextTokens, .optional(maxContextTokens)), (.auditLevel, .optional(auditLevel)),
            (.requiresApproval, .strings(requiresApproval)), (.blockedPatterns, .array(blockedPatterns.map(\.documentJSON))),
            (.source, .string(source)),
        ])
    }
}

extension CompiledBlockedPattern {
    enum Key: String, CaseIterable {
        case text, wholeWord = "whole_word", list, regex
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        let regexValue = object.value(.regex) ?? .null()
        self.init(text: try object.string(.text), wholeWord: try object.bool(.wholeWord), list: try object.optionalString(.list),
                  regex: regexValue.isNull ? nil : try CompiledRegexFlags(document: regexValue, path: object.child(.regex)))
    }

    var documentJSON: JSONTree {
        .keyed([(Key.text, .string(text)), (.wholeWord, .bool(wholeWord)), (.list, .optional(list)), (.regex, regex?.documentJSON ?? .null())])
    }
}

extension CompiledRegexFlags {
    enum Key: String, CaseIterable {
        case caseInsensitive = "case_insensitive"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        self.init(caseInsensitive: try DocumentObject<Key>(value, path).bool(.caseInsensitive))
    }

    var documentJSON: JSONTree { .keyed([(Key.caseInsensitive, .bool(caseInsensitive))]) }
}

extension CompiledRegex {
    enum Key: String, CaseIterable {
        case pattern, caseInsensitive = "case_insensitive"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(pattern: try object.string(.pattern), caseInsensitive: try object.bool(.caseInsensitive))
    }

    var documentJSON: JSONTree { .keyed([(Key.pattern, .string(pattern)), (.caseInsensitive, .bool(caseInsensitive))]) }
}

extension CompiledPatternList {
    enum Key: String, CaseIterable {
        case name, terms, regexes, wholeWord = "whole_word", source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), terms: try object.strings(.terms),
                  regexes: try object.array(.regexes) { (item, itemPath) throws(CompiledPolicyError) in
                      try CompiledRegex(document: item, path: itemPath)
                  },
                  wholeWord: try object.bool(.wholeWord), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.terms, .strings(terms)), (.regexes, .array(regexes.map(\.documentJSON))),
            (.wholeWord, .bool(wholeWord)), (.source, .string(source)),
        ])
    }
}
