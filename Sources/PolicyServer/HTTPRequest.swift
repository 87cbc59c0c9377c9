/// One HTTP/1.1 request as the server reads it (RFC 9112): the method, the path and query of its
/// target, its header fields, and its body, already de-chunked.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, … as sent (methods are case-sensitive).
    public var method: String
    /// The target's path, as sent (`/v1/decide`).
    public var path: String
    /// The target's query, without `?` (empty when none).
    public var query: String
    /// The header fields in order, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// Whether the connection stays open after the response (HTTP/1.1 unless `Connection:
    /// close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool

    /// The value of the first field named `name` (lower case), if any.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Whether the query holds `name=value` among its `&`-separated pairs.
    public func queryHas(_ name: String, _ value: String) -> Bool {
        query.split(separator: "&").contains { $0 == "\(name)=\(value)" }
    }
}
