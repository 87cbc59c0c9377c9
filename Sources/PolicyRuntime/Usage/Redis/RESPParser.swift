/// Reads RESP2 replies incrementally from the bytes a socket delivers.
///
/// Feed bytes with ``append(_:)`` as they arrive and call ``next()`` until it returns nil (more
/// bytes needed). The parser resumes where it stopped: a half-received array keeps its finished
/// elements on a stack and a half-received line is not rescanned, so a reply that trickles in one
/// byte at a time costs the same as one that arrives whole.
///
/// Every length the server announces is checked against ``Limits`` before anything is allocated,
/// and any malformed byte is a ``RedisError/protocolError(_:)``: a hostile or broken server gets an
/// error, never a crash, an unbounded allocation or a wait for bytes that cannot come. After an
/// error the parser only repeats it; the connection it read from is no longer in a known state.
struct RESPParser {
    /// The bounds a reply must stay within; the defaults are Redis's own `proto-max-bulk-len` for
    /// bulk strings and generous ceilings for the rest.
    struct Limits: Sendable {
        /// The longest bulk string, in bytes.
        var maximumBulkLength = 512 * 1024 * 1024
        /// The most elements one array may announce.
        var maximumArrayLength = 1_000_000
        /// The most arrays open inside one another.
        var maximumDepth = 32
        /// The longest line (status, error, integer or length header) without its CRLF.
        var maximumLineLength = 64 * 1024
    }

    /// An array whose elements are still arriving.
    private struct Frame {
        var remaining: Int
        var elements: [RedisReply]
    }

    /// The outcome of looking for the end of a line.
    private enum LineScan {
        case line(Range<Int>)
        case needMore(scanned: Int)
        case malformed(String)
    }

    let limits: Limits
    private var buffer: [UInt8] = []
    /// The first byte not yet consumed.
    private var position = 0
    /// How many bytes after `position` are known to hold no CR, so the search resumes there.
    private var lineScanned = 0
    /// The length of a bulk string whose `$n` header is consumed and whose payload is not all here.
    private var pendingBulkLength: Int?
    /// Arrays still being filled, outermost first.
    private var open: [Frame] = []
    private var failure: RedisError?

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    /// Consumed bytes are dropped from the front of the buffer once they are at least this many
    /// and at least half of it, so compaction costs O(1) amortized per byte.
    private static let compactionThreshold = 64 * 1024

    /// A parser with no bytes yet.
    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// True when no reply is partly read and no byte is waiting: the connection is between replies.
    var isIdle: Bool {
        position == buffer.count && open.isEmpty && pendingBulkLength == nil
    }

    /// Adds bytes received from the server.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received from the server.
    mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or nil when more bytes are needed.
    /// - Throws: ``RedisError/protocolError(_:)`` for malformed input or an exceeded limit.
    /// - Complexity: O(bytes appended since the last call), amortized.
    mutating func next() throws(RedisError) -> RedisReply? {
        if let failure { throw failure }
        do {
            return try parse()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func parse() throws(RedisError) -> RedisReply? {
        while true {
            let start = position
            let value: RedisReply
            if let length = pendingBulkLength {
                guard buffer.count - position >= length + 2 else { return nil }
                guard buffer[position + length] == RESPParser.cr, buffer[position + length + 1] == RESPParser.lf else {
                    throw .protocolError("a bulk string is not followed by crlf")
                }
                value = .bulkString(Array(buffer[position..<(position + length)]))
                position += length + 2
                pendingBulkLength = nil
            } else {
                guard let line = try nextLine() else { return nil }
                guard !line.isEmpty else { throw .protocolError("an empty line where a reply was expected") }
                let body = (line.lowerBound + 1)..<line.upperBound
                switch buffer[line.lowerBound] {
                case UInt8(ascii: "+"):
                    value = .simpleString(String(decoding: buffer[body], as: UTF8.self))
                case UInt8(ascii: "-"):
                    value = .error(String(decoding: buffer[body], as: UTF8.self))
                case UInt8(ascii: ":"):
                    value = .integer(try integer(body, "an integer reply"))
                case UInt8(ascii: "$"):
                    let length = try integer(body, "a bulk string length")
                    if length == -1 {
                        value = .bulkString(nil)
                    } else {
                        try check(length, limit: limits.maximumBulkLength, "bulk string length", unit: "bytes")
                        pendingBulkLength = length
                        assert(position > start, "the parser must consume input on every step")
                        continue
                    }
                case UInt8(ascii: "*"):
                    let count = try integer(body, "an array length")
                    guard open.count < limits.maximumDepth else {
                        throw .protocolError("arrays are nested more than \(limits.maximumDepth) deep")
                    }
                    if count == -1 {
                        value = .array(nil)
                    } else {
                        try check(count, limit: limits.maximumArrayLength, "array length", unit: "elements")
                        if count == 0 {
                            value = .array([])
                        } else {
                            var elements: [RedisReply] = []
                            // The count is the server's claim, not memory we owe it: grow as
                            // elements actually arrive.
                            elements.reserveCapacity(min(count, 1024))
                            open.append(Frame(remaining: count, elements: elements))
                            assert(position > start, "the parser must consume input on every step")
                            continue
                        }
                    }
                case let type:
                    throw .protocolError("unexpected reply type byte 0x\(String(type, radix: 16))")
                }
            }
            assert(position > start, "the parser must consume input on every step")
            if let complete = attach(value) { return complete }
        }
    }

    /// Adds a finished value to the innermost open array, closing every array it completes;
    /// returns the top-level reply once there is one.
    private mutating func attach(_ value: RedisReply) -> RedisReply? {
        var value = value
        while !open.isEmpty {
            let last = open.count - 1
            open[last].elements.append(value)
            open[last].remaining -= 1
            if open[last].remaining > 0 { return nil }
            value = .array(open.removeLast().elements)
        }
        return value
    }

    /// The next line's bytes (without CRLF), consuming it; nil when its end has not arrived.
    private mutating func nextLine() throws(RedisError) -> Range<Int>? {
        let start = position
        let resume = position + lineScanned
        // A line of exactly the maximum length has its CR at this offset; no CR by then is too long.
        let lastCR = position + limits.maximumLineLength
        let scan: LineScan = buffer.withUnsafeBufferPointer { bytes in
            var index = resume
            while index < bytes.count {
                let byte = bytes[index]
                if byte == RESPParser.cr {
                    if index + 1 == bytes.count { return .needMore(scanned: index - start) }
                    if bytes[index + 1] != RESPParser.lf { return .malformed("a cr is not followed by lf") }
                    return .line(start..<index)
                }
                if byte == RESPParser.lf { return .malformed("an lf is not preceded by cr") }
                if index >= lastCR { return .malformed("a line is longer than \(limits.maximumLineLength) bytes") }
                index += 1
            }
            return .needMore(scanned: index - start)
        }
        switch scan {
        case .line(let range):
            position = range.upperBound + 2
            lineScanned = 0
            return range
        case .needMore(let scanned):
            lineScanned = scanned
            return nil
        case .malformed(let reason):
            throw .protocolError(reason)
        }
    }

    /// A signed decimal that fills `range` exactly, without overflow.
    private func integer(_ range: Range<Int>, _ what: String) throws(RedisError) -> Int {
        var index = range.lowerBound
        let negative = index < range.upperBound && buffer[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < range.upperBound else { throw .protocolError("\(what) has no digits") }
        // Accumulated as a negative number so that Int.min, which has no positive twin, parses.
        var value = 0
        while index < range.upperBound {
            let byte = buffer[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .protocolError("\(what) holds a byte that is not a digit")
            }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw .protocolError("\(what) overflows a 64-bit integer") }
            value = next
            index += 1
        }
        if negative { return value }
        guard value != Int.min else { throw .protocolError("\(what) overflows a 64-bit integer") }
        return -value
    }

    /// Refuses a length below -1 (the only negative RESP2 allows, as null) or above `limit`.
    private func check(_ length: Int, limit: Int, _ what: String, unit: String) throws(RedisError) {
        guard length >= 0 else { throw .protocolError("\(what) \(length) is negative") }
        guard length <= limit else { throw .protocolError("\(what) \(length) exceeds the limit of \(limit) \(unit)") }
    }

    private mutating func compact() {
        guard position > 0 else { return }
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position >= RESPParser.compactionThreshold, position * 2 >= buffer.count {
            buffer.removeSubrange(0..<position)
            position = 0
        }
    }
}
