/// A Lua script for `EVAL`, with the SHA-1 that names it in the server's script cache.
///
/// Build each script once (a `static let`) and reuse it: the digest is computed here, not on
/// every call, and ``RedisClient/evalScript(_:keys:arguments:)`` sends only the digest once the
/// server has the source cached.
public struct RedisScript: Sendable, Equatable {
    /// The Lua source.
    public let source: String
    /// The lower-case hex SHA-1 of the source's UTF-8 bytes: the name `EVALSHA` expects.
    public let sha1: String

    /// A script and its digest.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(source.utf8)
    }
}
