/// Recursive-descent parser for `.pol` files.
///
/// Never throws on bad input: it reports a diagnostic, recovers (to the next property in a
/// block, or to the next declaration at the start of a line) and always returns a complete
/// tree. As in Go's parser, a second error on the same line is dropped, since it is almost
/// always a consequence of the first.
public struct Parser {
    let file: SourceFile
    let tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic]
    var lastErrorLine = -1
    var depth = 0
    var comments: [Span]
    /// Where the canonical layout starts a line: each declaration, each property of a block, each
    /// item of a pattern list, and each block's closing `}` (byte offsets, for the formatter).
    var layoutBreaks: [UInt32] = []

    /// Parses one file: lexing, then parsing. Diagnostics include the lexer's.
    public static func parse(_ file: SourceFile) -> (syntax: PolicyFileSyntax, diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(file: file, tokens: tokens, diagnostics: [], comments: lexer.comments)
        for diagnostic in lexer.diagnostics {
            parser.error(diagnostic.code, diagnostic.message, at: diagnostic.span, help: diagnostic.help)
        }
        let syntax = parser.parseFile()
        return (syntax, parser.diagnostics)
    }

    init(file: SourceFile, tokens: [Token], diagnostics: [Diagnostic], comments: [Span]) {
        self.file = file
        self.tokens = tokens
        self.diagnostics = diagnostics
        self.comments = comments
    }

    // MARK: - Token access

    var current: Token { tokens[position] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func at(_ kind: TokenKind) -> Bool { current.kind == kind }

    func at(_ keyword: Keyword) -> Bool { current.kind == .word && current.keyword == keyword }

    func text(_ token: Token) -> String {
        String(decoding: file.bytes[Int(token.span.start)..<Int(token.span.end)], as: UTF8.self)
    }

    /// Whether the current token is the first on its line; recovery resumes only at such tokens.
    var atLineStart: Bool {
        guard position > 0 else { return true }
        let previousEnd = Int(tokens[position - 1].span.end)
        let start = Int(current.span.start)
        return file.bytes[previousEnd..<start].contains(0x0A)
    }

    /// What a diagnostic calls the current token: its text for words and punctuation.
    var currentDescription: String {
        switch current.kind {
        case .eof: return "end of file"
        case .illegal: return "an invalid character"
        case .string: return "a string"
        default:
            let shown = text(current)
            return shown.utf8.count > 40 ? current.kind.display : "`\(shown)`"
        }
    }

    // MARK: - Errors

    mutating func error(_ code: DiagnosticCode, _ message: String, at span: Span, help: String? = nil) {
        let line = file.location(of: span.start).line
        // A second lexical or syntax error on a line is almost always noise caused by the first.
        if line == lastErrorLine { return }
        lastErrorLine = line
        diagnostics.append(Diagnostic(.error, code, message, file: file, span: span, help: help))
    }

    mutating func expected(_ what: String, help: String? = nil) {
        // The lexer already reported an illegal token; do not pile on.
        if current.kind == .illegal { return }
        error(.expectedToken, "expected \(what), found \(currentDescription)", at: current.span, help: help)
    }

    // MARK: - Expect helpers

    @discardableResult
    mutating func expect(_ kind: TokenKind, _ what: String? = nil) -> Token? {
        guard at(kind) else {
            expected(what ?? kind.display)
            return nil
        }
        let token = current
        advance()
        return token
    }

    mutating func expectName(_ what: String) -> Name? {
        guard at(.word) else {
            expected(what)
            return nil
        }
        let name = Name(text: text(current), span: current.span)
        advance()
        return name
    }

    mutating func expectString(_ what: String) -> StringLiteral? {
        guard at(.string) else {
            expected(what)
            return nil
        }
        let literal = stringLiteral(current)
        advance()
        return literal
    }

    /// A number, money or percent literal, with an optional leading `-` so that negative
    /// values get a clear checker error rather than a syntax error.
    mutating func expectQuantity(_ what: String) -> Quantity? {
        var negative = false
        var start = current.span.start
        if at(.minus) {
            negative = true
            start = current.span.start
            advance()
        }
        guard at(.number) || at(.money) || at(.percent) else {
            expected(what)
            return nil
        }
        let token = current
        advance()
        let span = Span(start: start, end: token.span.end)
        switch Quantity.parse(bytes: file.bytes[Int(token.span.start)..<Int(token.span.end)], span: span) {
        case .success(var quantity):
            quantity.negative = negative
            if negative { quantity.text = "-" + quantity.text }
            return quantity
        case .failure(let failure):
            var help: String?
            if case .unknownSuffix = failure {
                help = "units are k and M for counts, s m h d w y for durations, $ for money and % for percentages"
            }
            error(.invalidNumber, "\(failure.message) in `\(text(token))`", at: token.span, help: help)
            return nil
        }
    }

    /// Comma-separated names: `a, b, c`.
    mutating func nameList(_ what: String) -> [Name] {
        var names: [Name] = []
        repeat {
            if !names.isEmpty { advance() }
            guard let name = expectName(what) else { break }
            names.append(name)
        } while at(.comma)
        return names
    }

    /// Comma-separated strings: `"a", "b"`.
    mutating func stringList(_ what: String) -> [StringLiteral] {
        var items: [StringLiteral] = []
        repeat {
            if !items.isEmpty { advance() }
            if at(.regex) {
                reportRegex()
                continue
            }
            guard let item = expectString(what) else { break }
            items.append(item)
        } while at(.comma)
        return items
    }

    mutating func reportRegex() {
        error(.regexNotAllowedHere, "a regular expression is not allowed here", at: current.span,
              help: "regular expressions may be used in pattern lists and in a role's `block`; write a string here")
        advance()
    }

    /// The current `/pattern/flags` token as a regex literal (flags other than `i` are errors).
    mutating func regexLiteral() -> RegexLiteralSyntax? {
        let token = current
        advance()
        let bytes = file.bytes[Int(token.span.start)..<Int(token.span.end)]
        guard let close = bytes.lastIndex(of: UInt8(ascii: "/")), close > bytes.startIndex else { return nil }
        let pattern = String(decoding: bytes[(bytes.startIndex + 1)..<close], as: UTF8.self)
        var caseInsensitive = false
        for (offset, flag) in bytes[(close + 1)...].enumerated() {
            guard flag == UInt8(ascii: "i") else {
                let at = UInt32(close + 1 + offset)
                error(.invalidRegex, "unknown regular expression flag `\(Character(Unicode.Scalar(flag)))`", at: Span(start: at, end: at + 1),
                      help: "the only flag is `i` (case-insensitive)")
                return nil
            }
            caseInsensitive = true
        }
        return RegexLiteralSyntax(pattern: pattern, caseInsensitive: caseInsensitive, span: token.span)
    }

    /// Decodes a string token's escapes: `\"` `\\` `\n` `\t` `\r` `\u{…}`.
    mutating func stringLiteral(_ token: Token) -> StringLiteral {
        let start = Int(token.span.start) + 1
        let end = Int(token.span.end) - 1
        let bytes = file.bytes
        guard bytes[start..<end].contains(UInt8(ascii: "\\")) else {
            return StringLiteral(value: String(decoding: bytes[start..<end], as: UTF8.self), span: token.span)
        }
        var value: [UInt8] = []
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                value.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): value.append(escape); index += 2
            case UInt8(ascii: "n"): value.append(0x0A); index += 2
            case UInt8(ascii: "t"): value.append(0x09); index += 2
            case UInt8(ascii: "r"): value.append(0x0D); index += 2
            case UInt8(ascii: "u"):
                var cursor = index + 2
                var scalarValue: UInt32 = 0
                var digits = 0
                var valid = cursor < end && bytes[cursor] == UInt8(ascii: "{")
                if valid {
                    cursor += 1
                    while cursor < end, let digit = hexValue(bytes[cursor]), digits < 6 {
                        scalarValue = scalarValue << 4 | UInt32(digit)
                        digits += 1
                        cursor += 1
                    }
                    valid = digits > 0 && cursor < end && bytes[cursor] == UInt8(ascii: "}")
                }
                if valid, let scalar = Unicode.Scalar(scalarValue) {
                    value.append(contentsOf: Array(String(Character(scalar)).utf8))
                    index = cursor + 1
                } else {
                    let escapeSpan = Span(start: UInt32(index), end: UInt32(min(end, max(cursor, index + 2))))
                    error(.invalidEscape, "invalid unicode escape", at: escapeSpan, help: "write a code point as `\\u{1F600}`")
                    index += 2
                }
            default:
                let escapeSpan = Span(start: UInt32(index), end: UInt32(index + 2))
                let shown = escape < 0x80 ? String(Character(Unicode.Scalar(escape))) : "…"
                error(.invalidEscape, "invalid escape `\\\(shown)`", at: escapeSpan,
                      help: "strings allow \\\" \\\\ \\n \\t \\r and \\u{…}")
                index += 2
            }
        }
        return StringLiteral(value: String(decoding: value, as: UTF8.self), span: token.span)
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
