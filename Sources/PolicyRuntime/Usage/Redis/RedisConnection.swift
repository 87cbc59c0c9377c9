#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a Redis server: connect, write a payload, read replies, each wait bounded
/// by a deadline.
///
/// The socket is non-blocking from creation, so every wait is a `poll` with the time left and no
/// call can block past its deadline. Not thread-safe and deliberately not `Sendable`:
/// ``RedisClient`` owns it behind its lock. The descriptor is closed by ``close()`` or `deinit`.
final class RedisConnection {
    private var descriptor: Int32
    private var parser = RESPParser()
    /// Reused across reads so that a reply of many chunks does not allocate per chunk.
    private var receiveBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close()
    }

    /// Resolves the endpoint and connects to the first address that accepts within `timeout`
    /// seconds (one deadline for all addresses, so a name with many dead addresses cannot multiply
    /// the wait). Name resolution is not bounded by `timeout`: `getaddrinfo` has no deadline and
    /// takes as long as the system resolver does, which is why configurations that cannot afford
    /// that name the server by address (or by a name in `/etc/hosts`).
    /// - Throws: ``RedisError/connectFailed(_:)`` or ``RedisError/timeout(_:)`` with `.connect`.
    static func connect(to endpoint: RedisEndpoint, timeout: Double) throws(RedisError) -> RedisConnection {
        let deadline = RedisDeadline(after: timeout)
        let address = endpoint.hostAndPort
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? systemMessage(errno) : lowerFirst(String(cString: gai_strerror(status)))
            throw .connectFailed("\(address): \(reason)")
        }
        defer { freeaddrinfo(first) }

        var lastReason = "no address to connect to"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry?.pointee {
            entry = info.ai_next
            let flags = Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            let descriptor = socket(info.ai_family, info.ai_socktype | flags, info.ai_protocol)
            guard descriptor >= 0 else {
                lastReason = systemMessage(errno)
                continue
            }
            // Commands are small and answered one round trip at a time; Nagle's delay would add
            // up to 40 ms to each.
            var one: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = RedisConnection(descriptor: descriptor)
            if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 { return connection }
            guard errno == EINPROGRESS || errno == EINTR else {
                lastReason = systemMessage(errno)
                continue
            }
            switch connection.waitUntil(Int16(POLLOUT), deadline: deadline) {
            case .ready:
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) != 0 { failure = errno }
                if failure == 0 { return connection }
                lastReason = systemMessage(failure)
            case .timedOut:
                throw .timeout(.connect)
            case .failed(let code):
                lastReason = systemMessage(code)
            }
        }
        throw .connectFailed("\(address): \(lastReason)")
    }

    /// Closes the socket; later calls on this connection fail as closed.
    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    /// Whether a new command can be sent: nothing is half-read and the socket has nothing to say.
    ///
    /// Between replies a RESP2 server sends nothing, so a readable socket means the server closed
    /// or reset the connection (idle timeout, `CLIENT KILL`, restart) or broke the protocol. Either
    /// way the connection is useless, and finding out before writing is what lets the client
    /// reconnect and send the command without any risk of running it twice.
    var isReusable: Bool {
        guard descriptor >= 0, parser.isIdle else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Writes all of `payload`, counting into `written` how many bytes the kernel accepted so the
    /// caller knows whether any of it can have reached the server.
    /// - Throws: ``RedisError/timeout(_:)`` with `.io`, or ``RedisError/connectionClosed``.
    func write(_ payload: [UInt8], deadline: RedisDeadline, written: inout Int) throws(RedisError) {
        guard descriptor >= 0 else { throw .connectionClosed }
        while written < payload.count {
            let offset = written
            // MSG_NOSIGNAL: writing to a socket the server has closed must be an error here, not a
            // SIGPIPE that kills the embedding process.
            let sent = payload.withUnsafeBytes { bytes in
                send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                written += sent
                continue
            }
            let code = errno
            if sent < 0, code == EINTR { continue }
            if sent < 0, code == EAGAIN || code == EWOULDBLOCK {
                try wait(Int16(POLLOUT), deadline: deadline)
                continue
            }
            throw code == ETIMEDOUT ? .timeout(.io) : .connectionClosed
        }
    }

    /// Reads exactly `count` replies, in order.
    /// - Throws: ``RedisError/timeout(_:)`` with `.io`, ``RedisError/connectionClosed``, or
    ///   ``RedisError/protocolError(_:)``.
    func readReplies(_ count: Int, deadline: RedisDeadline) throws(RedisError) -> [RedisReply] {
        var replies: [RedisReply] = []
        replies.reserveCapacity(count)
        while replies.count < count {
            if let reply = try parser.next() {
                replies.append(reply)
            } else {
                try receive(deadline: deadline)
            }
        }
        return replies
    }

    /// Moves at least one received byte into the parser.
    private func receive(deadline: RedisDeadline) throws(RedisError) {
        guard descriptor >= 0 else { throw .connectionClosed }
        while true {
            let received = receiveBuffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                receiveBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<received])) }
                return
            }
            if received == 0 { throw .connectionClosed }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                try wait(Int16(POLLIN), deadline: deadline)
                continue
            }
            throw code == ETIMEDOUT ? .timeout(.io) : .connectionClosed
        }
    }

    private enum WaitResult {
        case ready
        case timedOut
        case failed(Int32)
    }

    /// Waits for an I/O readiness; a timeout is an I/O timeout.
    private func wait(_ events: Int16, deadline: RedisDeadline) throws(RedisError) {
        switch waitUntil(events, deadline: deadline) {
        case .ready: return
        case .timedOut: throw .timeout(.io)
        case .failed: throw .connectionClosed
        }
    }

    /// Polls for `events` until the deadline. Error and hang-up conditions count as ready: the
    /// `send`, `recv` or `SO_ERROR` that follows reports them precisely.
    private func waitUntil(_ events: Int16, deadline: RedisDeadline) -> WaitResult {
        while true {
            let milliseconds = deadline.remainingMilliseconds
            guard milliseconds > 0 else { return .timedOut }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return .ready }
            if ready == 0 { continue }  // the next pass sees the deadline passed, or waits the rest
            if errno == EINTR { continue }
            return .failed(errno)
        }
    }

    /// `strerror` text in the project's lower-case message style.
    private static func systemMessage(_ code: Int32) -> String {
        lowerFirst(String(cString: strerror(code)))
    }

    private static func lowerFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
