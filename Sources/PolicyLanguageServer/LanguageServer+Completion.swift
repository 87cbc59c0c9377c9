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

    /// Unit suffixes after a number, with what they mean (grammar.md, "Units").
    static let units: [(String, String)] = [
        ("k", "thousand"), ("M", "million"), ("%", "percent"), ("s", "seconds"), ("m", "minutes"), ("h", "hours"),
        ("d", "days"), ("w", "weeks"), ("y", "years of 365 days"),
    ]

    mutating func completion(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let analysis = cursor.analyses.first, let bytes = analysis.bytes(of: cursor.path) else { return .array([]) }
        let offset = min(Int(cursor.offset), bytes.count)
        let items = LanguageServer.completions(before: offset, in: bytes, path: cursor.path, analysis: analysis)
        return .array(items.map { item in
            .object([.init("label", .string(item.label)), .init("kind", .integer(item.kind.rawValue)), .init("detail", .string(item.detail))])
        })
    }

    /// The completions at byte `offset` of a file.
    static func completions(before offset: Int, in bytes: [UInt8], path: String, analysis: LSPAnalysis) -> [CompletionItem] {
        // The word being typed, and whether the cursor is inside a string.
        var start = offset
        while start > 0, isNameOrDotByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
        let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let inString = bytes[lineStart..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) } % 2 == 1
        if inString { start = (bytes[lineStart..<offset].lastIndex(of: UInt8(ascii: "\"")) ?? offset - 1) + 1 }
        let typed = String(decoding: bytes[start..<offset], as: UTF8.self)
        // After a number: its unit.
        if let first = typed.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), !inString {
            let digits = typed.prefix { $0.isNumber || $0 == "." || $0 == "_" }
            return units.map { CompletionItem(label: digits + $0.0, kind: .unit, detail: $0.1) }
        }
        // The tokens before the word being typed.
        var lexer = Lexer(file: SourceFile(path: path, bytes: Array(bytes[..<start])))
        let tokens = lexer.tokenize().filter { $0.kind != .eof }
        let context = Context(tokens: tokens, bytes: bytes, start: start)
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
            items = keywords(GrammarTables.declarationKeywords, "declaration")
        case .property(let opener):
            switch opener {
            case .retention: items = words(Vocabulary.retentionKinds + ["erasure_within"], "retention setting")
            case .placeholders: items = targets
            default: items = keywords(GrammarTables.blockProperties[opener] ?? [], "property of \(opener.rawValue)")
            }
        case .value(let opener, let property):
            switch (opener, property) {
            case (.role, .extends), (.test, .role): items = names(.role, .classType)
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
        let prefix = context.qualifier.map { _ in String(typed.split(separator: ".", omittingEmptySubsequences: false).last ?? "") } ?? typed
        return items.filter { $0.label.hasPrefix(prefix) || ($0.label.hasPrefix("\"") && $0.label.dropFirst().hasPrefix(prefix)) }
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

        init(tokens: [Token], bytes: [UInt8], start: Int) {
            func text(_ token: Token) -> String { String(decoding: bytes[Int(token.span.start)..<Int(token.span.end)], as: UTF8.self) }
            func isLineStart(_ index: Int) -> Bool {
                index == 0 || bytes[Int(tokens[index - 1].span.end)..<Int(tokens[index].span.start)].contains(0x0A)
            }
            // A word being typed right after `word.`: the dot and the word are the last tokens.
            var end = tokens.count
            if end >= 2, tokens[end - 1].kind == .dot, Int(tokens[end - 1].span.end) == start, tokens[end - 2].kind == .word {
                // A dotted path (`request.` or `pii.`): the whole path before the last dot.
                var first = end - 2
                while first >= 2, tokens[first - 1].kind == .dot, tokens[first - 2].kind == .word { first -= 2 }
                qualifier = tokens[first..<(end - 1)].map(text).joined()
                end = first
            }
            previous = end > 0 ? text(tokens[end - 1]) : nil
            beforePrevious = end > 1 ? text(tokens[end - 2]) : nil
            let typingAtLineStart = end == 0 || bytes[Int(tokens[end - 1].span.end)..<start].contains(0x0A)
            // The declaration the cursor is in: the last declaration keyword at line start at depth 0.
            var depth = 0
            var opener: Keyword?
            var openerIndex = 0
            var blockStart: Int?
            for index in 0..<end {
                let token = tokens[index]
                switch token.kind {
                case .leftBrace:
                    depth += 1
                    if depth == 1 { blockStart = index }
                case .rightBrace:
                    depth = max(0, depth - 1)
                    if depth == 0 { blockStart = nil }
                case .word where depth == 0 && isLineStart(index):
                    if let keyword = Keyword(rawValue: text(token)), GrammarTables.declarationKeywords.contains(keyword) {
                        opener = keyword
                        openerIndex = index
                    }
                default: break
                }
            }
            guard let opener else {
                place = typingAtLineStart ? .declaration : .none
                return
            }
            guard depth > 0, let blockStart else {
                if typingAtLineStart {
                    place = .declaration
                } else if opener == .role, previous == "extends", end - openerIndex == 3 {
                    place = .value(.role, .extends)
                }
                return
            }
            // Inside a block: the last property keyword that starts a line or follows `{`.
            let properties = GrammarTables.blockProperties[opener] ?? []
            if typingAtLineStart || end - 1 == blockStart {
                place = .property(opener)
                return
            }
            var propertyIndex: Int?
            for index in stride(from: end - 1, to: blockStart, by: -1) where tokens[index].kind == .word {
                if let keyword = Keyword(rawValue: text(tokens[index])), properties.contains(keyword),
                   isLineStart(index) || index - 1 == blockStart {
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
            // In a condition: after `has` (and its list), or the right side of a comparison.
            var index = end - 1
            while index > propertyIndex {
                let token = tokens[index]
                let word = text(token)
                if token.kind == .word, word == "has" { afterHas = true; break }
                if token.kind == .word, ["and", "or", "not", "least"].contains(word) || token.kind == .leftParen { break }
                if [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(token.kind) || (token.kind == .word && ["in", "contains"].contains(word)) {
                    // The field: the dotted path just before the operator (`not in` skips `not`).
                    var fieldEnd = index
                    if fieldEnd > 0, text(tokens[fieldEnd - 1]) == "not" { fieldEnd -= 1 }
                    var fieldStart = fieldEnd - 1
                    while fieldStart >= 2, tokens[fieldStart - 1].kind == .dot, tokens[fieldStart - 2].kind == .word { fieldStart -= 2 }
                    if fieldStart >= 0, fieldStart < fieldEnd { comparedField = tokens[fieldStart..<fieldEnd].map(text).joined() }
                    break
                }
                if token.kind == .word || token.kind == .comma || token.kind == .leftBracket || token.kind == .dot || token.kind == .string {
                    index -= 1
                    continue
                }
                break
            }
        }
    }
}
