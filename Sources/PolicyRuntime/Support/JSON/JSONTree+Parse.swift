/// Reading JSON text into a ``JSONTree``.
extension JSONTree {
    /// Parses a whole document.
    /// - Parameter maximumDepth: the deepest nesting of arrays and objects accepted.
    /// - Throws: ``SyntaxError`` at the first problem.
    /// - Complexity: O(n) in the document's size; duplicate keys are found with a hash set in
    ///   large objects, so no input makes it quadratic.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = JSONTree.maximumDepth) throws(SyntaxError) -> JSONTree {
        try bytes.withUnsafeBufferPointer { buffer throws(SyntaxError) in try parse(buffer, maximumDepth: maximumDepth) }
    }

    /// Parses a whole document held in a buffer.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int = JSONTree.maximumDepth) throws(SyntaxError) -> JSONTree {
        var reader = TreeReader(bytes: buffer, maximumDepth: maximumDepth)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == buffer.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }
}

/// The recursive-descent reader behind ``JSONTree/parse(_:maximumDepth:)``.
private struct TreeReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0

    /// Objects with more members than this find duplicates with a hash set instead of comparing
    /// each new key with every earlier one.
    private static let linearDuplicateCheckLimit = 16

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONTree.SyntaxError {
        JSONTree.SyntaxError(message: message, offset: offset ?? index)
    }

    mutating func skipSpace() {
        while index < bytes.count, JSONScan.isSpace(bytes[index]) { index += 1 }
    }

    var found: String {
        guard index < bytes.count else { return "the end of the input" }
        let byte = bytes[index]
        return byte >= 0x21 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x\(String(byte, radix: 16))"
    }

    mutating func value(depth: Int) throws(JSONTree.SyntaxError) -> JSONTree {
        guard index < bytes.count else { throw error("expected a value, found the end of the input") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try object(depth: depth, start: start)
        case UInt8(ascii: "["):
            guard depth < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
            index += 1
            var items: [JSONTree] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array([], offset: start)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw error("expected `,` or `]`, found the end of the input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw error("expected `,` or `]`, found \(found)") }
                index += 1
                return .array(items, offset: start)
            }
        case UInt8(ascii: "\""):
            return .string(try string(), offset: start)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true, offset: start)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false, offset: start)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null(offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number(), offset: start)
        default:
            throw error("expected a value, found \(found)")
        }
    }

    private mutating func object(depth: Int, start: Int) throws(JSONTree.SyntaxError) -> JSONTree {
        guard depth < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        index += 1
        var members: [JSONTree.Member] = []
        var keyRanges: [Range<Int>] = []  // raw key bytes, for the duplicate check
        var keySet: Set<[UInt8]>?
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([], offset: start)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key in quotes, found \(found)") }
            let keyOffset = index
            let key = try string()
            try checkUnique(key, at: keyOffset, &keyRanges, &keySet, previous: members)
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected `:` after the key, found \(found)") }
            index += 1
            skipSpace()
            members.append(JSONTree.Member(key, try value(depth: depth + 1), keyOffset: keyOffset))
            skipSpace()
            guard index < bytes.count else { throw error("expected `,` or `}`, found the end of the input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected `,` or `}`, found \(found)") }
            index += 1
            return .object(members, offset: start)
        }
    }

    /// Refuses a key already present in the object, comparing UTF-8 bytes (two spellings that
    /// Swift's `String` would call equal are different keys to other JSON readers).
    private func checkUnique(_ key: String, at offset: Int, _ ranges: inout [Range<Int>], _ set: inout Set<[UInt8]>?,
                             previous members: [JSONTree.Member]) throws(JSONTree.SyntaxError) {
        let duplicate: Bool
        if set == nil, members.count < TreeReader.linearDuplicateCheckLimit {
            duplicate = members.contains { $0.key.utf8.elementsEqual(key.utf8) }
        } else {
            if set == nil { set = Set(members.map { Array($0.key.utf8) }) }
            duplicate = !set!.insert(Array(key.utf8)).inserted
        }
        guard !duplicate else { throw error("duplicate key \"\(key)\"", at: offset) }
    }

    private mutating func literal(_ word: StaticString) throws(JSONTree.SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("expected a value, found \(found)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("expected a value, found \(found)")
        }
        index += count
    }

    mutating func number() throws(JSONTree.SyntaxError) -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("expected digits in a number") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw error("a number cannot start with 0", at: integerStart) }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("expected digits after the decimal point") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        guard index - start <= 40 else { throw error("number longer than 40 characters", at: start) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// A string (the reader is on its opening quote), unescaped and validated as UTF-8.
    mutating func string() throws(JSONTree.SyntaxError) -> String {
        let start = index
        index += 1
        var scan = JSONScan.plainRunEnd(bytes, from: index)
        if scan < bytes.count, bytes[scan] == UInt8(ascii: "\"") {
            // The common case: plain ASCII, no escapes.
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<scan]), as: UTF8.self)
            index = scan + 1
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(scan - index + 16)
        while true {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<scan]))
            index = scan
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if let problem = JSONEscape.decode(bytes, at: &index, into: &out) { throw error(problem) }
            case 0x00..<0x20:
                throw error("control character in a string (escape it)")
            default:
                let length = UTF8Validation.sequenceLength(bytes, at: index)
                guard length > 0 else { throw error("invalid UTF-8 in a string") }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
            scan = JSONScan.plainRunEnd(bytes, from: index)
        }
    }
}
