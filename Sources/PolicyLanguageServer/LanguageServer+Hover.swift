import Foundation
import PolicyLang
import PolicyRuntime

/// `textDocument/hover`: what the name under the cursor ends up meaning, from what the checker
/// resolved — a role with its inheritance flattened, a model's provider, window and prices, what a
/// detector or pattern list matches, a keyword's line of the grammar.
extension LanguageServer {
    /// The most lines of a declaration hover quotes.
    static let hoverQuotedLines = 12
    /// The most items of a list hover shows before "and N more".
    static let hoverListItems = 12

    mutating func hover(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let analysis = cursor.analyses.first else { return .null() }
        var markdown: String?
        var span: Span?
        if let target = occurrence(at: cursor),
           let owner = cursor.analyses.first(where: { $0.symbols.occurrence(in: cursor.path, at: cursor.offset) != nil }) {
            markdown = describe(target, owner)
            span = target.span
        } else if let bytes = analysis.bytes(of: cursor.path), let (word, wordSpan) = LSPTextScan.word(at: cursor.offset, in: bytes) {
            // Words in strings and comments are text, not names.
            let context = LSPTextScan.context(bytes, Int(wordSpan.start))
            if !context.inString, !context.inComment {
                let tokens = LSPTextScan.tokens(bytes, before: Int(wordSpan.start))
                let enclosing = LSPTextScan.enclosing(tokens, upTo: tokens.count, bytes)
                markdown = LanguageServer.describeBuiltIn(word, in: enclosing.blockStart == nil ? nil : enclosing.opener)
                span = wordSpan
            }
        }
        guard let markdown else { return .null() }
        let contents: JSONTree = client.markdownHover
            ? .object([.init("kind", .string("markdown")), .init("value", .string(markdown))])
            : .object([.init("kind", .string("plaintext")), .init("value", .string(markdown.replacingOccurrences(of: "**", with: "")))])
        return LSPJSON.object([("contents", contents), ("range", span.map { analysis.range(cursor.path, $0) })])
    }

    /// Hover text for a name the language defines: a built-in detector or category, a request
    /// field, a keyword (its grammar line for the block `opener` opens, when the cursor is in one).
    static func describeBuiltIn(_ word: String, in opener: Keyword?) -> String? {
        if let entry = DetectorCatalog.entry(named: word) {
            return "**detector** `\(entry.name)` (built in)\n\nFinds \(entry.summary); redacted as `\(entry.placeholder)`."
        }
        if DetectorCatalog.categories.contains(word) {
            return "**detector category** `\(word)` (built in)\n\nEvery detector in it:\n\n"
                + DetectorCatalog.entries.filter { $0.name.hasPrefix(word + ".") }.map { "- `\($0.name)`: \($0.summary)" }.joined(separator: "\n")
                + "\n\nand the policy's own detectors of this category."
        }
        if let field = RequestField.named(word) {
            return "**request field** `\(field.path)`: \(field.type.rawValue)\n\n\(field.summary)"
        }
        if let lines = KeywordGrammarLines.lines[word], let first = lines.first {
            // Inside a block, the line of that block's properties (`alert` in a rule is the rule's
            // property, not the alert declaration); a playbook's properties are an alert's.
            let block = opener.map { $0 == .playbook ? Keyword.alert.rawValue : $0.rawValue }
            let line = block.flatMap { prefix in lines.first { $0.hasPrefix(prefix + "_") || $0.hasPrefix(prefix + " ") } } ?? first
            return "**keyword** `\(word)`\n\n```ebnf\n\(line)\n```"
        }
        return nil
    }

    /// Hover text for a declared name.
    private func describe(_ target: SymbolIndex.Occurrence, _ analysis: LSPAnalysis) -> String {
        let resolved = analysis.result?.resolved ?? ResolvedPolicy()
        let declaration = analysis.symbols.declarations(of: target.kind, target.name).first
        let location = declaration.map { "\n\nDeclared at \(LanguageServer.reference($0, analysis))." } ?? ""
        switch target.kind {
        case .role:
            guard let role = resolved.roles.first(where: { $0.name == target.name }) else { break }
            var lines = ["**role** `\(role.name)`" + (role.inherits.isEmpty ? "" : " extends " + role.inherits.map { "`\($0)`" }.joined(separator: " → ")), ""]
            lines.append("- models: " + LanguageServer.list(role.models))
            lines.append("- features: " + LanguageServer.list(role.features))
            lines.append("- max context: " + (role.maxContextTokens.map { GroupedNumber.text($0) + " tokens" } ?? "no limit"))
            lines.append("- audit: " + (role.auditLevel.map { "`\($0.rawValue)`" } ?? "the policy's default level"))
            lines.append("- requires approval for: " + LanguageServer.list(role.requiresApproval))
            lines.append("- blocked patterns: " + LanguageServer.list(role.blockedPatterns.map { pattern in
                LanguageServer.code(pattern.regex.map { "/\(pattern.text)/" + ($0.caseInsensitive ? "i" : "") } ?? pattern.text)
                    + (pattern.list.map { " (\($0))" } ?? "")
            }, rendered: true))
            return lines.joined(separator: "\n") + (role.inherits.isEmpty ? "" : "\n\nInherited grants included.") + location
        case .model:
            guard let model = resolved.models.first(where: { $0.id == target.name }) else { break }
            var lines = ["**model** `\(model.id)`", ""]
            lines.append("- provider: " + (model.provider.map { "`\($0)`" } ?? "not stated"))
            lines.append("- context window: " + (model.contextTokens.map { GroupedNumber.text($0) + " tokens" } ?? "not stated"))
            if let price = model.price {
                if let input = price.inputMicrosPerMillionTokens { lines.append("- input: \(LanguageServer.perThousand(input)) per 1k tokens") }
                if let output = price.outputMicrosPerMillionTokens { lines.append("- output: \(LanguageServer.perThousand(output)) per 1k tokens") }
                if let monthly = price.monthlyMicros { lines.append("- monthly: \(MicroDollars.text(monthly))") }
                if let included = price.includedRequests { lines.append("- includes \(GroupedNumber.text(included)) requests") }
            } else {
                lines.append("- price: not stated")
            }
            if !model.aliases.isEmpty { lines.append("- aliases: " + LanguageServer.list(model.aliases)) }
            if let estimate = model.outputEstimateTokens { lines.append("- output estimate: \(GroupedNumber.text(estimate)) tokens") }
            return lines.joined(separator: "\n") + location
        case .patternList:
            guard let list = resolved.patterns.first(where: { $0.name == target.name }) else { break }
            let terms: [String] = list.terms.map { "\"" + $0 + "\"" }
            let regexes: [String] = list.regexes.map { regex in "/" + regex.pattern + "/" + (regex.caseInsensitive ? "i" : "") }
            let items = terms + regexes
            return "**pattern list** `\(list.name)`" + (list.wholeWord ? " (whole words)" : "")
                + "\n\nMatches (literals ignoring case, regular expressions as their `i` flag says"
                + (list.wholeWord ? ", only as whole words" : "") + "): " + LanguageServer.list(items)
                + "\n\nIn conditions: `prompt has \(list.name)`; in tests' detections: `pattern.\(list.name)`." + location
        case .detector:
            guard let detector = resolved.detectors.first(where: { $0.name.hasSuffix("." + target.name) }) else { break }
            return "**detector** `\(detector.name)`\n\nFinds `/\(detector.pattern)/\(detector.caseInsensitive ? "i" : "")`"
                + (detector.validate.map { " that passes the `\($0.rawValue)` check" } ?? "")
                + "; part of `\(detector.category)`, so `prompt has \(detector.category)` includes it." + location
        default:
            break
        }
        return "**\(target.kind.rawValue)** `\(target.name)`" + quoted(declaration, analysis) + location
    }

    /// The first lines of a declaration's text, as a code block.
    private func quoted(_ declaration: SymbolIndex.Occurrence?, _ analysis: LSPAnalysis) -> String {
        guard let declaration, let bytes = analysis.bytes(of: declaration.path) else { return "" }
        // From the start of the declaration's line, through at most a few lines.
        var start = Int(declaration.span.start)
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        var end = start
        var lines = 0
        var depth = 0
        while end < bytes.count {
            if bytes[end] == UInt8(ascii: "{") { depth += 1 }
            if bytes[end] == UInt8(ascii: "}") { depth -= 1 }
            if bytes[end] == 0x0A {
                lines += 1
                if depth <= 0 || lines >= LanguageServer.hoverQuotedLines { break }
            }
            end += 1
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self).replacingOccurrences(of: "```", with: "`\u{200B}``")
        return "\n\n```pol\n\(text)\n```"
    }

    /// `file:line:column` of an occurrence as the compiler cites it (columns in scalars), the
    /// file relative to the policy's root's directory.
    static func reference(_ occurrence: SymbolIndex.Occurrence, _ analysis: LSPAnalysis) -> String {
        guard let file = analysis.result?.files.first(where: { $0.path == occurrence.path }) else { return occurrence.path }
        let directory = (analysis.root as NSString).deletingLastPathComponent + "/"
        let reference = file.reference(occurrence.span.start)
        return reference.hasPrefix(directory) ? String(reference.dropFirst(directory.count)) : reference
    }

    /// Names as inline code (or items already `rendered`), at most ``hoverListItems``.
    static func list(_ items: [String], rendered: Bool = false) -> String {
        guard !items.isEmpty else { return "none" }
        let shown = items.prefix(hoverListItems).map { rendered ? $0 : code($0) }.joined(separator: ", ")
        return items.count > hoverListItems ? shown + " and \(items.count - hoverListItems) more" : shown
    }

    /// Text as one inline code span (a backtick in it cannot end the span early).
    static func code(_ text: String) -> String {
        "`\(text.replacingOccurrences(of: "`", with: "'"))`"
    }

    /// A price per million tokens as dollars per thousand, exactly (`$0.015`).
    static func perThousand(_ microsPerMillion: Int) -> String {
        // Micro-dollars per million tokens are nano-dollars per thousand: nine decimals.
        let whole = microsPerMillion / 1_000_000_000
        var fraction = String(microsPerMillion % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "$\(whole).\(fraction)"
    }
}
