import PolicyLang
import PolicyRuntime

/// `textDocument/completion`: what may be written at the cursor — the keywords the grammar allows
/// there (``GrammarTables``), declared names where a name of a kind is expected, detector
/// categories and detectors after `has` and `redact`, request fields and the values their type
/// takes in conditions, and units after a number. Read from the text before the cursor with the
/// compiler's lexer, so a half-typed file completes as well as a whole one.
extension LanguageServer {
    /// The protocol's `CompletionItemKind` numbers used.
    enum CompletionKind: Int {
        case field = 5, variable = 6, classType = 7, interface = 8, unit = 11, value = 12, keyword = 14, reference = 18
        case enumMember = 20, constant = 21, structure = 22, event = 23
    }

    /// One offered completion.
    struct CompletionItem {
        let label: String
        let kind: CompletionKind
        let detail: String
    }

    /// What may follow a number, with what it means: the lexer's unit suffixes and `%`.
    static let units: [(String, String)] = Quantity.countSuffixes.map { ($0.suffix, $0.meaning) } + [("%", "percent")]
        + Quantity.durationSuffixes.map { ($0.suffix, $0.meaning) }

    mutating func completion(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let analysis = cursor.analyses.first, let bytes = analysis.bytes(of: cursor.path) else { return .array([]) }
        let offset = min(Int(cursor.offset), bytes.count)
        let (items, start) = LanguageServer.completions(before: offset, in: bytes, path: cursor.path, analysis: analysis)
        // Each item replaces what has been typed of it (from `start`), whatever the editor takes
        // for a word: `20` becomes `20k`, `request.mo` becomes `request.model`.
        let range = analysis.range(cursor.path, Span(start: UInt32(start), end: UInt32(offset)))
        return .array(items.map { item in
            .object([.init("label", .string(item.label)), .init("kind", .integer(item.kind.rawValue)), .init("detail", .string(item.detail)),
                     .init("textEdit", LSPJSON.textEdit(range: range, newText: item.label))])
        })
    }

    /// The completions at byte `offset` of a file, and where the text they replace starts.
    static func completions(before offset: Int, in bytes: [UInt8], path: String, analysis: LSPAnalysis) -> ([CompletionItem], Int) {
        // The word being typed (a name; inside a string, the string so far). Nothing in a comment.
        let scan = LSPTextScan.context(bytes, offset)
        if scan.inComment { return ([], offset) }
        let inString = scan.inString
        var start = offset
        while start > 0, Lexer.isNameByte(bytes[start - 1]) { start -= 1 }
        if let stringStart = scan.stringStart { start = stringStart }
        let typed = String(decoding: bytes[start..<offset], as: UTF8.self)
        // After a number: its unit.
        if let first = typed.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), !inString {
            let digits = typed.prefix { $0.isNumber || $0 == "." || $0 == "_" }
            return (units.map { CompletionItem(label: digits + $0.0, kind: .unit, detail: $0.1) }, start)
        }
        // The tokens before the word (before the opening quote, inside a string).
        let tokens = LSPTextScan.tokens(bytes, before: inString ? start - 1 : start)
        let context = Context(tokens: tokens, bytes: bytes, start: inString ? start - 1 : start)
        let symbols = analysis.symbols
        let resolved = analysis.result?.resolved ?? ResolvedPolicy()

        func names(_ kind: SymbolIndex.Kind, _ itemKind: CompletionKind) -> [CompletionItem] {
            symbols.names(of: kind).map { CompletionItem(label: $0, kind: itemKind, detail: kind.rawValue) }
        }
        func words(_ words: [String], _ detail: String) -> [CompletionItem] {
            words.map { CompletionItem(label: $0, kind: .enumMember, detail: detail) }
        }
        func keywords(_ keywords: [Keyword], _ detail: String) -> [CompletionItem] {
            keywords.map { CompletionItem(label: $0.rawValue, kind: .keyword, detail: detail) }
        }
        func quoted(_ values: [String], _ kind: CompletionKind, _ detail: String) -> [CompletionItem] {
            values.map { CompletionItem(label: inString ? $0 : "\"\($0)\"", kind: kind, detail: detail) }
        }
        let modelNames: [String] = resolved.models.flatMap { model -> [String] in [model.id] + model.aliases }
        let models = quoted(modelNames, .structure, "model")
        let controls = quoted(resolved.controls.map { $0.id }, .constant, "control")
        let custom: [String] = resolved.detectors.map { $0.name }
        var targets: [CompletionItem]
        if let category = context.qualifier, DetectorCatalog.categories.contains(category) {
            let inCategory: [String] = DetectorCatalog.detectors(inCategory: category) + custom.filter { $0.hasPrefix(category + ".") }
            targets = inCategory.map { CompletionItem(label: String($0.dropFirst(category.count + 1)), kind: .constant, detail: "detector \($0)") }
        } else {
            targets = DetectorCatalog.categories.map { CompletionItem(label: $0, kind: .constant, detail: "detector category") }
            let all: [String] = DetectorCatalog.entries.map { $0.name } + custom
            targets += all.map { CompletionItem(label: $0, kind: .constant, detail: "detector") }
            targets += names(.patternList, .reference)
        }
        let playbooks = resolved.playbooks.map { CompletionItem(label: $0.incident, kind: .event, detail: "playbook") }

        var items: [CompletionItem]
        switch context.place {
        case .declaration:
            items = keywords(GrammarTables.declarationKeywords.filter { $0 != .policy || !context.afterHeader }, "declaration")
        case .property(let opener):
            switch opener {
            case .retention: items = words(Vocabulary.retentionKinds + ["erasure_within"], "retention setting")
            case .placeholders: items = targets
            default: items = keywords(GrammarTables.properties(opener), "property of \(opener.rawValue)")
            }
        case .value(let opener, let property):
            switch (opener, property) {
            case (.role, .extends): items = names(.role, .classType).filter { $0.label != context.declaredName }
            case (.test, .role): items = names(.role, .classType)
            case (.budget, .scope) where context.previous == "role", (.rateLimit, .scope) where context.previous == "role":
                items = quoted(symbols.names(of: .role), .classType, "role")
            case (.role, .models), (.test, .model): items = models
            case (.role, .features), (.test, .feature): items = names(.feature, .enumMember)
            case (.role, .requiresApproval), (.test, .operations), (.test, .approvals): items = names(.operation, .enumMember)
            case (.role, .audit), (.audit, .defaultLevel), (.test, .audit): items = words(Vocabulary.auditLevels, "audit level")
            case (.role, .block): items = names(.patternList, .reference)
            case (_, .redact), (.test, .detections): items = targets
            case (_, .alert), (_, .highRiskAlert), (.test, .alerts): items = names(.alert, .event)
            case (.rule, .incident), (.test, .playbooks): items = playbooks
            case (_, .reason), (.test, .reasons): items = words(Vocabulary.reasonCodes, "reason code")
            case (_, .controls): items = controls
            case (_, .severity): items = words(AlertSeverity.words, "severity")
            case (_, .scope): items = words(BudgetScope.words, "scope")
            case (.budget, .period): items = words(CalendarPeriod.words, "budget period")
            case (_, .logPrompts), (_, .logResponses): items = words(LogMode.words, "log mode")
            case (_, .encrypt), (_, .failOpen): items = words(["true", "false"], "value")
            case (.detector, .category): items = words(DetectorCatalog.categories, "detector category")
            case (.detector, .validate): items = words(MatchValidation.words, "check")
            case (.test, .expect): items = words(Decision.Outcome.allCases.map(\.rawValue), "decision")
            case (.test, .action): items = words(RequestAction.words, "request action")
            case (.test, .used): items = names(.budget, .value) + names(.rateLimit, .value)
            case (_, .then):
                if context.previous == "(" , context.beforePrevious == "notify" {
                    items = names(.channel, .interface) + words(ActionCatalog.implicitChannels, "built-in channel")
                } else if context.previous == "(" {
                    items = playbooks
                } else {
                    let channels: [String] = symbols.names(of: .channel) + ActionCatalog.implicitChannels
                    let parameterised: [String] = ActionCatalog.parameterised.keys.sorted().filter { $0 != "notify" }
                    items = words(ActionCatalog.plain, "action") + names(.action, .enumMember)
                    items += channels.map { CompletionItem(label: "notify(\($0))", kind: .enumMember, detail: "action") }
                    items += parameterised.map { CompletionItem(label: $0, kind: .enumMember, detail: "action") }
                }
            case (_, .when):
                items = conditionCompletions(context, targets: targets, models: models, names: names, words: words)
            default:
                items = []
            }
        case .none:
            items = []
        }
        return (items.filter { $0.label.hasPrefix(typed) }, start)
    }

    /// Completions inside a condition: after `has`, targets; after a comparison, the values of
    /// the field compared; elsewhere, request fields and the condition keywords.
    private static func conditionCompletions(_ context: Context, targets: [CompletionItem], models: [CompletionItem],
                                             names: (SymbolIndex.Kind, CompletionKind) -> [CompletionItem],
                                             words: ([String], String) -> [CompletionItem]) -> [CompletionItem] {
        if context.afterHas { return targets }
        if let qualifier = context.qualifier {
            return RequestField.allCases.map(\.path).filter { $0.hasPrefix(qualifier + ".") }
                .map { CompletionItem(label: String($0.dropFirst(qualifier.count + 1)), kind: .field, detail: "request field") }
        }
        if let field = context.comparedField.flatMap(RequestField.named) {
            switch field.type {
            case .role: return names(.role, .classType)
            case .model: return models
            case .feature: return names(.feature, .enumMember)
            case .operation, .operationList: return names(.operation, .enumMember)
            case .action: return words(RequestAction.words, "request action")
            case .weekday: return words(Weekday.words, "weekday")
            case .bool: return words(["true", "false"], "value")
            default: return []
            }
        }
        return RequestField.allCases.map { CompletionItem(label: $0.path, kind: .field, detail: $0.type.rawValue) }
            + EditorGrammar.operatorKeywords.map { CompletionItem(label: $0.rawValue, kind: .keyword, detail: "condition") }
    }

    /// Where the cursor is, read from the tokens before the word being typed.
    struct Context {
        /// What may be written at the cursor.
        enum Place {
            /// A new top-level declaration.
            case declaration
            /// A new property of the block `opener` opens.
            case property(Keyword)
            /// A value of `property` in the block `opener` opens (`extends` counts as a property of `role`).
            case value(Keyword, Keyword)
            /// Nothing to offer (inside a comment, a name being declared, …).
            case none
        }

        var place = Place.none
        /// The word before a `.` just before the cursor (`pii` in `pii.em`), when there is one.
        var qualifier: String?
        /// The text of the token before the word being typed.
        var previous: String?
        /// The text of the token before that.
        var beforePrevious: String?
        /// Whether the cursor is in a `has` list.
        var afterHas = false
        /// In a condition, the field on the left of the comparison the cursor is the right side of.
        var comparedField: String?
        /// The name the enclosing declaration declares (a role may not extend itself).
        var declaredName: String?
        /// Whether the file's `policy` header is above the cursor.
        var afterHeader = false

        init(tokens: [Token], bytes: [UInt8], start: Int) {
            func text(_ token: Token) -> String { String(decoding: bytes[Int(token.span.start)..<Int(token.span.end)], as: UTF8.self) }
            // A word being typed right after `word.`: the dotted path before it is its qualifier.
            var end = tokens.count
            if end >= 2, tokens[end - 1].kind == .dot, Int(tokens[end - 1].span.end) == start, tokens[end - 2].kind == .word {
                var first = end - 2
                while first >= 2, tokens[first - 1].kind == .dot, tokens[first - 2].kind == .word { first -= 2 }
                qualifier = tokens[first..<(end - 1)].map(text).joined()
                end = first
            }
            previous = end > 0 ? text(tokens[end - 1]) : nil
            beforePrevious = end > 1 ? text(tokens[end - 2]) : nil
            let typingAtLineStart = end == 0 || bytes[Int(tokens[end - 1].span.end)..<start].contains(0x0A)
            let enclosing = LSPTextScan.enclosing(tokens, upTo: end, bytes)
            afterHeader = enclosing.afterHeader
            guard let opener = enclosing.opener else {
                place = typingAtLineStart ? .declaration : .none
                return
            }
            if enclosing.openerIndex + 1 < end, tokens[enclosing.openerIndex + 1].kind == .word {
                declaredName = text(tokens[enclosing.openerIndex + 1])
            }
            guard let blockStart = enclosing.blockStart else {
                if typingAtLineStart {
                    place = .declaration
                } else if opener == .role, previous == "extends", end - enclosing.openerIndex == 3 {
                    place = .value(.role, .extends)
                }
                return
            }
            // Inside a block: a new property at the start of a line or just after `{`; else the
            // value of the last property keyword that starts a line, follows `{`, or follows a
            // complete value on the same line (`role q { models "a" features |`).
            let properties = GrammarTables.properties(opener)
            if typingAtLineStart || end - 1 == blockStart {
                place = .property(opener)
                return
            }
            let separators: Set<TokenKind> = [.comma, .dot, .leftParen, .leftBracket, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
            let connectives: Set<String> = ["and", "or", "not", "in", "contains", "has", "at", "least"]
            var propertyIndex: Int?
            for index in stride(from: end - 1, to: blockStart, by: -1) where tokens[index].kind == .word {
                guard let keyword = Keyword(rawValue: text(tokens[index])), properties.contains(keyword) else { continue }
                let before = tokens[index - 1]
                if LSPTextScan.isLineStart(tokens, index, bytes) || index - 1 == blockStart
                    || (!separators.contains(before.kind) && !(before.kind == .word && connectives.contains(text(before))) && !(Keyword(rawValue: text(before)).map(properties.contains) ?? false)) {
                    propertyIndex = index
                    break
                }
            }
            guard let propertyIndex, let property = Keyword(rawValue: text(tokens[propertyIndex])) else {
                place = .none
                return
            }
            place = .value(opener, property)
            guard property == .when else { return }
            // In a condition: after `has` (and its list, and `at least N`), or the right side of
            // a comparison.
            var index = end - 1
            while index > propertyIndex {
                let token = tokens[index]
                let word = text(token)
                if token.kind == .word, word == "has" { afterHas = true; break }
                if token.kind == .word, ["and", "or", "not"].contains(word) || token.kind == .leftParen { break }
                if [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(token.kind) || (token.kind == .word && ["in", "contains"].contains(word)) {
                    // The field: the dotted path just before the operator (`not in` skips `not`).
                    var fieldEnd = index
                    if fieldEnd > 0, text(tokens[fieldEnd - 1]) == "not" { fieldEnd -= 1 }
                    var fieldStart = fieldEnd - 1
                    while fieldStart >= 2, tokens[fieldStart - 1].kind == .dot, tokens[fieldStart - 2].kind == .word { fieldStart -= 2 }
                    if fieldStart >= 0, fieldStart < fieldEnd { comparedField = tokens[fieldStart..<fieldEnd].map(text).joined() }
                    break
                }
                if [.word, .comma, .leftBracket, .dot, .string, .number].contains(token.kind) {
                    index -= 1
                    continue
                }
                break
            }
        }
    }
}
