import PolicyRuntime

/// The server's limits, each documented in docs/serve.md and each failing closed: what is over a
/// limit is refused with its status, never read on, and never a crash.
public struct HTTPLimits: Sendable {
    /// The request line and header fields together, in bytes (431 beyond).
    public var maximumHeaderBytes = 16 * 1024
    /// Header fields in one request (431 beyond).
    public var maximumHeaderFields = 100
    /// A body, in bytes, after de-chunking (413 beyond): the request format's own limit.
    public var maximumBodyBytes = RequestReader.maxBytes
    /// Seconds a request may take to arrive once its first byte has (408 after).
    public var requestTimeoutSeconds = 10
    /// Seconds an idle keep-alive connection stays open.
    public var keepAliveSeconds = 30
    /// Requests served on one connection before it is closed (so that no client holds a worker forever).
    public var maximumRequestsPerConnection = 100_000
    /// Connections served at once: one worker thread each; a connection beyond them is answered
    /// 503 and closed.
    public var workers = 64

    /// The defaults.
    public init() {}
}
