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
        var reader = TreeReader(bytes: buffer, maximumDepth: maximumDepth, canonical: false)
        return try reader.document()
    }

    /// A parsed document with its RFC 8785 form (``writeCanonical(into:)``), written while
    /// parsing rather than by a second walk over the tree, and where each top-level member's
    /// `"key":value` lies in it (so a digest can leave members out).
    public struct CanonicalDocument: Sendable {
        /// The tree.
        public let tree: JSONTree
        /// The canonical bytes of the whole document.
        public let canonical: [UInt8]
        /// For a top-level object: each member's key and the byte range of its `"key":value` in
        /// `canonical`, in canonical (sorted) order.
        public let members: [(key: String, range: Range<Int>)]

        /// Feeds the canonical form of the top-level object without the members named in
        /// `excluded` to `hasher`, in place (no copy of a document that may be megabytes).
        public func hash(excluding excluded: [String], into hasher: inout SHA256) {
            forEachChunk(excluding: excluded) { hasher.update($0) }
        }

        /// The canonical form of the top-level object without the members named in `excluded`.
        public func canonical(excluding excluded: [String]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(canonical.count)
            forEachChunk(excluding: excluded) { out.append(contentsOf: $0) }
            return out
        }

        /// `{`, the kept members' bytes with `,` between them, and `}`, chunk by chunk.
        private func forEachChunk(excluding excluded: [String], _ body: (UnsafeRawBufferPointer) -> Void) {
            canonical.withUnsafeBytes { bytes in
                withUnsafeBytes(of: (UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: "}"))) { punctuation in
                    body(UnsafeRawBufferPointer(rebasing: punctuation[0..<1]))
                    var first = true
                    for member in members where !excluded.contains(member.key) {
                        if !first { body(UnsafeRawBufferPointer(rebasing: punctuation[1..<2])) }
                        first = false
                        body(UnsafeRawBufferPointer(rebasing: bytes[member.range]))
                    }
                    body(UnsafeRawBufferPointer(rebasing: punctuation[2..<3]))
                }
            }
        }
    }

    /// Parses a whole document and writes its canonical form in the same pass.
    public static func parseCanonical(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int = JSONTree.maximumDepth)
        throws(SyntaxError) -> CanonicalDocument {
        var reader = TreeReader(bytes: buffer, maximumDepth: maximumDepth, canonical: true)
        let tree = try reader.document()
        return CanonicalDocument(tree: tree, canonical: reader.canonical, members: reader.topLevelMembers)
    }
}

/// The recursive-descent reader behind ``JSONTree/parse(_:maximumDepth:)``.
private struct TreeReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0
    /// Whether the canonical form is written while parsing, into `canonical`.
    let writesCanonical: Bool
    var canonical: [UInt8] = []
    /// The top-level object's members and their ranges in `canonical`, sorted.
    var topLevelMembers: [(key: String, range: Range<Int>)] = []

    /// Objects with more members than this find duplicates with a hash set instead of comparing
    /// each new key with every earlier one.
    private static let linearDuplicateCheckLimit = 16

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int, canonical: Bool) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.writesCanonical = canonical
        if canonical { self.canonical.reserveCapacity(bytes.count) }
    }

    mutating func document() throws(JSONTree.SyntaxError) -> JSONTree {
        skipSpace()
        let value = try value(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    @inline(__always)
    private mutating func emit(_ literal: StaticString) {
        if writesCanonical { canonical.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)) }
    }

    @inline(__always)
    private mutating func emit(_ byte: UInt8) {
        if writesCanonical { canonical.append(byte) }
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
            emit(UInt8(ascii: "["))
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                emit(UInt8(ascii: "]"))
                return .array([], offset: start)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw error("expected `,` or `]`, found the end of the input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    emit(UInt8(ascii: ","))
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw error("expected `,` or `]`, found \(found)") }
                index += 1
                emit(UInt8(ascii: "]"))
                return .array(items, offset: start)
            }
        case UInt8(ascii: "\""):
            return .string(try canonicalString(), offset: start)
        case UInt8(ascii: "t"):
            try literal("true")
            emit("true")
            return .bool(true, offset: start)
        case UInt8(ascii: "f"):
            try literal("false")
            emit("false")
            return .bool(false, offset: start)
        case UInt8(ascii: "n"):
            try literal("null")
            emit("null")
            return .null(offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try number()
            if writesCanonical { canonical.append(contentsOf: (Int(text).map(String.init) ?? text).utf8) }
            return .number(text, offset: start)
        default:
            throw error("expected a value, found \(found)")
        }
    }

    private mutating func object(depth: Int, start: Int) throws(JSONTree.SyntaxError) -> JSONTree {
        guard depth < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        index += 1
        var members: [JSONTree.Member] = []
        var keySet: Set<[UInt8]>?
        // Where each member's `"key":value` lies in the canonical output, and whether the keys
        // arrived in canonical order (the compiler writes them so; others may not).
        let objectStart = canonical.count
        var ranges: [Range<Int>] = []
        var sorted = true
        emit(UInt8(ascii: "{"))
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            emit(UInt8(ascii: "}"))
            return .object([], offset: start)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key in quotes, found \(found)") }
            let keyOffset = index
            let memberStart = canonical.count
            let key = try canonicalString()
            try checkUnique(key, at: keyOffset, &keySet, previous: members)
            if writesCanonical, sorted, let last = members.last, !JSONTree.precedes(last.key, key) { sorted = false }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected `:` after the key, found \(found)") }
            index += 1
            emit(UInt8(ascii: ":"))
            skipSpace()
            members.append(JSONTree.Member(key, try value(depth: depth + 1), keyOffset: keyOffset))
            if writesCanonical { ranges.append(memberStart..<canonical.count) }
            skipSpace()
            guard index < bytes.count else { throw error("expected `,` or `}`, found the end of the input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                emit(UInt8(ascii: ","))
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected `,` or `}`, found \(found)") }
            index += 1
            emit(UInt8(ascii: "}"))
            if writesCanonical {
                if !sorted { ranges = reorder(members, ranges, from: objectStart) }
                if depth == 0 { topLevelMembers = zip(members, ranges).map { ($0.key, $1) }.sorted { $0.range.lowerBound < $1.range.lowerBound } }
            }
            return .object(members, offset: start)
        }
    }

    /// Rewrites an object's members, already written in document order from `start`, in
    /// canonical order; returns their new ranges, in document order.
    private mutating func reorder(_ members: [JSONTree.Member], _ ranges: [Range<Int>], from start: Int) -> [Range<Int>] {
        let order = members.indices.sorted { JSONTree.precedes(members[$0].key, members[$1].key) }
        var rewritten: [UInt8] = [UInt8(ascii: "{")]
        rewritten.reserveCapacity(canonical.count - start)
        var newRanges = ranges
        for (position, member) in order.enumerated() {
            if position > 0 { rewritten.append(UInt8(ascii: ",")) }
            let lower = start + rewritten.count
            rewritten.append(contentsOf: canonical[ranges[member]])
            newRanges[member] = lower..<(start + rewritten.count)
        }
        rewritten.append(UInt8(ascii: "}"))
        canonical.replaceSubrange(start..., with: rewritten)
        return newRanges
    }

    /// A string, written to the canonical output too: as it was written when it has no escapes
    /// (its bytes are then already RFC 8785's), else re-escaped from its value.
    private mutating func canonicalString() throws(JSONTree.SyntaxError) -> String {
        let start = index
        let (text, escaped) = try string()
        if writesCanonical {
            if escaped {
                JSONTree.writeString(text, into: &canonical)
            } else {
                canonical.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
        }
        return text
    }

    /// Refuses a key already present in the object, comparing UTF-8 bytes (two spellings that
    /// Swift's `String` would call equal are different keys to other JSON readers).
    private func checkUnique(_ key: String, at offset: Int, _ set: inout Set<[UInt8]>?,
                             previous members: [JSONTree.Member]) throws(JSONTree.SyntaxError) {
        let duplicate: Bool
        if set == nil, members.count < TreeReader.linearDuplicateCheckLimit {
            duplicate = members.contains { JSONTree.sameBytes($0.key, key) }
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

    /// A string (the reader is on its opening quote), unescaped and validated as UTF-8, and
    /// whether it had escapes.
    mutating func string() throws(JSONTree.SyntaxError) -> (String, escaped: Bool) {
        let start = index
        index += 1
        var scan = JSONScan.plainRunEnd(bytes, from: index)
        if scan < bytes.count, bytes[scan] == UInt8(ascii: "\"") {
            // The common case: plain ASCII, no escapes.
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<scan]), as: UTF8.self)
            index = scan + 1
            return (text, false)
        }
        var escaped = false
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
                return (String(decoding: out, as: UTF8.self), escaped)
            case UInt8(ascii: "\\"):
                escaped = true
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
