import Foundation

/// Reads an HTTP/1.1 request from the bytes a connection has received so far (RFC 9112), on
/// bytes, strictly: what two servers could read two ways is refused rather than guessed at, so
/// that a proxy in front cannot be made to see one request where this server sees another
/// (request smuggling). Lines end in CRLF; a field line without a colon, with white space before
/// its colon, folded, or with a control character is 400; a body is framed by one
/// `Content-Length` (repeats must agree) or by `Transfer-Encoding: chunked`, never both.
enum HTTPParser {
    /// What the bytes so far make.
    enum Outcome {
        /// More bytes are needed. `headersRead` tells whether the head is complete (the body is
        /// still arriving), `expectsContinue` whether the client waits for `100 Continue`, and
        /// `awaiting` how many bytes the whole request takes when that is known (a
        /// `Content-Length` body): the caller need not parse again until it has them.
        case incomplete(headersRead: Bool, expectsContinue: Bool, awaiting: Int?)
        /// A whole request, and how many bytes of the buffer it took.
        case request(HTTPRequest, consumed: Int)
        /// The bytes cannot be a request: answer with `status` and close.
        case failure(status: Int, message: String)
    }

    /// Reads the request at the start of `bytes`.
    static func parse(_ bytes: [UInt8], limits: HTTPLimits) -> Outcome {
        bytes.withUnsafeBufferPointer { parse($0, limits: limits) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: HTTPLimits) -> Outcome {
        // Blank lines before a request line may be skipped (RFC 9112 §2.2); they count towards
        // the head's limit.
        var start = 0
        while start + 1 < bytes.count, bytes[start] == 0x0D, bytes[start + 1] == 0x0A { start += 2 }
        guard let headEnd = headEnd(bytes, from: start, limit: limits.maximumHeaderBytes - start) else {
            if bytes.count > limits.maximumHeaderBytes {
                return .failure(status: 431, message: "the request line and header fields are over \(limits.maximumHeaderBytes) bytes")
            }
            return .incomplete(headersRead: false, expectsContinue: false, awaiting: nil)
        }
        // The head's lines, without their CRLF (the last one's CRLF starts the head's end).
        var lines: [Range<Int>] = []
        var lineStart = start
        var index = start
        while index <= headEnd {
            if bytes[index] == 0x0D {
                guard index + 1 < bytes.count, bytes[index + 1] == 0x0A else { return .failure(status: 400, message: "a bare CR in the head") }
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
                continue
            }
            if bytes[index] == 0x0A { return .failure(status: 400, message: "a line ends in LF without CR") }
            index += 1
        }
        guard let requestLine = lines.first else { return .failure(status: 400, message: "no request line") }
        let parts = bytes[requestLine].split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else {
            return .failure(status: 400, message: "the request line is not `METHOD TARGET HTTP/1.1`")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return version.hasPrefix("HTTP/") ? .failure(status: 505, message: "only HTTP/1.1 and HTTP/1.0 are supported")
                : .failure(status: 400, message: "the request line is not `METHOD TARGET HTTP/1.1`")
        }
        let target = parts[1]
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(status: 400, message: "the target must be a path (origin form) of visible ASCII")
        }
        let targetText = String(decoding: target, as: UTF8.self)
        let question = targetText.firstIndex(of: "?")
        let path = question.map { String(targetText[..<$0]) } ?? targetText
        let query = question.map { String(targetText[targetText.index(after: $0)...]) } ?? ""

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard headers.count < limits.maximumHeaderFields else {
                return .failure(status: 431, message: "more than \(limits.maximumHeaderFields) header fields")
            }
            switch field(bytes, line) {
            case .success(let field): headers.append(field)
            case .failure(let refusal): return .failure(status: 400, message: refusal.message)
            }
        }
        // One Host, as RFC 9112 §3.2 requires of HTTP/1.1 (a proxy and this server must agree on it).
        if version == "HTTP/1.1", headers.filter({ $0.name == "host" }).count != 1 {
            return .failure(status: 400, message: "an HTTP/1.1 request needs one Host header field")
        }

        let http10 = version == "HTTP/1.0"
        let connection = headers.filter { $0.name == "connection" }.flatMap { $0.value.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close")
        let expectsContinue = !http10 && headers.contains { $0.name == "expect" && $0.value.lowercased() == "100-continue" }

        let bodyStart = headEnd + 4
        let transferEncodings = headers.filter { $0.name == "transfer-encoding" }
        let lengths = headers.filter { $0.name == "content-length" }
        var body: [UInt8]
        var consumed: Int
        if !transferEncodings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(status: 400, message: "both Content-Length and Transfer-Encoding: a body must have one framing")
            }
            guard !http10, transferEncodings.count == 1, transferEncodings[0].value.lowercased() == "chunked" else {
                return .failure(status: 501, message: "only `Transfer-Encoding: chunked` is supported")
            }
            switch dechunk(bytes, from: bodyStart, limit: limits.maximumBodyBytes) {
            case .incomplete: return .incomplete(headersRead: true, expectsContinue: expectsContinue, awaiting: nil)
            case .failure(let status, let message): return .failure(status: status, message: message)
            case .body(let decoded, let end):
                body = decoded
                consumed = end
            }
        } else if let first = lengths.first {
            guard lengths.allSatisfy({ $0.value == first.value }), !first.value.isEmpty, first.value.utf8.count <= 18,
                  first.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(first.value) else {
                return .failure(status: 400, message: "Content-Length must be one decimal number")
            }
            guard length <= limits.maximumBodyBytes else {
                return .failure(status: 413, message: "the body is \(length) bytes; the limit is \(limits.maximumBodyBytes)")
            }
            guard bytes.count - bodyStart >= length else {
                return .incomplete(headersRead: true, expectsContinue: expectsContinue, awaiting: bodyStart + length)
            }
            body = Array(bytes[bodyStart..<(bodyStart + length)])
            consumed = bodyStart + length
        } else {
            body = []
            consumed = bodyStart
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        return .request(HTTPRequest(method: method, path: path, query: query, headers: headers, body: body, keepAlive: keepAlive),
                        consumed: consumed)
    }

    /// Where the head's final CRLF CRLF starts, looking no further than `limit` bytes.
    private static func headEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Int? {
        let end = min(bytes.count, start + limit + 4)
        var index = start
        while index + 3 < end {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    private enum Dechunked {
        case incomplete
        case failure(Int, String)
        case body([UInt8], end: Int)
    }

    /// Chunks in one body, at most: with the body limit, a bound on the work of reading a body
    /// that arrives in many small chunks (a real client's chunks are kilobytes).
    static let maximumChunks = 4_096
    /// Bytes of trailer fields, at most.
    static let maximumTrailerBytes = 8 * 1_024

    /// The body of a chunked message from `start`: its chunks joined, trailers checked and
    /// skipped. The chunks are walked first without copying, so that a body still arriving costs
    /// a walk over its chunk headers, and copied once when it is whole.
    private static func dechunk(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Dechunked {
        var chunks: [Range<Int>] = []
        var total = 0
        var position = start
        while true {
            // chunk-size [ chunk-ext ] CRLF: hex digits, then nothing or `;` extensions of visible
            // ASCII, space and tab; a bare CR or LF, a NUL or junk after the size is refused.
            guard let lineEnd = crlf(bytes, from: position, within: 1_024) else {
                return bytes.count - position > 1_024 ? .failure(400, "a chunk size line is over 1,024 bytes") : .incomplete
            }
            var size = 0
            var significant = 0
            var index = position
            while index < lineEnd, let digit = hexValue(bytes[index]) {
                if significant > 0 || digit != 0 { significant += 1 }
                guard significant <= 8 else { return .failure(413, "a chunk is over the body limit of \(limit) bytes") }
                size = size * 16 + digit
                index += 1
            }
            guard index > position else { return .failure(400, "a chunk size is not hexadecimal") }
            while index < lineEnd, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            if index < lineEnd {
                guard bytes[index] == UInt8(ascii: ";"),
                      bytes[index..<lineEnd].allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) else {
                    return .failure(400, "a chunk size is followed by something other than `;` extensions")
                }
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailer fields, each a valid field line, then the final CRLF.
                let trailersStart = position
                while true {
                    guard let trailerEnd = crlf(bytes, from: position, within: maximumTrailerBytes) else {
                        return bytes.count - trailersStart > maximumTrailerBytes ? .failure(431, "trailer fields are over \(maximumTrailerBytes) bytes")
                            : .incomplete
                    }
                    guard trailerEnd - trailersStart <= maximumTrailerBytes else {
                        return .failure(431, "trailer fields are over \(maximumTrailerBytes) bytes")
                    }
                    if trailerEnd == position {
                        var body: [UInt8] = []
                        body.reserveCapacity(total)
                        for chunk in chunks { body.append(contentsOf: bytes[chunk]) }
                        return .body(body, end: trailerEnd + 2)
                    }
                    if case .failure(let refusal) = field(bytes, position..<trailerEnd) { return .failure(400, "a trailer field: " + refusal.message) }
                    position = trailerEnd + 2
                }
            }
            guard chunks.count < maximumChunks else { return .failure(413, "the body is in more than \(maximumChunks) chunks") }
            guard total + size <= limit else { return .failure(413, "the body is over \(limit) bytes") }
            guard bytes.count >= position + size + 2 else { return .incomplete }
            guard bytes[position + size] == 0x0D, bytes[position + size + 1] == 0x0A else {
                return .failure(400, "a chunk is not followed by CRLF")
            }
            chunks.append(position..<(position + size))
            total += size
            position += size + 2
        }
    }

    /// Why a field line is refused.
    struct Refusal: Error {
        var message: String
    }

    /// A header or trailer field line (without its CRLF): `name: value`, the name a token with
    /// no white space before the colon, the value without control characters; not folded.
    private static func field(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Result<(name: String, value: String), Refusal> {
        let field = bytes[line]
        guard let first = field.first, first != 0x20, first != 0x09 else {
            return .failure(Refusal(message: "a folded field line (obsolete line folding is refused)"))
        }
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > field.startIndex,
              bytes[field.startIndex..<colon].allSatisfy(isTokenByte) else {
            return .failure(Refusal(message: "a field is not `name: value` (no white space before the colon)"))
        }
        var valueStart = colon + 1
        var valueEnd = field.endIndex
        while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        guard bytes[valueStart..<valueEnd].allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x09 }) else {
            return .failure(Refusal(message: "a field value holds a control character"))
        }
        return .success((String(decoding: bytes[field.startIndex..<colon], as: UTF8.self).lowercased(),
                         String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
    }

    private static func crlf(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, within limit: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count, index - start <= limit {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A client's text cut and cleaned for a message.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(32).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}
