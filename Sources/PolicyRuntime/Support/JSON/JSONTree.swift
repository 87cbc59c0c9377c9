/// A JSON document read into a tree whose every value remembers where it starts, so that a
/// reader can point at a value of the wrong kind, not just at bad syntax.
///
/// One definition of JSON for the project's documents: the compiled policy is read
/// (``JSONTree/parse(_:maximumDepth:)``) and written (``JSONTree/writeCanonical(into:)``,
/// ``JSONTree/writeIndented(into:)``) through it, and the importer reads the guide's role table
/// with it. Requests have their own streaming reader (``RequestReader``), which builds no tree.
///
/// Reading is strict RFC 8259: no comments, no trailing commas, no leading zeros, strings must be
/// valid UTF-8 without raw control characters, nesting is capped, and a duplicate object key is an
/// error (different JSON readers disagree about which duplicate wins, so a document that has one
/// means different things to different enforcement points).
public enum JSONTree: Sendable {
    /// `{…}`: members in document order.
    case object([Member], offset: Int = 0)
    /// `[…]`
    case array([JSONTree], offset: Int = 0)
    /// A string, unescaped.
    case string(String, offset: Int = 0)
    /// A number as written; ``integerValue`` reads whole numbers exactly.
    case number(String, offset: Int = 0)
    /// `true` / `false`
    case bool(Bool, offset: Int = 0)
    /// `null`
    case null(offset: Int = 0)

    /// One `"key": value` of an object.
    public struct Member: Sendable {
        /// The key, unescaped.
        public var key: String
        /// Byte offset of the key's opening quote (0 for a tree built in memory).
        public var keyOffset: Int
        /// The value.
        public var value: JSONTree

        /// Creates a member; `keyOffset` is only meaningful for a parsed tree.
        public init(_ key: String, _ value: JSONTree, keyOffset: Int = 0) {
            self.key = key
            self.keyOffset = keyOffset
            self.value = value
        }
    }

    /// Default cap on nesting of arrays and objects.
    public static let maximumDepth = 64

    /// Where the value starts (byte offset; 0 for a tree built in memory).
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

    /// A number written as a whole number (no fraction, no exponent) that fits in an `Int`.
    public var integerValue: Int? {
        guard case .number(let text, _) = self else { return nil }
        return Int(text)
    }

    /// An integer as a number value.
    public static func integer(_ value: Int) -> JSONTree { .number(String(value)) }

    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong.
        public let message: String
        /// Where.
        public let offset: Int
    }
}

extension JSONTree {
    /// The value of `key` when this is an object that has it (the first, should it repeat).
    package func member(_ key: String) -> JSONTree? {
        guard case .object(let members, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Whether the value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
