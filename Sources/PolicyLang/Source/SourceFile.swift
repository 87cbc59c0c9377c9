/// One source file: its display path, its bytes, and the offsets where its lines start.
public final class SourceFile: Sendable {
    /// The path as the user gave it (or as resolved from an `import`), used in messages.
    public let path: String
    /// The file's bytes, as read.
    public let bytes: [UInt8]
    /// Offset of the first byte of each line; built once, searched by binary search.
    private let lineStarts: [UInt32]

    /// Wraps bytes read from `path`.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts: [UInt32] = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(UInt32(offset + 1))
        }
        self.lineStarts = starts
    }

    /// Convenience for tests and tools: a file from text.
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// 1-based line and column of an offset; the column counts Unicode scalars, as editors do.
    public func location(of offset: UInt32) -> (line: Int, column: Int) {
        let clamped = min(Int(offset), bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int(lineStarts[mid]) <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = Int(lineStarts[low])
        while index < clamped {
            // Continuation bytes do not start a new column.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (low + 1, column)
    }

    /// The text of a 1-based line without its line break (invalid UTF-8 shown as U+FFFD).
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = Int(lineStarts[line - 1])
        var end = line < lineStarts.count ? Int(lineStarts[line]) - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a span (invalid UTF-8 shown as U+FFFD).
    public func text(of span: Span) -> String {
        let start = min(Int(span.start), bytes.count)
        let end = min(Int(span.end), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// `path:line:col` of an offset, the form decisions and compiled rules cite.
    public func reference(_ offset: UInt32) -> String {
        let (line, column) = location(of: offset)
        return "\(path):\(line):\(column)"
    }
}
