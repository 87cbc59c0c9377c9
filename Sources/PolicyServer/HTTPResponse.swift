import PolicyRuntime

/// A response: status, header fields and a body, or a body streamed in chunks as it is made
/// (`POST /v1/decide/batch` writes each decision as soon as it is decided).
public struct HTTPResponse: Sendable {
    /// How the body is given.
    public enum Body: Sendable {
        /// All of it.
        case bytes([UInt8])
        /// Written by the closure through the writer, sent with `Transfer-Encoding: chunked`.
        case stream(@Sendable (ChunkWriter) -> Void)
    }

    /// The status code.
    public var status: Int
    /// Header fields besides `Content-Length`, `Transfer-Encoding` and `Connection`, which the server sets.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body

    /// A response with a whole body.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    /// A streamed response.
    public init(status: Int, headers: [(name: String, value: String)] = [], stream: @escaping @Sendable (ChunkWriter) -> Void) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// A JSON body (`application/json`).
    public static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("content-type", "application/json")], body: body)
    }

    /// An error as JSON: `{"error":{"status":N,"message":"…"}}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        var body = Array(#"{"error":{"message":"#.utf8)
        JSONTree.writeString(message, into: &body)
        body += Array(#","status":\#(status)}}"#.utf8)
        body.append(0x0A)
        return json(status, body)
    }

    /// The reason phrase of a status.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// The status line and header fields, with `Content-Length` or chunked framing and `Connection`.
    func head(contentLength: Int?, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        if let contentLength { text += "content-length: \(contentLength)\r\n" } else { text += "transfer-encoding: chunked\r\n" }
        text += keepAlive ? "connection: keep-alive\r\n\r\n" : "connection: close\r\n\r\n"
        return Array(text.utf8)
    }
}

/// Writes a streamed body's chunks to the connection, buffering small writes into larger chunks.
public final class ChunkWriter: @unchecked Sendable {
    private let send: ([UInt8]) -> Bool
    private var buffer: [UInt8] = []
    /// Whether the client went away (a write failed): the stream should stop.
    public private(set) var failed = false
    /// Bytes gathered before a chunk is sent.
    static let chunkBytes = 64 * 1024

    init(send: @escaping ([UInt8]) -> Bool) { self.send = send }

    /// Adds bytes to the body.
    public func write(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= ChunkWriter.chunkBytes { flush() }
    }

    /// Sends what is gathered as one chunk.
    public func flush() {
        guard !buffer.isEmpty, !failed else { return }
        var chunk = Array(String(buffer.count, radix: 16).utf8) + [0x0D, 0x0A]
        chunk += buffer
        chunk += [0x0D, 0x0A]
        buffer.removeAll(keepingCapacity: true)
        if !send(chunk) { failed = true }
    }

    /// Sends the rest and the last chunk.
    func finish() {
        flush()
        if !failed, !send(Array("0\r\n\r\n".utf8)) { failed = true }
    }
}
