import Synchronization

/// A Redis client over one TCP connection, speaking RESP2.
///
/// The connection is opened lazily by the first call, and `SELECT` is sent after connecting when
/// the endpoint names a database other than 0. Calls from many threads are serialized on the one
/// connection (each waits for the lock, and the lock is held for at most one connect plus one
/// exchange, both bounded by their timeouts); a caller that needs parallel round trips uses several
/// clients.
///
/// **Failures and retries.** After any I/O error, timeout or protocol error the connection is
/// closed and the error thrown; the next call connects again. A call is retried automatically
/// (once) only when it failed before any byte of it was written — connecting failed, or the
/// socket refused the very first byte — because then the server cannot have seen it. Once a byte
/// has been sent the call is never repeated: the server may have executed it, and a repeated
/// script that charges usage would charge twice. The caller decides what an uncertain outcome
/// means. Before reusing an idle connection the client checks whether the server has closed it,
/// so a connection dropped while idle is replaced without any uncertainty at all.
///
/// **Errors.** `command` and ``evalScript(_:keys:arguments:)`` throw an error reply as
/// ``RedisError/server(_:)``; ``pipeline(_:)`` returns error replies in place, since the other
/// commands of the batch ran regardless.
public final class RedisClient: Sendable {
    /// The server this client talks to.
    public let endpoint: RedisEndpoint
    /// Seconds allowed to establish the TCP connection, once the host name is resolved (the
    /// system resolver has no deadline of ours; an IP address avoids it).
    public let connectTimeout: Double
    /// Seconds allowed for one call's exchange: writing its commands and reading all the replies.
    public let ioTimeout: Double

    /// The open connection, if any. `Mutex` (not an actor) because callers are synchronous and a
    /// call must own the connection from its first written byte to its last read one.
    private let connection = Mutex<RedisConnection?>(nil)

    /// A client for `endpoint`; nothing is connected until the first call.
    /// - Precondition: both timeouts are finite and positive.
    public init(endpoint: RedisEndpoint, connectTimeout: Double = 1.0, ioTimeout: Double = 2.0) {
        precondition(connectTimeout.isFinite && connectTimeout > 0, "the connect timeout must be a positive number of seconds")
        precondition(ioTimeout.isFinite && ioTimeout > 0, "the I/O timeout must be a positive number of seconds")
        self.endpoint = endpoint
        self.connectTimeout = connectTimeout
        self.ioTimeout = ioTimeout
    }

    /// Sends one command (name first, then its arguments, all binary-safe) and returns its reply.
    /// - Throws: ``RedisError/server(_:)`` when the reply is an error, or any connection error.
    public func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        let reply = try exchange([arguments])[0]
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Sends one command whose arguments are text, encoded as UTF-8.
    /// - Throws: ``RedisError/server(_:)`` when the reply is an error, or any connection error.
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends all `commands` in one write and returns their replies in the same order; an error
    /// reply is a ``RedisReply/error(_:)`` element, not a thrown error.
    /// - Throws: a connection or protocol error, after which none of the replies is known.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try exchange(commands)
    }

    /// Runs `script` with `EVALSHA`, sending the source with `EVAL` only when the server answers
    /// `NOSCRIPT` (first use, or after a restart or `SCRIPT FLUSH`); later calls use `EVALSHA` again.
    /// - Throws: ``RedisError/server(_:)`` when the script fails, or any connection error.
    public func evalScript(_ script: RedisScript, keys: [[UInt8]], arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        let operands = [Array(String(keys.count).utf8)] + keys + arguments
        var reply = try exchange([[Array("EVALSHA".utf8), Array(script.sha1.utf8)] + operands])[0]
        if let message = reply.errorMessage, message.hasPrefix("NOSCRIPT") {
            // A NOSCRIPT reply means nothing ran, so sending the source cannot run the script twice.
            reply = try exchange([[Array("EVAL".utf8), Array(script.source.utf8)] + operands])[0]
        }
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Closes the connection if one is open, after any call in progress has finished. The client
    /// stays usable: the next call reconnects.
    public func close() {
        connection.withLock { slot in
            slot?.close()
            slot = nil
        }
    }

    /// Writes the encoded commands and reads one reply per command, applying the retry rule in the
    /// type's documentation.
    private func exchange(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        // An empty array would be silently ignored by the server, leaving us waiting for a reply
        // that never comes until the I/O timeout.
        guard commands.allSatisfy({ !$0.isEmpty }) else {
            throw .protocolError("a command needs at least its name")
        }
        var payload: [UInt8] = []
        for command in commands { RESPEncoder.append(command, to: &payload) }
        return try connection.withLock { (slot: inout RedisConnection?) throws(RedisError) -> [RedisReply] in
            var retried = false
            while true {
                let current: RedisConnection
                do throws(RedisError) {
                    current = try openConnection(&slot)
                } catch {
                    // Nothing of this call was written, so one more attempt is safe.
                    if error.isTransport, !retried {
                        retried = true
                        continue
                    }
                    throw error
                }
                let deadline = RedisDeadline(after: ioTimeout)
                var written = 0
                do throws(RedisError) {
                    try current.write(payload, deadline: deadline, written: &written)
                    return try current.readReplies(commands.count, deadline: deadline)
                } catch {
                    // Whatever went wrong, the stream's position is unknown: never reuse it.
                    current.close()
                    slot = nil
                    if written == 0, error.isTransport, !retried {
                        retried = true
                        continue
                    }
                    throw error
                }
            }
        }
    }

    /// The connection to write to: the current one if the server has not dropped it, else a new
    /// one with its database selected. Called with the lock held.
    private func openConnection(_ slot: inout RedisConnection?) throws(RedisError) -> RedisConnection {
        if let existing = slot {
            if existing.isReusable { return existing }
            existing.close()
            slot = nil
        }
        let fresh = try RedisConnection.connect(to: endpoint, timeout: connectTimeout)
        if endpoint.database != 0 {
            let deadline = RedisDeadline(after: ioTimeout)
            let select = RESPEncoder.encode([Array("SELECT".utf8), Array(String(endpoint.database).utf8)])
            var written = 0
            try fresh.write(select, deadline: deadline, written: &written)
            switch try fresh.readReplies(1, deadline: deadline)[0] {
            case .simpleString("OK"): break
            case .error(let message): throw .server(message)
            default: throw .protocolError("unexpected reply to select")
            }
        }
        slot = fresh
        return fresh
    }
}
