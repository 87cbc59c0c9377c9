/// The canonical layout of `.pol` source, as `policyc fmt` prints it.
///
/// The layout is decided by the grammar, not by the author, wherever it matters for review:
/// - every declaration, every property of a block, every item of a pattern list and every
///   closing `}` starts a line; `{` ends the line that opens a block;
/// - two spaces of indentation per block; a line the author broke inside a property continues
///   four spaces deeper than the property;
/// - one space between tokens, none before `,` `)` `]` `.`, none after `(` `[` `.` or a sign, and
///   an action's argument is attached (`notify(security_team)`);
/// - the values of a block's properties start in one column, two spaces after its longest
///   property name; runs of one-line declarations (`features …`, `operations …`; not the header
///   or imports) align the same way, one space after the longest keyword;
/// - a blank line around every declaration with a block (comments directly above it stay
///   attached), at most one blank line elsewhere where the author left one, none just inside
///   braces;
/// - comments are kept verbatim (trailing white space removed), on their own line or two spaces
///   after the code they follow.
///
/// Tokens are printed exactly as written (`200k` stays `200k`), so the formatted file compiles to
/// the same document; only `policy.digest` and `source` positions, which identify the text,
/// differ. Formatting is idempotent.
public enum SourceFormatter {
    /// Why a file was not formatted: it has syntax errors (the diagnostics say which).
    public struct Failure: Error, Sendable {
        /// The parser's and lexer's errors.
        public let diagnostics: [Diagnostic]
    }

    /// The file in canonical layout, ending with one newline.
    /// - Throws: ``Failure`` when the file does not parse; nothing is formatted then.
    public static func format(_ file: SourceFile) throws(Failure) -> String {
        let (syntax, diagnostics) = Parser.parse(file)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw Failure(diagnostics: errors) }
        var lexer = Lexer(file: file)
        let tokens = Array(lexer.tokenize().dropLast())
        var printer = LayoutPrinter(file: file, tokens: tokens, comments: lexer.comments, breaks: Set(syntax.layoutBreaks))
        return printer.print()
    }
}

/// Prints tokens and comments in the canonical layout (see ``SourceFormatter``).
private struct LayoutPrinter {
    /// A token or a comment, in source order.
    private enum Item {
        case token(Token)
        case comment(Span)

        var span: Span {
            switch self {
            case .token(let token): return token.span
            case .comment(let span): return span
            }
        }
    }

    private let file: SourceFile
    private let items: [Item]
    private let breaks: Set<UInt32>
    /// Per item: it is, or is a comment directly above, a top-level declaration with a block.
    private let leadsToBlock: [Bool]

    /// One printed line, before alignment.
    private struct Line {
        var indent: Int
        var blankBefore: Bool
        var content: [UInt8] = []
        /// Where the line's first space goes (after a property name or declaration keyword),
        /// when the line takes part in alignment.
        var keyEnd: Int?
        /// Lines with the same group align their values, this many spaces after the longest key.
        var group: Int?
        var keyGap = 2
    }

    private var lines: [Line] = []
    private var line: Line?
    /// Alignment: the open blocks' group numbers, innermost last, and the top-level run's.
    private var blockGroups: [Int] = []
    private var topLevelGroup: Int?
    private var nextGroup = 0
    private var depth = 0
    private var previousEnd: UInt32 = 0
    private var previousToken: Token?
    private var previousWasComment = false
    private var afterBlockEnd = false

    /// Words after which `(` opens a group rather than an action's argument.
    private static let groupingWords: Set<Keyword> = [.when, .and, .or, .not, .in, .contains, .has, .least]

    init(file: SourceFile, tokens: [Token], comments: [Span], breaks: Set<UInt32>) {
        self.file = file
        self.breaks = breaks
        var items: [Item] = []
        items.reserveCapacity(tokens.count + comments.count)
        var commentIndex = 0
        for token in tokens {
            while commentIndex < comments.count, comments[commentIndex].start < token.span.start {
                items.append(.comment(comments[commentIndex]))
                commentIndex += 1
            }
            items.append(.token(token))
        }
        items += comments[commentIndex...].map(Item.comment)
        self.items = items

        // Which top-level declarations have a block: a `{` before the next top-level break.
        var blockStarts = Set<Int>()
        var level = 0
        var currentDeclaration: Int?
        for (index, item) in items.enumerated() {
            guard case .token(let token) = item else { continue }
            if level == 0, breaks.contains(token.span.start) { currentDeclaration = index }
            if token.kind == .leftBrace {
                if level == 0, let declaration = currentDeclaration { blockStarts.insert(declaration) }
                level += 1
            } else if token.kind == .rightBrace {
                level = max(0, level - 1)
            }
        }
        var leads = [Bool](repeating: false, count: items.count)
        for index in items.indices.reversed() {
            switch items[index] {
            case .token: leads[index] = blockStarts.contains(index)
            case .comment(let span):
                if index + 1 < items.count {
                    let gap = LayoutPrinter.newlines(in: file.bytes, from: span.end, to: items[index + 1].span.start)
                    leads[index] = gap < 2 && leads[index + 1]
                }
            }
        }
        self.leadsToBlock = leads
    }

    mutating func print() -> String {
        for (index, item) in items.enumerated() {
            switch item {
            case .token(let token): printToken(token, index)
            case .comment(let span): printComment(span, index)
            }
            previousEnd = item.span.end
        }
        if let line { lines.append(line) }
        return render()
    }

    /// Joins the lines, padding the keys of each alignment group to one width.
    private func render() -> String {
        var widths: [Int: Int] = [:]
        for line in lines {
            if let group = line.group, let keyEnd = line.keyEnd { widths[group] = max(widths[group] ?? 0, keyEnd) }
        }
        var out: [UInt8] = []
        for line in lines {
            if line.blankBefore { out.append(0x0A) }
            out += [UInt8](repeating: 0x20, count: line.indent)
            if let group = line.group, let keyEnd = line.keyEnd, let width = widths[group] {
                out += line.content[..<keyEnd]
                out += [UInt8](repeating: 0x20, count: width - keyEnd + line.keyGap)
                out += line.content[(keyEnd + 1)...]
            } else {
                out += line.content
            }
            out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func printToken(_ token: Token, _ index: Int) {
        let isBreak = breaks.contains(token.span.start)
        if token.kind == .rightBrace { depth = max(0, depth - 1) }
        let gap = LayoutPrinter.newlines(in: file.bytes, from: previousEnd, to: token.span.start)
        let attaches = [.leftBrace, .comma, .rightParen, .rightBracket, .dot].contains(token.kind)
        if line == nil || isBreak || previousWasComment || (gap > 0 && !attaches) {
            let continuation = !isBreak && token.kind != .rightBrace
            startLine(index, gap: gap, indent: 2 * depth + (continuation ? 4 : 0), closing: token.kind == .rightBrace)
            if isBreak, token.kind == .word {
                // A property (in a block) or a one-line declaration (at top level) aligns its value.
                if depth > 0 {
                    line?.group = blockGroups.last
                } else if !leadsToBlock[index], token.keyword != .policy, token.keyword != .import {
                    if topLevelGroup == nil {
                        topLevelGroup = nextGroup
                        nextGroup += 1
                    }
                    line?.group = topLevelGroup
                    line?.keyGap = 1
                }
            }
            if line?.group == nil, depth == 0 { topLevelGroup = nil }
        } else if needsSpace(before: token) {
            if let current = line, current.group != nil, current.keyEnd == nil { line?.keyEnd = current.content.count }
            line?.content.append(0x20)
        }
        line?.content += file.bytes[Int(token.span.start)..<Int(token.span.end)]
        previousWasComment = false
        previousToken = token
        if token.kind == .leftBrace {
            depth += 1
            blockGroups.append(nextGroup)
            nextGroup += 1
        }
        if token.kind == .rightBrace {
            blockGroups.removeLast()
            if depth == 0 { afterBlockEnd = true }
        }
    }

    private mutating func printComment(_ span: Span, _ index: Int) {
        var end = Int(span.end)
        while end > Int(span.start), [0x20, 0x09, 0x0D].contains(file.bytes[end - 1]) { end -= 1 }
        let gap = LayoutPrinter.newlines(in: file.bytes, from: previousEnd, to: span.start)
        if gap == 0, line != nil {
            line?.content += [0x20, 0x20]
        } else {
            startLine(index, gap: gap, indent: 2 * depth, closing: false)
            if depth == 0 { topLevelGroup = nil }
        }
        line?.content += file.bytes[Int(span.start)..<end]
        previousWasComment = true
    }

    /// Ends the current line and indents the next, with a blank line between where the layout wants one.
    private mutating func startLine(_ index: Int, gap: Int, indent: Int, closing: Bool) {
        var blank = false
        if let finished = line {
            lines.append(finished)
            let justOpened = previousToken?.kind == .leftBrace && !previousWasComment
            if !closing, !justOpened {
                if depth == 0 {
                    blank = afterBlockEnd || gap >= 2 || (leadsToBlock[index] && !(previousWasComment && gap < 2))
                } else {
                    blank = gap >= 2
                }
            }
        }
        if blank, depth == 0 { topLevelGroup = nil }
        afterBlockEnd = false
        line = Line(indent: indent, blankBefore: blank)
    }

    private func needsSpace(before token: Token) -> Bool {
        guard let previous = previousToken else { return false }
        switch token.kind {
        case .comma, .rightParen, .rightBracket, .dot: return false
        case .leftParen:
            // `notify(x)`: an action's argument; `when (a or b)`: a group.
            if previous.kind == .word, !(previous.keyword.map(LayoutPrinter.groupingWords.contains) ?? false) { return false }
        default: break
        }
        switch previous.kind {
        case .leftParen, .leftBracket, .dot, .minus: return false
        default: return true
        }
    }

    private static func newlines(in bytes: [UInt8], from start: UInt32, to end: UInt32) -> Int {
        guard start < end else { return 0 }
        var count = 0
        for index in Int(start)..<Int(end) where bytes[index] == 0x0A { count += 1 }
        return count
    }
}
