/// Why a Redis call failed.
///
/// Messages follow the project's style: one line, lower-case, no trailing period. None of them
/// carries a URL's credentials, a command's arguments or a reply's payload, so they are safe to log.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which wait ran out of time.
    public enum Phase: Sendable, Equatable {
        /// Establishing the TCP connection.
        case connect
        /// Writing a command or reading its reply.
        case io
    }

    /// The endpoint URL is not `redis://HOST:PORT[/DB]`; the reason says what is wrong.
    case invalidURL(String)
    /// The TCP connection could not be made: the address and the system's reason (`strerror`).
    case connectFailed(String)
    /// A connect or an I/O wait exceeded its timeout; the connection was closed.
    case timeout(Phase)
    /// The server closed the connection (or reset it) before the reply was complete.
    case connectionClosed
    /// The server's bytes are not valid RESP2 or exceed a limit; the text says what was wrong.
    case protocolError(String)
    /// The server answered with an error reply; the text is the reply without the leading `-`.
    case server(String)

    /// The one-line message.
    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid redis url: \(reason)"
        case .connectFailed(let reason): "cannot connect to redis at \(reason)"
        case .timeout(.connect): "redis connect timed out"
        case .timeout(.io): "redis read or write timed out"
        case .connectionClosed: "redis connection closed by the server"
        case .protocolError(let reason): "redis protocol error: \(reason)"
        case .server(let message): "redis server error: \(message)"
        }
    }

    /// True for failures of the connection itself (as opposed to a reply the server chose to send),
    /// which are the only ones worth a reconnect.
    var isTransport: Bool {
        switch self {
        case .connectFailed, .timeout, .connectionClosed: true
        case .invalidURL, .protocolError, .server: false
        }
    }
}
