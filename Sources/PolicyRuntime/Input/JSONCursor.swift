/// A forward-only reader of JSON bytes: the building block of ``RequestReader``.
///
/// Strings are validated as UTF-8 and unescaped into fresh byte arrays; numbers are read as
/// exact integers; anything malformed is a ``RequestError`` with its offset.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String) -> RequestError { RequestError(message, at: index) }

    mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8, _ message: @autoclosure () -> String) throws(RequestError) {
        skipSpace()
        guard peek == byte else { throw error(message()) }
        index += 1
    }

    /// True when the next value starts with `opener`; false (and consumed) when it is `null`.
    mutating func nullOr(_ opener: UInt8, _ message: @autoclosure () -> String) throws(RequestError) -> Bool {
        skipSpace()
        if try readNull() { return false }
        guard peek == opener else { throw error(message()) }
        return true
    }

    mutating func readNull() throws(RequestError) -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(RequestError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid JSON literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("invalid JSON literal")
        }
        index += count
    }

    // MARK: - Containers

    /// Reads `{ "key": value, … }`, handing each key to `body`, which must consume the value.
    mutating func readObject(depth: Int, _ body: (JSONKey, inout JSONCursor) throws(RequestError) -> Void) throws(RequestError) {
        guard depth <= RequestReader.maxDepth else { throw error("request is nested more than \(RequestReader.maxDepth) levels deep") }
        try expect(UInt8(ascii: "{"), "expected an object")
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a field name in quotes") }
            let key = try readKey()
            try expect(UInt8(ascii: ":"), "expected `:` after a field name")
            skipSpace()
            try body(key, &self)
            skipSpace()
            guard let byte = peek else { throw error("unterminated object") }
            index += 1
            if byte == UInt8(ascii: "}") { return }
            guard byte == UInt8(ascii: ",") else {
                index -= 1
                throw error("expected `,` or `}` in an object")
            }
        }
    }

    /// Reads `[ value, … ]`, calling `body` for each element, which must consume it.
    mutating func readArray(depth: Int, _ body: (inout JSONCursor) throws(RequestError) -> Void) throws(RequestError) {
        guard depth <= RequestReader.maxDepth else { throw error("request is nested more than \(RequestReader.maxDepth) levels deep") }
        try expect(UInt8(ascii: "["), "expected a list")
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipSpace()
            try body(&self)
            skipSpace()
            guard let byte = peek else { throw error("unterminated list") }
            index += 1
            if byte == UInt8(ascii: "]") { return }
            guard byte == UInt8(ascii: ",") else {
                index -= 1
                throw error("expected `,` or `]` in a list")
            }
        }
    }

    /// Skips any value, bounded by the depth limit (no recursion past it).
    mutating func skipValue(depth: Int) throws(RequestError) {
        skipSpace()
        guard let byte = peek else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            var keys = SeenKeys()
            try readObject(depth: depth + 1) { (key, cursor) throws(RequestError) in
                try keys.insert(key, at: cursor.index)
                try cursor.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try readArray(depth: depth + 1) { (cursor) throws(RequestError) in try cursor.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            _ = try readNumberSpan()
        }
    }

    // MARK: - Typed values

    mutating func optionalString(_ field: String) throws(RequestError) -> String? {
        skipSpace()
        if try readNull() { return nil }
        guard peek == UInt8(ascii: "\"") else { throw error("`\(field)` must be a string") }
        return String(decoding: try readString(), as: UTF8.self)
    }

    /// A string read as a value of its own kind (an action, a timestamp); one it does not
    /// parse as is an error at the string, with `problem`'s message.
    mutating func optionalString<Value>(_ field: String, as parse: (String) -> Value?, problem: (String) -> String)
        throws(RequestError) -> Value? {
        skipSpace()
        let start = index
        guard let text = try optionalString(field) else { return nil }
        guard let value = parse(text) else { throw RequestError(problem(text), at: start) }
        return value
    }

    mutating func optionalText(_ field: String) throws(RequestError) -> [UInt8]? {
        skipSpace()
        if try readNull() { return nil }
        guard peek == UInt8(ascii: "\"") else { throw error("`\(field)` must be a string") }
        return try readString()
    }

    /// `true` or `false`.
    mutating func optionalBool(_ field: String) throws(RequestError) -> Bool? {
        skipSpace()
        if try readNull() { return nil }
        if peek == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        if peek == UInt8(ascii: "f") {
            try literal("false")
            return false
        }
        throw error("`\(field)` must be true or false")
    }

    /// A whole, non-negative number (token counts).
    mutating func optionalCount(_ field: String) throws(RequestError) -> Int? {
        skipSpace()
        if try readNull() { return nil }
        guard let byte = peek, byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else {
            throw error("`\(field)` must be a number")
        }
        let start = index
        let span = try readNumberSpan()
        var value = 0
        var negative = false
        for position in span {
            let digit = bytes[position]
            if digit == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard digit >= 0x30, digit <= 0x39 else {
                throw RequestError("`\(field)` must be a whole number", at: start)
            }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit - 0x30))
            guard !overflow1, !overflow2 else { throw RequestError("`\(field)` is too large", at: start) }
            value = sum
        }
        guard !negative || value == 0 else { throw RequestError("`\(field)` must not be negative", at: start) }
        return value
    }

    /// A list of strings; `null` is an empty list.
    mutating func stringList(_ field: String) throws(RequestError) -> [String] {
        guard try nullOr(UInt8(ascii: "["), "`\(field)` must be a list of strings") else { return [] }
        var items: [String] = []
        try readArray(depth: 2) { (cursor) throws(RequestError) in
            guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.error("`\(field)` must be a list of strings") }
            items.append(String(decoding: try cursor.readString(), as: UTF8.self))
        }
        return items
    }

    /// The byte range of a JSON number, validated against the JSON grammar.
    private mutating func readNumberSpan() throws(RequestError) -> Range<Int> {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("invalid value") }
        index += 1
        if first != 0x30 { while let digit = peek, digit >= 0x30, digit <= 0x39 { index += 1 } }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek, digit >= 0x30, digit <= 0x39 else { throw error("invalid number") }
            while let digit = peek, digit >= 0x30, digit <= 0x39 { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, digit >= 0x30, digit <= 0x39 else { throw error("invalid number") }
            while let digit = peek, digit >= 0x30, digit <= 0x39 { index += 1 }
        }
        return start..<index
    }

    // MARK: - Strings

    /// A field name: borrowed bytes when it has no escapes (the common case), else unescaped.
    mutating func readKey() throws(RequestError) -> JSONKey {
        let start = index + 1
        var scan = start
        while scan < bytes.count {
            let byte = bytes[scan]
            if byte == UInt8(ascii: "\"") {
                index = scan + 1
                return JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[start..<scan]), owned: nil)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            scan += 1
        }
        return JSONKey(bytes: nil, owned: try readString())
    }

    /// Reads a string (the cursor is on its opening quote) into unescaped, validated UTF-8.
    /// Plain ASCII runs are found eight bytes at a time and copied in bulk.
    mutating func readString() throws(RequestError) -> [UInt8] {
        index += 1
        let start = index
        var scan = plainRunEnd(from: start)
        if scan < bytes.count, bytes[scan] == UInt8(ascii: "\"") {
            // The common case: no escapes, ASCII only, copied in one go.
            index = scan + 1
            return Array(UnsafeBufferPointer(rebasing: bytes[start..<scan]))
        }
        var out: [UInt8] = []
        // The decoded string is never longer than the rest of the input; reserving that (up to
        // 64 KiB) saves regrowing once per escape run in a prompt with many line breaks.
        out.reserveCapacity(min(bytes.count - start, max(scan - start + 64, 1 << 16)))
        index = start
        while true {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<scan]))
            index = scan
            guard index < bytes.count else { throw RequestError("unterminated string", at: start - 1) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return out
            case UInt8(ascii: "\\"):
                try readEscape(into: &out)
            case 0x00..<0x20:
                throw error("control character in a string (escape it)")
            default:
                let length = utf8Length(at: index)
                guard length > 0 else { throw error("invalid UTF-8 in a string") }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
            scan = plainRunEnd(from: index)
        }
    }

    private func plainRunEnd(from position: Int) -> Int {
        JSONScan.plainRunEnd(bytes, from: position)
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(RequestError) {
        if let problem = JSONEscape.decode(bytes, at: &index, into: &out) { throw error(problem) }
    }

    private func utf8Length(at position: Int) -> Int {
        UTF8Validation.sequenceLength(bytes, at: position)
    }
}

/// A field name, compared against literals without building a `String`.
struct JSONKey {
    let bytes: UnsafeBufferPointer<UInt8>?
    let owned: [UInt8]?

    /// The unescaped key.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let bytes { return body(bytes) }
        return owned!.withUnsafeBufferPointer(body)
    }

    /// The key for a message, cut short.
    var text: String {
        let text = withBytes { String(decoding: $0, as: UTF8.self) }
        return text.utf8.count <= 64 ? text : String(text.prefix(60)) + "…"
    }

    static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        let count = pattern.utf8CodeUnitCount
        if let bytes = key.bytes {
            guard bytes.count == count else { return false }
            for offset in 0..<count where bytes[offset] != pattern.utf8Start[offset] { return false }
            return true
        }
        guard let owned = key.owned, owned.count == count else { return false }
        for offset in 0..<count where owned[offset] != pattern.utf8Start[offset] { return false }
        return true
    }

    static func == (key: JSONKey, pattern: StaticString) -> Bool { pattern ~= key }
}

/// The keys of one object whose keys are not known in advance, so that a duplicate is refused
/// wherever it is: JSON readers disagree about which duplicate wins, so a request with one means
/// different things to different parts of a gateway.
struct SeenKeys {
    private var keys: [[UInt8]] = []
    private var set: Set<[UInt8]>?

    /// Past this many keys, a hash set replaces comparing each new key with every earlier one.
    private static let linearLimit = 16

    mutating func insert(_ key: JSONKey, at offset: Int) throws(RequestError) {
        let bytes = key.withBytes { Array($0) }
        if set == nil, keys.count < SeenKeys.linearLimit {
            guard !keys.contains(bytes) else { throw RequestError("duplicate field `\(key.text)`", at: offset) }
            keys.append(bytes)
            return
        }
        if set == nil { set = Set(keys) }
        guard set!.insert(bytes).inserted else { throw RequestError("duplicate field `\(key.text)`", at: offset) }
    }
}
