import Glibc

/// Reads one record line of the audit trail without building a tree (docs/audit.md, "Record
/// lines"): checks that it is well-formed JSON — an object whose first four members are `seq`,
/// `prev`, `kid` and `mac`, in that order — and gives each other member's key and the byte range
/// of `"key":value`, which is what the MAC covers. Strict as RFC 8259 (strings valid UTF-8
/// without raw control characters, escapes and numbers as the grammar says, nesting capped), so
/// that a line the verifier accepts is one every JSON reader reads alike.
struct AuditLineScanner {
    /// A member after the chain's four: its key (unescaped only when it needs no unescaping,
    /// which keys the trail writes never do) and where `"key":value` is.
    struct Member {
        var key: String
        var range: Range<Int>
        var valueStart: Int
    }

    /// The chain's fields and the other members.
    struct Line {
        var seq: Int
        var prev: String
        var kid: String
        var mac: String
        var members: [Member]
        /// Whether the members after the chain's are in strictly ascending key order, as the
        /// writer writes them: reordered or repeated members leave the MAC's input the same
        /// bytes, so this is what tells them apart.
        var ordered: Bool
    }

    /// Why a line could not be read: not JSON, or JSON that is not a record.
    enum Failure: Error {
        case notJSON(String)
        case notRecord(String)
    }

    /// Reads a record line, or says why it is not one — the one wording `verify` and `report`
    /// share. The scanner reads records as the writer writes them; whether a line it refuses is
    /// JSON at all is worth the full parser's word before saying which it is.
    static func record(_ text: UnsafeBufferPointer<UInt8>, at location: @autoclosure () -> String) throws(AuditError) -> Line {
        do throws(Failure) {
            return try read(text)
        } catch {
            let why: String
            switch error { case .notJSON(let text), .notRecord(let text): why = text }
            guard let tree = try? JSONTree.parse(Array(text)), case .object = tree else {
                throw AuditError(.badInput, "\(location()): not a JSON object (\(why)); is this an audit trail?")
            }
            throw AuditError(.badInput, "\(location()): not an audit record: \(why)")
        }
    }

    /// A string member's value in a record line (`user`, `time`), if the line is a record and
    /// the member a string.
    static func string(_ key: String, inLine line: some Collection<UInt8>) -> String? {
        let bytes = Array(line)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let scanned = try? read(buffer), let member = scanned.members.first(where: { $0.key == key }),
                  case .string(let text, _)? = try? JSONTree.parse(Array(buffer[member.valueStart..<member.range.upperBound])) else { return nil }
            return text
        }
    }

    /// The deepest nesting a value may have.
    static let maximumDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads a line (without its line feed).
    static func read(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> Line {
        var scanner = AuditLineScanner(line)
        return try scanner.readLine()
    }

    private mutating func readLine() throws(Failure) -> Line {
        try expect(UInt8(ascii: "{"), "a record is a JSON object")
        let seqKey = try key()
        guard seqKey == "seq" else { throw .notRecord("the first member must be `seq`") }
        let seqStart = position
        try skipValue(depth: 1)
        guard let seq = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[seqStart..<position]), as: UTF8.self)), seq >= 1 else {
            throw .notRecord("`seq` must be a whole number from 1")
        }
        var chain: [String] = []
        for (name, digits) in [("prev", 64), ("kid", 16), ("mac", 64)] {
            try expect(UInt8(ascii: ","), "`\(name)` must follow")
            guard try key() == name else { throw .notRecord("`seq` must be followed by `prev`, `kid` and `mac`, in that order") }
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw .notRecord("`\(name)` must be a string") }
            let start = position + 1
            try skipString()
            let value = UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)])
            guard value.count == digits, value.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw .notRecord("`prev` and `mac` must be 64 and `kid` 16 lower-case hex digits")
            }
            chain.append(String(decoding: value, as: UTF8.self))
        }
        var members: [Member] = []
        members.reserveCapacity(32)
        var ordered = true
        var previousKey: Range<Int>?
        while true {
            guard position < bytes.count else { throw .notJSON("the object is not closed") }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                break
            }
            try expect(UInt8(ascii: ","), "expected `,` or `}`")
            let start = position
            let name = try key()
            // The key's bytes as written, between its quotes (the colon follows the closing one).
            let keyBytes = (start + 1)..<(position - 2)
            let valueStart = position
            try skipValue(depth: 1)
            if let previousKey, !precedes(previousKey, keyBytes) { ordered = false }
            previousKey = keyBytes
            members.append(Member(key: name, range: start..<position, valueStart: valueStart))
        }
        guard position == bytes.count else { throw .notJSON("bytes after the object") }
        return Line(seq: seq, prev: chain[0], kid: chain[1], mac: chain[2], members: members, ordered: ordered)
    }

    /// Whether the bytes at `left` sort strictly before those at `right` (bytewise, as the writer
    /// orders keys).
    private func precedes(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
        let common = min(left.count, right.count)
        let order = memcmp(bytes.baseAddress! + left.lowerBound, bytes.baseAddress! + right.lowerBound, common)
        return order != 0 ? order < 0 : left.count < right.count
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        guard position < bytes.count, bytes[position] == byte else { throw .notJSON(message) }
        position += 1
    }

    /// A member's key and its colon (no white space: the writer writes none, and the MAC covers
    /// the bytes as written).
    private mutating func key() throws(Failure) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw .notJSON("expected a key") }
        let start = position + 1
        try skipString()
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)]), as: UTF8.self)
        try expect(UInt8(ascii: ":"), "expected `:` after a key")
        return name
    }

    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth <= AuditLineScanner.maximumDepth else { throw .notJSON("nested deeper than \(AuditLineScanner.maximumDepth)") }
        guard position < bytes.count else { throw .notJSON("a value is missing") }
        switch bytes[position] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"):
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
            while true {
                _ = try key()
                try skipValue(depth: depth + 1)
                guard position < bytes.count else { throw .notJSON("an object is not closed") }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return }
                try expect(UInt8(ascii: ","), "expected `,` or `}` in an object")
            }
        case UInt8(ascii: "["):
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                guard position < bytes.count else { throw .notJSON("an array is not closed") }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return }
                try expect(UInt8(ascii: ","), "expected `,` or `]` in an array")
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw .notJSON("not a JSON value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw .notJSON("not a JSON value") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { throw .notJSON("not a JSON value") }
        position += count
    }

    private mutating func skipNumber() throws(Failure) {
        func digits() -> Int {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - start
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw .notJSON("a number has no digits") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw .notJSON("a number has no digits")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw .notJSON("a fraction has no digits") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw .notJSON("an exponent has no digits") }
        }
    }

    /// Skips a string, its opening quote at `position`.
    private mutating func skipString() throws(Failure) {
        position += 1
        while true {
            position = JSONScan.plainRunEnd(bytes, from: position)
            guard position < bytes.count else { throw .notJSON("a string is not closed") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { throw .notJSON("a string is not closed") }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= bytes.count,
                          bytes[(position + 2)..<(position + 6)].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
                    else { throw .notJSON("a `\\u` escape needs four hex digits") }
                    position += 6
                default:
                    throw .notJSON("an unknown escape in a string")
                }
                continue
            }
            if byte < 0x20 { throw .notJSON("a control character in a string") }
            let length = UTF8Validation.sequenceLength(bytes, at: position)
            guard length > 0 else { throw .notJSON("a string is not valid UTF-8") }
            position += length
        }
    }
}
