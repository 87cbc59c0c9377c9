/// One reply from a Redis server, as RESP2 defines it.
public enum RedisReply: Sendable, Equatable {
    /// A status reply such as `+OK` or `+PONG`, without the `+`.
    case simpleString(String)
    /// An error reply such as `-ERR unknown command`, without the `-`. Inside a pipeline's or an
    /// array's result it is a value; `RedisClient.command` and `evalScript` throw it instead.
    case error(String)
    /// An integer reply (`:42`).
    case integer(Int)
    /// A binary-safe bulk string; nil is the null bulk string (`$-1`), e.g. `GET` of a missing key.
    case bulkString([UInt8]?)
    /// An array of replies; nil is the null array (`*-1`), e.g. an `EXEC` that was aborted.
    case array([RedisReply]?)

    /// The value of an integer reply, else nil.
    public var integerValue: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The bytes of a non-null bulk string, else nil.
    public var bytes: [UInt8]? {
        if case .bulkString(let bytes?) = self { return bytes }
        return nil
    }

    /// A status or non-null bulk string as text (invalid UTF-8 is replaced by U+FFFD), else nil.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The elements of a non-null array, else nil.
    public var elements: [RedisReply]? {
        if case .array(let elements?) = self { return elements }
        return nil
    }

    /// The text of an error reply, else nil.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// True for the null bulk string and the null array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }
}
