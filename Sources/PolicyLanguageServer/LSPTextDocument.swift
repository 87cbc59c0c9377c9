/// An open editor buffer as the language server keeps it (issue 14, `policyc lsp`): the text as
/// UTF-8 bytes, which the compiler reads, and the conversions between the protocol's positions —
/// a line and a column counted in UTF-16 code units, as the Language Server Protocol requires by
/// default — and byte offsets. Edits (`textDocument/didChange`, whole or by range) are applied
/// here.
public struct LSPTextDocument: Sendable, Equatable {
    /// A protocol position: zero-based line, and column in UTF-16 code units.
    public struct Position: Sendable, Equatable {
        /// The line, from 0.
        public var line: Int
        /// The column in UTF-16 code units, from 0.
        public var character: Int

        /// Creates a position.
        public init(line: Int, character: Int) {
            self.line = line
            self.character = character
        }
    }

    /// The text.
    public private(set) var bytes: [UInt8]
    /// The version the editor gave with the last change.
    public private(set) var version: Int
    /// Where each line starts, in bytes (the first is 0). A line ends at LF, CR LF or CR, as the
    /// protocol counts lines.
    private var lineStarts: [Int]
    /// Whether each line is ASCII: then a column is a byte count, found without walking the line
    /// (a policy with a 100,000-character line must not make each position cost a walk of it).
    private var asciiLines: [Bool]

    /// A document with `text` at `version`.
    public init(text: String, version: Int) {
        self.init(bytes: Array(text.utf8), version: version)
    }

    /// A line table for bytes the compiler read (version 0 unless given).
    public init(bytes: [UInt8], version: Int = 0) {
        self.bytes = bytes
        self.version = version
        (lineStarts, asciiLines) = LSPTextDocument.lines(bytes)
    }

    /// The text as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The number of lines (an empty text has one).
    public var lineCount: Int { lineStarts.count }

    private static func lines(_ bytes: [UInt8]) -> ([Int], [Bool]) {
        var starts = [0]
        var ascii = [true]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                starts.append(index + 1)
                ascii.append(true)
            } else if bytes[index] == 0x0D {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                starts.append(index + 1)
                ascii.append(true)
            } else if bytes[index] >= 0x80 {
                ascii[ascii.count - 1] = false
            }
            index += 1
        }
        return (starts, ascii)
    }

    /// Where line `line`'s content ends (before its line break).
    private func contentEnd(ofLine line: Int) -> Int {
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        if end > lineStarts[line], bytes[end - 1] == 0x0A { end -= 1 }
        if end > lineStarts[line], bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column past
    /// the line's end is the line's end (the protocol says to clamp); a column inside a
    /// character's UTF-16 pair is that character's start.
    public func offset(of position: Position) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < lineStarts.count else { return bytes.count }
        let start = lineStarts[position.line]
        let end = contentEnd(ofLine: position.line)
        if asciiLines[position.line] { return start + min(max(0, position.character), end - start) }
        var units = 0
        var index = start
        while index < end, units < position.character {
            let length = LSPTextDocument.sequenceLength(bytes[index])
            let width = length == 4 ? 2 : 1
            if units + width > position.character { break }
            units += width
            index = min(end, index + length)
        }
        return index
    }

    /// The position of a byte offset (clamped to the text).
    public func position(of offset: Int) -> Position {
        let offset = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let end = min(offset, contentEnd(ofLine: low))
        if asciiLines[low] { return Position(line: low, character: max(0, end - lineStarts[low])) }
        var units = 0
        var index = lineStarts[low]
        while index < end {
            let length = LSPTextDocument.sequenceLength(bytes[index])
            units += length == 4 ? 2 : 1
            index += length
        }
        return Position(line: low, character: units)
    }

    /// The bytes a UTF-8 sequence starting with `lead` takes (1 for a byte that cannot start one,
    /// so that invalid text still moves forward).
    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF4: return 4
        case 0xE0...0xEF: return 3
        case 0xC2...0xDF: return 2
        default: return 1
        }
    }

    /// Applies one change: the range from `start` to `end` replaced by `text`, or the whole text
    /// when no range is given; the document is then at `version`.
    public mutating func apply(_ text: String, from start: Position? = nil, to end: Position? = nil, version: Int) {
        if let start, let end {
            let lower = offset(of: start)
            let upper = max(lower, offset(of: end))
            bytes.replaceSubrange(lower..<upper, with: Array(text.utf8))
        } else {
            bytes = Array(text.utf8)
        }
        self.version = version
        (lineStarts, asciiLines) = LSPTextDocument.lines(bytes)
    }
}
