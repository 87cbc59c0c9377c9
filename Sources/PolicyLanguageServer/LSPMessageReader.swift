import Foundation

/// Reads the Language Server Protocol's base protocol from a byte stream: each message is a
/// header (`Content-Length: N`, optionally `Content-Type`, each line ending in CRLF), an empty
/// line, and N bytes of JSON. Bytes arrive in any pieces; complete messages come out in order.
/// A header without a length, a length that is not a number or is over the limit, or a header
/// over its limit is an error the server reports and closes on (the stream cannot be resynchronised).
public struct LSPMessageReader: Sendable {
    /// The largest message body accepted: 64 MiB (a policy file is at most a few MiB).
    public static let maximumBodyBytes = 64 * 1024 * 1024
    /// The largest header accepted.
    public static let maximumHeaderBytes = 8 * 1024

    /// Why the stream cannot be read on.
    public struct Failure: Error, Sendable, Equatable {
        /// What was wrong.
        public var message: String
    }

    private var buffer: [UInt8] = []
    private var start = 0

    /// A reader with nothing buffered.
    public init() {}

    /// Adds bytes as they arrive.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message's body, nil when more bytes are needed.
    /// - Throws: ``Failure`` when the header is malformed or a limit is passed.
    public mutating func next() throws(Failure) -> [UInt8]? {
        // The header ends at the first CRLF CRLF.
        var index = start
        var headerEnd: Int?
        while index + 3 < buffer.count, index - start <= LSPMessageReader.maximumHeaderBytes {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                headerEnd = index
                break
            }
            index += 1
        }
        guard let headerEnd else {
            if buffer.count - start > LSPMessageReader.maximumHeaderBytes {
                throw Failure(message: "a message header is over \(LSPMessageReader.maximumHeaderBytes) bytes")
            }
            return nil
        }
        var length: Int?
        for line in String(decoding: buffer[start..<headerEnd], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(message: "a header line is not `Name: value`") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard length == nil, !value.isEmpty, value.count <= 10, value.allSatisfy(\.isASCII), let number = Int(value), number >= 0,
                      value.allSatisfy({ $0.isNumber }) else {
                    throw Failure(message: "Content-Length must be given once, as a decimal number")
                }
                length = number
            }
        }
        guard let length else { throw Failure(message: "a message has no Content-Length") }
        guard length <= LSPMessageReader.maximumBodyBytes else {
            throw Failure(message: "a message of \(length) bytes is over the limit of \(LSPMessageReader.maximumBodyBytes)")
        }
        let bodyStart = headerEnd + 4
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        start = bodyStart + length
        if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        return body
    }

    /// A message body framed for writing.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}
