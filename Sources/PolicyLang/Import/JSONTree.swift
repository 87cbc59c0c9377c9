import PolicyRuntime

/// A JSON document read into a tree whose every value remembers where it starts, so that an
/// importer can say `file:line:col` for a value of the wrong kind, not just for bad syntax.
///
/// Strict RFC 8259: no comments, no trailing commas, no leading zeros, strings must be valid
/// UTF-8 without raw control characters, nesting is capped at ``maximumDepth``. Duplicate object
/// keys are an error (a role defined twice is a mistake, not "the last one wins").
public indirect enum JSONTree: Sendable {
    /// `{…}`: members in document order, each key with its offset.
    case object([(key: String, keyOffset: Int, value: JSONTree)], offset: Int)
    /// `[…]`
    case array([JSONTree], offset: Int)
    /// A string, unescaped.
    case string(String, offset: Int)
    /// A number as written (the importer decides what it may be).
    case number(String, offset: Int)
    /// `true` / `false`
    case bool(Bool, offset: Int)
    /// `null`
    case null(offset: Int)

    /// Deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Where the value starts (byte offset).
    public var offset: Int {
        switch self {
        case .object(_, let offset), .array(_, let offset), .string(_, let offset), .number(_, let offset),
             .bool(_, let offset), .null(let offset):
            return offset
        }
    }

    /// What a message calls this kind of value.
    public var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, Sendable {
        /// What is wrong.
        public let message: String
        /// Where.
        public let offset: Int
    }

    /// Parses a whole document.
    /// - Throws: ``SyntaxError`` at the first problem.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONTree {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        func error(_ message: String, at offset: Int? = nil) -> SyntaxError {
            SyntaxError(message: message, offset: offset ?? index)
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        var found: String {
            guard index < bytes.count else { return "the end of the file" }
            let byte = bytes[index]
            return byte >= 0x21 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x\(String(byte, radix: 16))"
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONTree {
            guard index < bytes.count else { throw error("expected a value, found the end of the file") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < JSONTree.maximumDepth else { throw error("nesting deeper than \(JSONTree.maximumDepth) levels") }
                index += 1
                var members: [(key: String, keyOffset: Int, value: JSONTree)] = []
                var keys = Set<String>()
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
                    guard keys.insert(key).inserted else { throw error("duplicate key \"\(key)\"", at: keyOffset) }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected `:` after the key, found \(found)") }
                    index += 1
                    skipSpace()
                    members.append((key, keyOffset, try value(depth: depth + 1)))
                    skipSpace()
                    guard index < bytes.count else { throw error("expected `,` or `}`, found the end of the file") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else { throw error("expected `,` or `}`, found \(found)") }
                    index += 1
                    return .object(members, offset: start)
                }
            case UInt8(ascii: "["):
                guard depth < JSONTree.maximumDepth else { throw error("nesting deeper than \(JSONTree.maximumDepth) levels") }
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
                    guard index < bytes.count else { throw error("expected `,` or `]`, found the end of the file") }
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
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for (word, result) in [("true", JSONTree.bool(true, offset: start)), ("false", .bool(false, offset: start)),
                                       ("null", .null(offset: start))] where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return result
                }
                throw error("expected a value, found \(found)")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number(), offset: start)
            default:
                throw error("expected a value, found \(found)")
            }
        }

        mutating func number() throws(SyntaxError) -> String {
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
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(SyntaxError) -> String {
            let start = index
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw error("unterminated string", at: start) }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in a string", at: start) }
                    return text
                case UInt8(ascii: "\\"):
                    try escape(into: &out)
                case 0x00..<0x20:
                    throw error("control character in a string (escape it)")
                default:
                    out.append(byte)
                    index += 1
                }
            }
        }

        mutating func escape(into out: inout [UInt8]) throws(SyntaxError) {
            let problem = bytes.withUnsafeBufferPointer { JSONEscape.decode($0, at: &index, into: &out) }
            if let problem { throw error(problem) }
        }
    }
}
