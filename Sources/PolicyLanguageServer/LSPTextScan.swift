import PolicyLang

/// What the text around a cursor is, read from bytes with the lexer's rules: the word under it,
/// and whether it is inside a string or a comment (where names are not names). Hover and
/// completion share these.
enum LSPTextScan {
    /// A byte of a name or of a dotted name (`pii.email`, `request.model`).
    static func isNameOrDotByte(_ byte: UInt8) -> Bool {
        Lexer.isNameByte(byte) || byte == UInt8(ascii: ".")
    }

    /// Where the cursor's line starts.
    static func lineStart(_ bytes: [UInt8], _ offset: Int) -> Int {
        bytes[..<min(offset, bytes.count)].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    }

    /// Whether byte `offset` is inside a string literal or a comment of its line: strings and
    /// comments end at the line's end, so the line before the cursor says it (`\"` escapes a
    /// quote; `#` outside a string starts a comment).
    static func context(_ bytes: [UInt8], _ offset: Int) -> (inString: Bool, inComment: Bool, stringStart: Int?) {
        var inString = false
        var stringStart: Int?
        var index = lineStart(bytes, offset)
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                stringStart = index + 1
            } else if byte == UInt8(ascii: "#") {
                return (false, true, nil)
            }
            index += 1
        }
        return (inString, false, inString ? stringStart : nil)
    }

    /// The dotted word (`pii.email`, `request.model`, `role`) around a byte offset, and its span;
    /// nil for a number with a unit (`200k`) or nothing.
    static func word(at offset: UInt32, in bytes: [UInt8]) -> (String, Span)? {
        var start = min(Int(offset), bytes.count)
        var end = start
        while start > 0, isNameOrDotByte(bytes[start - 1]) { start -= 1 }
        while end < bytes.count, isNameOrDotByte(bytes[end]) { end += 1 }
        guard start < end, !(bytes[start] >= UInt8(ascii: "0") && bytes[start] <= UInt8(ascii: "9")) else { return nil }
        return (String(decoding: bytes[start..<end], as: UTF8.self), Span(start: UInt32(start), end: UInt32(end)))
    }

    /// The top-level declaration tokens before a cursor are in.
    struct Enclosing {
        /// The keyword that began it (`role`, `rule`, …), nil before the first declaration.
        var opener: Keyword?
        /// Where that keyword is among the tokens.
        var openerIndex = 0
        /// Where its block's `{` is, when the cursor is inside the block.
        var blockStart: Int?
        /// Whether the file's `policy` header came before.
        var afterHeader = false
    }

    /// The tokens of `bytes` before `end`, comments left out (the lexer keeps them apart).
    static func tokens(_ bytes: [UInt8], before end: Int) -> [Token] {
        var lexer = Lexer(file: SourceFile(path: "", bytes: Array(bytes[..<min(end, bytes.count)])))
        return lexer.tokenize().filter { $0.kind != .eof }
    }

    /// Whether token `index` is the first of its line.
    static func isLineStart(_ tokens: [Token], _ index: Int, _ bytes: [UInt8]) -> Bool {
        index == 0 || bytes[Int(tokens[index - 1].span.end)..<Int(tokens[index].span.start)].contains(0x0A)
    }

    /// The declaration the first `end` tokens leave the cursor in: the last declaration keyword
    /// at the start of a line outside any block (blocks do not nest).
    static func enclosing(_ tokens: [Token], upTo end: Int, _ bytes: [UInt8]) -> Enclosing {
        var result = Enclosing()
        var depth = 0
        for index in 0..<end {
            let token = tokens[index]
            switch token.kind {
            case .leftBrace:
                depth += 1
                if depth == 1 { result.blockStart = index }
            case .rightBrace:
                depth = max(0, depth - 1)
                if depth == 0 { result.blockStart = nil }
            case .word where depth == 0 && isLineStart(tokens, index, bytes):
                let text = String(decoding: bytes[Int(token.span.start)..<Int(token.span.end)], as: UTF8.self)
                if let keyword = Keyword(rawValue: text), GrammarTables.declarationKeywords.contains(keyword) {
                    result.opener = keyword
                    result.openerIndex = index
                    if keyword == .policy { result.afterHeader = true }
                }
            default: break
            }
        }
        return result
    }
}
