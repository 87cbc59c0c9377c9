import PolicyRuntime

/// Roles: resolution of every grant, inheritance flattening and cycle detection.
extension Checker {
    /// A role's own grants, resolved, before inheritance.
    struct OwnGrants {
        var models: [String]?
        var features: [String]?
        var maxContext: Int?
        var audit: AuditLevel?
        var approvals: [String]?
        var blocked: [CompiledBlockedPattern]
    }

    mutating func checkRoles() {
        var own: [String: OwnGrants] = [:]
        for name in symbols.roles.names {
            own[name] = resolveOwnGrants(symbols.roles[name]!)
        }
        for name in symbols.roles.names {
            let declared = symbols.roles[name]!
            let chain = inheritanceChain(of: name)
            var grants = OwnGrants(models: [], features: [], maxContext: nil, audit: nil, approvals: [], blocked: [])
            // Ancestors first, so that a role's own scalar settings override what it inherits,
            // while lists (grants, approvals, blocked patterns) accumulate.
            for ancestor in chain.reversed() {
                guard let parts = own[ancestor] else { continue }
                grants.models! += parts.models ?? []
                grants.features! += parts.features ?? []
                grants.approvals! += parts.approvals ?? []
                grants.blocked += parts.blocked
                grants.maxContext = parts.maxContext ?? grants.maxContext
                grants.audit = parts.audit ?? grants.audit
            }
            let role = CompiledRole(
                name: name, inherits: Array(chain.dropFirst()), models: unique(grants.models!), features: unique(grants.features!),
                maxContextTokens: grants.maxContext, auditLevel: grants.audit, requiresApproval: unique(grants.approvals!),
                blockedPatterns: unique(grants.blocked), source: declared.file.reference(declared.syntax.span.start))
            resolved.roles.append(role)
            warnAboutGrants(role, declared)
        }
    }

    /// The role and its ancestors, nearest first. Reports a cycle once, at the role that closes it.
    private mutating func inheritanceChain(of name: String) -> [String] {
        var chain = [name]
        var members: Set<String> = [name]  // so a long chain costs a lookup per step, not a scan
        var current = name
        while let parent = symbols.roles[current]?.syntax.parent {
            guard symbols.roles[parent.text] != nil else { break }  // reported by resolveOwnGrants
            if members.contains(parent.text), let index = chain.firstIndex(of: parent.text) {
                // Every member of a cycle walks into it; report it once, from the member that
                // is declared first.
                let members = chain[index...]
                let first = members.min { symbols.roles.names.firstIndex(of: $0)! < symbols.roles.names.firstIndex(of: $1)! }
                if index == 0, first == name {
                    let declared = symbols.roles[current]!
                    let cycle = (chain + [parent.text]).joined(separator: " → ")
                    error(.inheritanceCycle, "role inheritance cycle: \(cycle)", declared.file, parent.span,
                          help: "a role cannot extend itself, directly or through other roles")
                }
                break
            }
            chain.append(parent.text)
            members.insert(parent.text)
            current = parent.text
        }
        return chain
    }

    private mutating func resolveOwnGrants(_ declared: Declared<RoleSyntax>) -> OwnGrants {
        let role = declared.syntax
        let file = declared.file
        if let parent = role.parent {
            if symbols.roles[parent.text] == nil {
                error(.unknownRole, "unknown role `\(parent.text)`", file, parent.span,
                      help: Suggestion.help(for: parent.text, in: symbols.roles.names))
            } else {
                resolved.symbols.add(.role, parent.text, parent, file)
            }
        }
        var grants = OwnGrants(blocked: [])
        if let models = role.models {
            warnDuplicates(models.map { ($0.value, $0.span) }, "model", file)
            grants.models = models.compactMap { resolveModel($0, file) }
        }
        if let features = role.features {
            warnDuplicates(features.map { ($0.text, $0.span) }, "feature", file)
            grants.features = features.compactMap { resolveVocabulary($0, file, kind: .features) }
        }
        if let limit = role.maxContext { grants.maxContext = count(limit, "`max_context`", file) }
        if let level = role.audit { grants.audit = resolveWord(level, AuditLevel.self, file) }
        if let approvals = role.requiresApproval {
            warnDuplicates(approvals.map { ($0.text, $0.span) }, "operation", file)
            grants.approvals = approvals.compactMap { resolveVocabulary($0, file, kind: .operations) }
        }
        for item in role.block {
            switch item {
            case .literal(let literal):
                if literal.value.isEmpty {
                    error(.invalidQuantity, "an empty pattern would match every prompt", file, literal.span)
                } else {
                    grants.blocked.append(CompiledBlockedPattern(text: literal.value, wholeWord: false, list: nil))
                }
            case .list(let name):
                if let list = symbols.patternLists[name.text] {
                    resolved.symbols.add(.patternList, name.text, name, file)
                    grants.blocked += unique(list.syntax.terms.map(\.value)).filter { !$0.isEmpty }.map {
                        CompiledBlockedPattern(text: $0, wholeWord: list.syntax.wholeWord, list: name.text)
                    }
                    grants.blocked += list.syntax.regexes.map { compiledBlockedRegex($0, list: name.text) }
                } else {
                    error(.unknownPatternList, "unknown pattern list `\(name.text)`", file, name.span,
                          help: Suggestion.help(for: name.text, in: symbols.patternLists.names)
                            ?? "put a literal pattern in quotes: `block \"\(name.text)\"`")
                }
            case .regex(let regex):
                if checkRegex(regex, file) { grants.blocked.append(compiledBlockedRegex(regex, list: nil)) }
            }
        }
        return grants
    }

    private mutating func warnAboutGrants(_ role: CompiledRole, _ declared: Declared<RoleSyntax>) {
        let file = declared.file
        // A role whose only models failed to resolve has already got an error; do not pile on.
        if role.models.isEmpty, declared.syntax.models?.isEmpty ?? true {
            warning(.emptyRole, "role `\(role.name)` grants no model, so every request with it is denied", file,
                    declared.syntax.name.span, help: "add `models \"…\"` or remove the role")
        }
        if let limit = role.maxContextTokens {
            let windows = role.models.compactMap { id in resolved.models.first { $0.id == id }?.contextTokens }
            if !windows.isEmpty, windows.count == role.models.count, let largest = windows.max(), limit > largest {
                let span = declared.syntax.maxContext?.span ?? declared.syntax.name.span
                warning(.contextAboveModels,
                        "`max_context` \(tokensText(limit)) of role `\(role.name)` is above the context window of every model it may use",
                        file, span, help: "the largest window among its models is \(tokensText(largest))")
            }
        }
    }

    /// A model id or alias → canonical id, or nil after reporting P2004.
    mutating func resolveModel(_ literal: StringLiteral, _ file: SourceFile) -> String? {
        if let id = symbols.modelNames[literal.value] {
            resolved.symbols.add(.model, id, literal, file)
            return id
        }
        error(.unknownModel, "unknown model `\(literal.value)`", file, literal.span,
              help: Suggestion.help(for: literal.value, in: symbols.models.names + symbols.modelNames.keys.sorted())
                ?? (symbols.models.names.isEmpty ? "declare it: `model \"\(literal.value)\" { … }`" : nil))
        return nil
    }

    /// A feature, operation or incident type name, or nil after reporting it unknown.
    mutating func resolveVocabulary(_ name: Name, _ file: SourceFile, kind: VocabularyKind) -> String? {
        switch kind {
        case .features:
            if symbols.features[name.text] != nil { return referenced(.feature, name, file) }
            error(.unknownFeature, "unknown feature `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: symbols.features.names)
                    ?? "declare it: `features \(name.text)`")
        case .operations:
            if symbols.operations[name.text] != nil { return referenced(.operation, name, file) }
            error(.unknownOperation, "unknown operation `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: symbols.operations.names)
                    ?? "declare it: `operations \(name.text)`")
        case .incidents:
            if symbols.isIncidentType(name.text) { return referenced(.incident, name, file) }
            error(.unknownPlaybook, "unknown incident type `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: symbols.incidentOrder)
                    ?? "declare it: `incidents \(name.text)`")
        case .actions:
            return symbols.customActions[name.text] != nil ? referenced(.action, name, file) : nil
        }
        return nil
    }

    /// Records a resolved use of a declared name in the symbol index and returns the name.
    @discardableResult
    mutating func referenced(_ kind: SymbolIndex.Kind, _ name: Name, _ file: SourceFile) -> String {
        resolved.symbols.add(kind, name.text, name, file)
        return name.text
    }

    /// A word from a fixed set (audit level, severity, …), or nil after reporting P2013.
    mutating func resolveWord(_ name: Name, _ allowed: [String], _ what: String, _ file: SourceFile) -> String? {
        if allowed.contains(name.text) { return name.text }
        error(.unknownValue, "unknown \(what) `\(name.text)`", file, name.span,
              help: Suggestion.help(for: name.text, in: allowed) ?? "expected one of: \(allowed.joined(separator: ", "))")
        return nil
    }

    /// A word of a closed vocabulary, or nil after reporting P2013.
    mutating func resolveWord<Word: ClosedVocabulary>(_ name: Name, _ type: Word.Type, _ file: SourceFile) -> Word? {
        resolveWord(name, Word.words, Word.vocabularyName, file).flatMap(Word.init(rawValue:))
    }
}
