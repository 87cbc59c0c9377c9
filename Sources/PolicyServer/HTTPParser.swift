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
        /// still arriving) and `expectsContinue` whether the client waits for `100 Continue`.
        case incomplete(headersRead: Bool, expectsContinue: Bool)
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
        // Blank lines before a request line may be skipped (RFC 9112 §2.2).
        var start = 0
        while start + 1 < bytes.count, bytes[start] == 0x0D, bytes[start + 1] == 0x0A { start += 2 }
        guard let headEnd = headEnd(bytes, from: start, limit: limits.maximumHeaderBytes) else {
            if bytes.count - start > limits.maximumHeaderBytes {
                return .failure(status: 431, message: "the request line and header fields are over \(limits.maximumHeaderBytes) bytes")
            }
            return .incomplete(headersRead: false, expectsContinue: false)
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
            return version.hasPrefix("HTTP/") ? .failure(status: 505, message: "HTTP version `\(printable(version))` is not supported; use HTTP/1.1")
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
            let field = bytes[line]
            guard let first = field.first, first != 0x20, first != 0x09 else {
                return .failure(status: 400, message: "a folded header field line (obsolete line folding is refused)")
            }
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > field.startIndex,
                  bytes[field.startIndex..<colon].allSatisfy(isTokenByte) else {
                return .failure(status: 400, message: "a header field is not `name: value` (no white space before the colon)")
            }
            var valueStart = colon + 1
            var valueEnd = field.endIndex
            while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            guard bytes[valueStart..<valueEnd].allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
                return .failure(status: 400, message: "a header field value holds a control character")
            }
            headers.append((String(decoding: bytes[field.startIndex..<colon], as: UTF8.self).lowercased(),
                            String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
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
            case .incomplete: return .incomplete(headersRead: true, expectsContinue: expectsContinue)
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
            guard bytes.count - bodyStart >= length else { return .incomplete(headersRead: true, expectsContinue: expectsContinue) }
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

    /// The body of a chunked message from `start`: its chunks joined, trailers skipped.
    private static func dechunk(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Dechunked {
        var body: [UInt8] = []
        var position = start
        while true {
            // chunk-size [; extensions] CRLF
            guard let lineEnd = crlf(bytes, from: position, within: 1_024) else {
                return bytes.count - position > 1_024 ? .failure(400, "a chunk size line is over 1,024 bytes") : .incomplete
            }
            var size = 0
            var digits = 0
            var index = position
            while index < lineEnd, let digit = hexValue(bytes[index]) {
                size = size * 16 + digit
                digits += 1
                guard digits <= 8 else { return .failure(413, "a chunk is over the body limit of \(limit) bytes") }
                index += 1
            }
            guard digits > 0, index == lineEnd || bytes[index] == UInt8(ascii: ";") || bytes[index] == 0x20 || bytes[index] == 0x09 else {
                return .failure(400, "a chunk size is not hexadecimal")
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailer fields, then the final CRLF.
                while true {
                    guard let trailerEnd = crlf(bytes, from: position, within: 8 * 1_024) else {
                        return bytes.count - position > 8 * 1_024 ? .failure(431, "trailer fields are over 8,192 bytes") : .incomplete
                    }
                    let empty = trailerEnd == position
                    position = trailerEnd + 2
                    if empty { return .body(body, end: position) }
                }
            }
            guard body.count + size <= limit else { return .failure(413, "the body is over \(limit) bytes") }
            guard bytes.count >= position + size + 2 else { return .incomplete }
            guard bytes[position + size] == 0x0D, bytes[position + size + 1] == 0x0A else {
                return .failure(400, "a chunk is not followed by CRLF")
            }
            body.append(contentsOf: bytes[position..<(position + size)])
            position += size + 2
        }
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
