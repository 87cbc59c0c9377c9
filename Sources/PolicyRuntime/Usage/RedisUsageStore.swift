import Synchronization

/// A usage store in Redis, for gateways on many hosts sharing one server: every operation is one
/// Lua script (``RedisUsageScripts``) that runs ``UsageLedger``'s arithmetic on the server, so the
/// conformance suite holds it to exactly the memory store's behaviour, and a reservation checked
/// against all its meters is one atomic step however many hosts reserve at once.
///
/// **Keys.** Every key is `{PREFIX}:NAME`. The braces make the prefix a Redis Cluster hash tag:
/// all of a store's keys hash to one slot, so one script may use them all, on a single server or
/// in a cluster. Stores with the same endpoint and prefix share their data (that is how hosts
/// share it); different prefixes are independent.
///
/// | key | type | holds |
/// | --- | --- | --- |
/// | `{PREFIX}:meters` | hash | meter key → `LEVEL,UNTIL;BUCKET,AMOUNT;…`: the announcement mark (the highest threshold announced, 101 for a refusal, and when that lapses; empty when none) and the amount per bucket index |
/// | `{PREFIX}:reservations` | hash | request id → JSON: reserved at, deadline, state (open, released, settled), attribution, holds (meter key, bucket, unit, amount) |
/// | `{PREFIX}:deadlines` | sorted set | request id, scored by its deadline: the expiry while open, when it is forgotten once closed |
/// | `{PREFIX}:records` | list | one JSON array per settlement, in settlement order: request id, reserved at, attribution, the answering model, tokens in, tokens out, cost |
///
/// A meter's buckets are pruned to its window whenever a reservation charges it, so a meter holds
/// about 60 buckets at most (one for a calendar period). No key expires: times are the caller's
/// (a replay's, a test's), never Redis's clock, so Redis cannot know when something is old.
/// Meters and records grow with use, as they do in the memory store.
///
/// **One script per operation.** ``reserve(_:)``, ``settle(_:)`` and ``used(_:at:)`` are each one
/// `EVALSHA`. Times come from the arguments, never from `TIME`, so a replay decides as the
/// original did. Reserving and settling first release expired reservations, **at most
/// ``releaseLimitPerCall`` per call** so that no call holds the server for long; more than that
/// many falling due at once are released by the calls that follow. ``used(_:at:)`` changes
/// nothing, as the ledger's does not.
///
/// **Numbers.** Lua's numbers are doubles, exact below 2^53: an amount, limit, threshold, time
/// or token count of 2^53 or more in magnitude is refused with ``UsageStoreError`` before anything
/// is sent.
///
/// **Failures.** Any Redis failure (connect refused, timeout, protocol error, error reply, a reply
/// the scripts cannot have sent) is a ``UsageStoreError`` naming the server's `host:port` and what
/// failed, never a key, a request id or an amount. After a timeout the operation may or may not
/// have run: reserving again under the same request id answers ``ReservationResult/Status/duplicate``
/// when it did, and settling again answers ``SettlementResult/alreadySettled``, so asking again is
/// safe. Durability of acknowledged operations is Redis's own (`appendonly`, `appendfsync`).
///
/// Calls from many threads share a small pool of connections (`connections`, 4 by default),
/// taken in turn; each ``RedisClient`` serializes the calls on its connection. One connection
/// held 5,000 reservations/s however many threads called; ``reserve(batch:)`` pipelines.
public final class RedisUsageStore: UsageStore {
    /// The most expired reservations one call releases or forgets.
    public static let releaseLimitPerCall = 1_000

    /// The server this store uses.
    public var endpoint: RedisEndpoint { clients[0].endpoint }

    private let clients: [RedisClient]
    private let nextClient = Atomic<Int>(0)
    /// The next connection of the pool, in turn.
    private var client: RedisClient {
        clients[Int(UInt(bitPattern: nextClient.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(clients.count))]
    }
    /// KEYS for every script: meters, reservations, deadlines, records.
    private let keys: [[UInt8]]
    /// Whether ``reserve(batch:)`` knows the server has the reserve script: a pipeline cannot
    /// fall back from `NOSCRIPT` command by command without reordering, so the first batch loads
    /// the script ahead of its calls.
    private let batchScriptLoaded = Atomic<Bool>(false)

    /// A store on `endpoint` whose keys all start with `{keyPrefix}:`, over `connections`
    /// connections. Nothing is connected until the first operation.
    /// - Precondition: `keyPrefix` is not empty and holds no `{` or `}` (it is the keys' hash tag),
    ///   both timeouts are finite and positive, and `connections` is 1 to 64.
    public init(endpoint: RedisEndpoint, keyPrefix: String = "policylang", connectTimeout: Double = 1, ioTimeout: Double = 2,
                connections: Int = 4) {
        precondition(!keyPrefix.isEmpty && !keyPrefix.utf8.contains(UInt8(ascii: "{")) && !keyPrefix.utf8.contains(UInt8(ascii: "}")),
                     "the key prefix must be non-empty and hold no `{` or `}`")
        precondition((1...64).contains(connections), "a store has 1 to 64 connections")
        clients = (0..<connections).map { _ in RedisClient(endpoint: endpoint, connectTimeout: connectTimeout, ioTimeout: ioTimeout) }
        keys = ["meters", "reservations", "deadlines", "records"].map { Array("{\(keyPrefix)}:\($0)".utf8) }
    }

    /// See ``UsageStore/reserve(_:)``.
    public func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult {
        let arguments = try RedisUsageStore.reserveArguments(reservation)
        let reply = try run(RedisUsageScripts.reserve, arguments, "reserve")
        guard let result = RedisUsageStore.reservationResult(reply, charges: reservation.charges.count) else {
            throw unexpectedReply("reserve")
        }
        return result
    }

    /// Reserves each request of `batch` in order, as ``reserve(_:)`` would one after another, but
    /// with all the scripts sent in one pipeline: one round trip for the whole batch. Each
    /// reservation is atomic on its own; the batch is not (other hosts' calls may run between).
    ///
    /// Nothing is sent when any request has a number Redis cannot hold. When one call of the batch
    /// fails the error is thrown and the results of the others are lost although they ran: sending
    /// the batch again is safe, since those answer ``ReservationResult/Status/duplicate``. A call the
    /// server answers `NOSCRIPT` (its scripts were flushed since this store loaded them) did not
    /// run and is run again on its own, after the rest of the batch.
    public func reserve(batch: [ReservationRequest]) throws(UsageStoreError) -> [ReservationResult] {
        guard !batch.isEmpty else { return [] }
        var argumentLists: [[[UInt8]]] = []
        for reservation in batch { argumentLists.append(try RedisUsageStore.reserveArguments(reservation)) }

        let script = RedisUsageScripts.reserve
        let loadFirst = !batchScriptLoaded.load(ordering: .relaxed)
        var commands: [[[UInt8]]] = []
        if loadFirst { commands.append([Array("SCRIPT".utf8), Array("LOAD".utf8), Array(script.source.utf8)]) }
        let head = [Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(keys.count).utf8)] + keys
        for arguments in argumentLists { commands.append(head + arguments) }

        let replies: [RedisReply]
        do throws(RedisError) {
            replies = try client.pipeline(commands)
        } catch {
            throw failure("reserve", error)
        }
        guard replies.count == commands.count else { throw unexpectedReply("reserve") }
        if loadFirst {
            guard replies[0].string == script.sha1 else {
                if let message = replies[0].errorMessage { throw failure("reserve", .server(message)) }
                throw unexpectedReply("reserve")
            }
            batchScriptLoaded.store(true, ordering: .relaxed)
        }
        let offset = loadFirst ? 1 : 0
        var results: [ReservationResult?] = []
        var notRun: [Int] = []
        for (index, reservation) in batch.enumerated() {
            let reply = replies[offset + index]
            if let message = reply.errorMessage {
                guard message.hasPrefix("NOSCRIPT") else { throw failure("reserve", .server(message)) }
                notRun.append(index)
                results.append(nil)
                continue
            }
            guard let result = RedisUsageStore.reservationResult(reply, charges: reservation.charges.count) else {
                throw unexpectedReply("reserve")
            }
            results.append(result)
        }
        for index in notRun {
            // `evalScript` sends the source when the digest is unknown, loading it again.
            let reply = try run(script, argumentLists[index], "reserve")
            guard let result = RedisUsageStore.reservationResult(reply, charges: batch[index].charges.count) else {
                throw unexpectedReply("reserve")
            }
            results[index] = result
        }
        let finished = results.compactMap { $0 }
        guard finished.count == batch.count else { throw unexpectedReply("reserve") }
        return finished
    }

    /// See ``UsageStore/settle(_:)``.
    public func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult {
        let arguments = try RedisUsageStore.settleArguments(settlement)
        let reply = try run(RedisUsageScripts.settle, arguments, "settle")
        guard let result = RedisUsageStore.settlementResult(reply) else { throw unexpectedReply("settle") }
        return result
    }

    /// See ``UsageStore/used(_:at:)``.
    public func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int] {
        guard !meters.isEmpty else { return [] }
        let arguments = try RedisUsageStore.usedArguments(meters, at: time)
        let reply = try run(RedisUsageScripts.used, arguments, "usage query")
        guard let uses = RedisUsageStore.usedResult(reply, count: meters.count) else { throw unexpectedReply("usage query") }
        return uses
    }

    /// See ``UsageStore/records(from:to:)``. Reads the records list in chunks (each an `LRANGE`,
    /// so no single reply is large) and filters and orders in Swift; records settled while it
    /// reads may or may not be included.
    public func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord] {
        let chunk = 1_000
        var records: [UsageRecord] = []
        var start = 0
        while true {
            let reply: RedisReply
            do throws(RedisError) {
                reply = try client.command([Array("LRANGE".utf8), keys[3], Array(String(start).utf8),
                                            Array(String(start + chunk - 1).utf8)])
            } catch {
                throw failure("records read", error)
            }
            guard let elements = reply.elements else { throw unexpectedReply("records read") }
            for element in elements {
                guard let bytes = element.bytes, let record = RedisUsageStore.record(bytes) else {
                    throw unexpectedReply("records read")
                }
                if let from, record.time < from { continue }
                if let to, record.time >= to { continue }
                records.append(record)
            }
            guard elements.count == chunk else { break }
            start += chunk
        }
        // Stable: records of one reservation time stay in the order they were settled.
        return records.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// Runs one script with the store's keys.
    private func run(_ script: RedisScript, _ arguments: [[UInt8]], _ operation: String) throws(UsageStoreError) -> RedisReply {
        do throws(RedisError) {
            return try client.evalScript(script, keys: keys, arguments: arguments)
        } catch {
            throw failure(operation, error)
        }
    }

    /// A Redis failure as a one-line message naming the server and the operation, never data.
    private func failure(_ operation: String, _ error: RedisError) -> UsageStoreError {
        let address = endpoint.hostAndPort
        let reason: String
        switch error {
        case .connectFailed(let detail):
            // The client's message starts with the address this one already names.
            let prefix = address + ": "
            reason = "cannot connect (" + (detail.hasPrefix(prefix) ? String(detail.dropFirst(prefix.count)) : detail) + ")"
        case .timeout(.connect): reason = "connect timed out"
        case .timeout(.io): reason = "no reply in time (it may or may not have run)"
        case .connectionClosed: reason = "connection closed by the server (it may or may not have run)"
        case .protocolError(let detail): reason = "protocol error: \(detail)"
        case .invalidURL(let detail): reason = "invalid endpoint: \(detail)"
        case .server(let message):
            // A script error is one line of Redis's own text; cut it short all the same.
            let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            reason = "server error: " + (line.count > 200 ? String(line.prefix(200)) + "…" : line)
        }
        return UsageStoreError("redis usage store at \(address): \(operation) failed: \(reason)")
    }

    private func unexpectedReply(_ operation: String) -> UsageStoreError {
        UsageStoreError("redis usage store at \(endpoint.hostAndPort): \(operation) failed: unexpected reply from the server")
    }
}
