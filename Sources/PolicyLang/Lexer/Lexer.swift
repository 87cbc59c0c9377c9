import PolicyRuntime

/// Turns a source file's bytes into tokens.
///
/// Works on UTF-8 bytes with an index, never on `Character`s. It never throws and always
/// makes progress: a byte that starts no token becomes an `.illegal` token and a diagnostic,
/// and scanning goes on. Comments (`#` to end of line) are kept aside for the formatter.
public struct Lexer {
    /// The file being scanned.
    public let file: SourceFile
    /// Problems found while scanning.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Spans of comments, in order.
    public private(set) var comments: [Span] = []

    /// Prepares to scan a file.
    public init(file: SourceFile) {
        self.file = file
    }

    /// Scans the whole file. The last token is always `.eof`.
    /// - Complexity: O(n) in the file's size.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(file.bytes.count / 5 + 1)
        file.bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            while true {
                // Skip white space and comments.
                while index < count {
                    let byte = buffer[index]
                    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        index += 1
                    } else if byte == UInt8(ascii: "#") {
                        let start = index
                        while index < count, buffer[index] != 0x0A { index += 1 }
                        comments.append(span(start, index))
                        checkUTF8(buffer, from: start, to: index)
                    } else {
                        break
                    }
                }
                guard index < count else {
                    tokens.append(Token(kind: .eof, span: span(count, count)))
                    return
                }
                let start = index
                let token = scanToken(buffer, &index)
                assert(index > start, "the lexer must make progress")
                tokens.append(token)
            }
        }
        return tokens
    }

    private mutating func scanToken(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Token {
        let start = index
        let byte = buffer[index]
        func single(_ kind: TokenKind) -> Token {
            index += 1
            return Token(kind: kind, span: span(start, index))
        }
        func pair(_ kind: TokenKind, _ longKind: TokenKind) -> Token {
            if index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "=") {
                index += 2
                return Token(kind: longKind, span: span(start, index))
            }
            return single(kind)
        }
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return scanWord(buffer, &index)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber(buffer, &index, kind: .number)
        case UInt8(ascii: "$"):
            index += 1
            guard index < buffer.count, isDigit(buffer[index]) else {
                report(.invalidNumber, "expected digits after `$`", start, index)
                return Token(kind: .illegal, span: span(start, index))
            }
            return scanNumber(buffer, &index, kind: .money, start: start)
        case UInt8(ascii: "\""):
            return scanString(buffer, &index)
        case UInt8(ascii: "/"):
            return scanRegex(buffer, &index)
        case UInt8(ascii: "{"): return single(.leftBrace)
        case UInt8(ascii: "}"): return single(.rightBrace)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "."): return single(.dot)
        case UInt8(ascii: "-"): return single(.minus)
        case UInt8(ascii: "<"): return pair(.less, .lessEqual)
        case UInt8(ascii: ">"): return pair(.greater, .greaterEqual)
        case UInt8(ascii: "="):
            if index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "=") {
                index += 2
                return Token(kind: .equal, span: span(start, index))
            }
            index += 1
            report(.unexpectedCharacter, "unexpected `=`", start, index, help: "compare with `==`")
            return Token(kind: .illegal, span: span(start, index))
        case UInt8(ascii: "!"):
            if index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "=") {
                index += 2
                return Token(kind: .notEqual, span: span(start, index))
            }
            index += 1
            report(.unexpectedCharacter, "unexpected `!`", start, index, help: "negate a condition with `not`")
            return Token(kind: .illegal, span: span(start, index))
        default:
            return scanIllegal(buffer, &index)
        }
    }

    private mutating func scanWord(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Token {
        let start = index
        while index < buffer.count, isWordByte(buffer[index]) { index += 1 }
        let length = index - start
        if length > Limits.maxWordBytes {
            report(.tokenTooLong, "name is \(length) bytes long; the limit is \(Limits.maxWordBytes)", start, index)
            return Token(kind: .illegal, span: span(start, index))
        }
        let keyword = KeywordTable.lookup(UnsafeBufferPointer(rebasing: buffer[start..<index]))
        return Token(kind: .word, span: span(start, index), keyword: keyword)
    }

    private mutating func scanNumber(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int, kind: TokenKind, start: Int? = nil) -> Token {
        let start = start ?? index
        var kind = kind
        while index < buffer.count, isDigit(buffer[index]) || buffer[index] == UInt8(ascii: "_") { index += 1 }
        if index + 1 < buffer.count, buffer[index] == UInt8(ascii: "."), isDigit(buffer[index + 1]) {
            index += 1
            while index < buffer.count, isDigit(buffer[index]) || buffer[index] == UInt8(ascii: "_") { index += 1 }
        }
        // A unit suffix sticks to the number: 200k, 30d.
        while index < buffer.count, isWordByte(buffer[index]) { index += 1 }
        if kind == .number, index < buffer.count, buffer[index] == UInt8(ascii: "%") {
            index += 1
            kind = .percent
        }
        if index - start > Limits.maxNumberBytes {
            report(.tokenTooLong, "number is \(index - start) characters long; the limit is \(Limits.maxNumberBytes)", start, index)
            return Token(kind: .illegal, span: span(start, index))
        }
        return Token(kind: kind, span: span(start, index))
    }

    private mutating func scanString(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Token {
        let start = index
        index += 1
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                if index - start > Limits.maxStringBytes {
                    report(.tokenTooLong, "string is \(index - start) bytes long; the limit is \(Limits.maxStringBytes)", start, start + 1)
                    return Token(kind: .illegal, span: span(start, index))
                }
                return Token(kind: .string, span: span(start, index))
            }
            if byte == 0x0A { break }
            if byte == UInt8(ascii: "\\"), index + 1 < buffer.count, buffer[index + 1] != 0x0A {
                index += 2
                continue
            }
            if byte >= 0x80 {
                let length = utf8SequenceLength(buffer, at: index)
                if length == 0 {
                    report(.invalidUTF8, "invalid UTF-8 in string", index, index + 1)
                    index += 1
                } else {
                    index += length
                }
                continue
            }
            index += 1
        }
        report(.unterminatedString, "unterminated string", start, index, help: "close the string with `\"` on the same line")
        return Token(kind: .illegal, span: span(start, index))
    }

    private mutating func scanRegex(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Token {
        let start = index
        index += 1
        while index < buffer.count, buffer[index] != UInt8(ascii: "/"), buffer[index] != 0x0A {
            index += buffer[index] == UInt8(ascii: "\\") && index + 1 < buffer.count && buffer[index + 1] != 0x0A ? 2 : 1
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "/") {
            index += 1
            while index < buffer.count, isWordByte(buffer[index]) { index += 1 }
            return Token(kind: .regex, span: span(start, index))
        }
        report(.unexpectedCharacter, "unexpected `/`", start, start + 1,
               help: "a regular expression is written `/pattern/` or `/pattern/i`, on one line")
        index = start + 1
        return Token(kind: .illegal, span: span(start, index))
    }

    private mutating func scanIllegal(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Token {
        let start = index
        let byte = buffer[index]
        if byte >= 0x80 {
            let length = utf8SequenceLength(buffer, at: index)
            if length == 0 {
                // Swallow the run of invalid bytes so garbage gives one error, not thousands.
                while index < buffer.count, buffer[index] >= 0x80, utf8SequenceLength(buffer, at: index) == 0 { index += 1 }
                report(.invalidUTF8, "invalid UTF-8", start, index)
            } else {
                index += length
                let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
                report(.unexpectedCharacter, "unexpected character `\(text)`", start, index,
                       help: "names use ASCII letters, digits and `_`; put other text in a string")
            }
        } else {
            index += 1
            let shown = byte >= 0x20 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
            report(.unexpectedCharacter, "unexpected \(shown)", start, index)
        }
        return Token(kind: .illegal, span: span(start, index))
    }

    /// Validates UTF-8 in a comment, where anything else is allowed.
    private mutating func checkUTF8(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        var index = start
        while index < end {
            if buffer[index] < 0x80 { index += 1; continue }
            let length = utf8SequenceLength(buffer, at: index)
            if length == 0 || index + length > end {
                report(.invalidUTF8, "invalid UTF-8 in comment", index, index + 1)
                return
            }
            index += length
        }
    }

    private func utf8SequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        UTF8Validation.sequenceLength(buffer, at: index)
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ start: Int, _ end: Int, help: String? = nil) {
        diagnostics.append(Diagnostic(.error, code, message, file: file, span: span(start, end), help: help))
    }

    @inline(__always) private func span(_ start: Int, _ end: Int) -> Span {
        Span(start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end))
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

extension Lexer {
    /// Whether a byte may be part of a name (`[A-Za-z0-9_]`; a name starts with a letter or `_`):
    /// the lexer's rule, for tools that find the word around a cursor.
    public static func isNameByte(_ byte: UInt8) -> Bool { isWordByte(byte) }

    /// Whether `text` is a whole name as the lexer reads one, within the length limit.
    public static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !isDigit(first), text.utf8.count <= Limits.maxWordBytes else { return false }
        return text.utf8.allSatisfy(isWordByte)
    }
}

@inline(__always) func isWordByte(_ byte: UInt8) -> Bool {
    let lower = byte | 0x20
    return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || isDigit(byte) || byte == UInt8(ascii: "_")
}

/// Keyword recognition without building a `String` per word: a small open-addressing table
/// keyed by FNV-1a of the bytes, each hit confirmed by comparing bytes.
enum KeywordTable {
    private static let size = 256
    private static let table: [(bytes: [UInt8], keyword: Keyword)?] = {
        var slots = [(bytes: [UInt8], keyword: Keyword)?](repeating: nil, count: size)
        for keyword in Keyword.allCases {
            let bytes = Array(keyword.rawValue.utf8)
            var slot = Int(hash(bytes) % UInt64(size))
            while slots[slot] != nil { slot = (slot + 1) % size }
            slots[slot] = (bytes, keyword)
        }
        return slots
    }()

    static func lookup(_ word: UnsafeBufferPointer<UInt8>) -> Keyword? {
        guard word.count <= 20 else { return nil }
        var slot = Int(hash(word) % UInt64(size))
        while let entry = table[slot] {
            if entry.bytes.count == word.count, entry.bytes.elementsEqual(word) { return entry.keyword }
            slot = (slot + 1) % size
        }
        return nil
    }

    @inline(__always) private static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        return value
    }
}
