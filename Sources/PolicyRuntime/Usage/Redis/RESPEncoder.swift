/// Writes commands in the form Redis reads from clients: an array of bulk strings.
///
/// Every argument is length-prefixed, so keys and values may hold any bytes (CR, LF, NUL)
/// without escaping.
enum RESPEncoder {
    /// Appends one command to `buffer`.
    /// - Precondition: `arguments` is not empty; ``RedisClient`` checks this before encoding.
    /// - Complexity: O(total argument bytes).
    static func append(_ arguments: [[UInt8]], to buffer: inout [UInt8]) {
        precondition(!arguments.isEmpty, "a Redis command needs a name")
        appendHeader(UInt8(ascii: "*"), arguments.count, to: &buffer)
        for argument in arguments {
            appendHeader(UInt8(ascii: "$"), argument.count, to: &buffer)
            buffer.append(contentsOf: argument)
            buffer.append(contentsOf: crlf)
        }
    }

    /// One command as bytes.
    static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(arguments.reduce(16) { $0 + $1.count + 16 })
        append(arguments, to: &buffer)
        return buffer
    }

    private static let crlf: [UInt8] = [UInt8(ascii: "\r"), UInt8(ascii: "\n")]

    private static func appendHeader(_ type: UInt8, _ count: Int, to buffer: inout [UInt8]) {
        buffer.append(type)
        buffer.append(contentsOf: String(count).utf8)
        buffer.append(contentsOf: crlf)
    }
}
