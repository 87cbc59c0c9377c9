import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: one accepting thread and a fixed pool of worker threads,
/// each serving one connection at a time with keep-alive. A connection that arrives when every
/// worker is busy is answered `503` and closed, so that load beyond the pool is refused at once
/// rather than queued without bound. Every limit of ``HTTPLimits`` fails closed with its status.
/// `shutdown()` stops accepting, lets each request in flight finish and closes idle connections.
public final class HTTPServer: @unchecked Sendable {
    /// Answers one request; called on worker threads, concurrently.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    /// Told about each event worth a log line: a refused connection, a malformed request.
    public typealias Logger = @Sendable (_ event: String, _ fields: [(String, String)]) -> Void

    private let limits: HTTPLimits
    private let handler: Handler
    private let log: Logger
    private let refused: @Sendable (Int) -> Void
    private var listener: Int32 = -1
    /// The port the server listens on (the one chosen by the system when 0 was asked for).
    public private(set) var port: UInt16 = 0

    private let lock = NSCondition()
    /// Accepted connections waiting for a worker (at most one per idle worker).
    private var pending: [Int32] = []
    private var idleWorkers = 0
    private var busyWorkers = 0
    private var stopping = false
    private var workersRunning = 0
    private var acceptorRunning = false
    /// Connections the acceptor holds while idle keep-alive connections are asked to close.
    private var waiting = 0
    /// How long a new connection may wait for an idle connection to make room before it is refused.
    private static let makeRoomSeconds = 0.3

    /// Creates a server; nothing listens until ``start(host:port:)``.
    /// - Parameter refused: told the status of each response the server gives itself, without
    ///   the handler (a malformed request, a timeout, no worker free).
    public init(limits: HTTPLimits = HTTPLimits(), log: @escaping Logger = { _, _ in }, refused: @escaping @Sendable (Int) -> Void = { _ in },
                handler: @escaping Handler) {
        self.limits = limits
        self.handler = handler
        self.log = log
        self.refused = refused
    }

    /// Binds `host:port` (an IPv4 address; port 0 picks a free one) and starts serving.
    /// - Throws: ``HTTPServerError`` when the address cannot be bound.
    public func start(host: String, port: UInt16) throws(HTTPServerError) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw HTTPServerError("`\(host)` is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 1_024) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw HTTPServerError("cannot listen on \(host):\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        self.port = UInt16(bigEndian: actual.sin_port)
        lock.lock()
        workersRunning = limits.workers
        acceptorRunning = true
        lock.unlock()
        for index in 0..<limits.workers {
            let thread = Thread { [self] in work() }
            thread.name = "policy-serve-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        let acceptor = Thread { [self] in acceptLoop() }
        acceptor.name = "policy-serve-accept"
        acceptor.start()
    }

    /// Stops accepting, finishes the requests in flight (each within the request timeout) and
    /// closes every connection; returns when all workers are done.
    public func shutdown() {
        lock.lock()
        guard !stopping else {
            while workersRunning > 0 || acceptorRunning { lock.wait() }
            lock.unlock()
            return
        }
        stopping = true
        lock.broadcast()
        lock.unlock()
        // Wakes the acceptor blocked in accept().
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        lock.lock()
        while workersRunning > 0 || acceptorRunning { lock.wait() }
        let leftover = pending
        pending.removeAll()
        lock.unlock()
        for descriptor in leftover { close(descriptor) }
        close(listener)
    }

    /// Connections being served now.
    public var activeConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return busyWorkers
    }

    private func acceptLoop() {
        defer {
            lock.lock()
            acceptorRunning = false
            lock.broadcast()
            lock.unlock()
        }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                lock.lock()
                let done = stopping
                lock.unlock()
                if done { return }
                // Out of descriptors and the like: wait a moment rather than spin.
                log("accept_failed", [("error", String(cString: strerror(errno)))])
                usleep(10_000)
                continue
            }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if stopping {
                lock.unlock()
                close(client)
                return
            }
            if pending.count >= idleWorkers {
                // Every worker is busy: ask the idle keep-alive connections to close, and wait a
                // moment for a worker to come free.
                waiting += 1
                let deadline = Date().addingTimeInterval(HTTPServer.makeRoomSeconds)
                while pending.count >= idleWorkers, !stopping, lock.wait(until: deadline) {}
                waiting -= 1
            }
            if pending.count >= idleWorkers || stopping {
                lock.unlock()
                log("connection_refused", [("reason", "all \(limits.workers) workers busy")])
                refused(503)
                _ = respond(client, .error(503, "the server is serving as many connections as it has workers (\(limits.workers)); retry"),
                            keepAlive: false)
                close(client)
                continue
            }
            pending.append(client)
            lock.signal()
            lock.unlock()
        }
    }

    private func work() {
        defer {
            lock.lock()
            workersRunning -= 1
            lock.broadcast()
            lock.unlock()
        }
        while true {
            lock.lock()
            idleWorkers += 1
            // The acceptor may be waiting for a worker to come free.
            if waiting > 0 { lock.broadcast() }
            while pending.isEmpty, !stopping { lock.wait() }
            idleWorkers -= 1
            if stopping, pending.isEmpty {
                lock.unlock()
                return
            }
            let client = pending.removeFirst()
            busyWorkers += 1
            lock.unlock()
            serve(client)
            close(client)
            lock.lock()
            busyWorkers -= 1
            lock.unlock()
        }
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Seconds on the monotonic clock (timeouts must not follow the wall clock's steps).
    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The most a connection may have buffered: a head, a body and its chunks' framing.
    private var maximumBuffered: Int { limits.maximumHeaderBytes + limits.maximumBodyBytes + HTTPParser.maximumChunks * 1_100 + 16_384 }

    /// Serves one connection until it closes, errs, idles out or the server stops. A new
    /// connection must send its first request within the request timeout; between requests it
    /// may idle for the keep-alive time, unless another connection is waiting for a worker,
    /// when an idle one is closed to make room.
    private func serve(_ client: Int32) {
        // A client that stops reading cannot hold the worker: a send blocks at most this long.
        var sendTimeout = timeval(tv_sec: limits.requestTimeoutSeconds, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var served = 0
        var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
        var continueSent = false
        var awaiting: Int?
        // The first request is due within the request timeout of the connection's arrival.
        var requestStarted: Double? = HTTPServer.now()
        var lastActivity = HTTPServer.now()
        while true {
            // A whole request may already be in the buffer (pipelining).
            if !buffer.isEmpty, buffer.count >= awaiting ?? 0 {
                switch HTTPParser.parse(buffer, limits: limits) {
                case .request(let request, let consumed):
                    buffer.removeFirst(consumed)
                    served += 1
                    let keepAlive = request.keepAlive && served < limits.maximumRequestsPerConnection && !isStopping
                    guard respond(client, handler(request), keepAlive: keepAlive), keepAlive else { return }
                    continueSent = false
                    awaiting = nil
                    lastActivity = HTTPServer.now()
                    requestStarted = buffer.isEmpty ? nil : lastActivity
                    continue
                case .failure(let status, let message):
                    log("bad_request", [("status", String(status)), ("error", message)])
                    refused(status)
                    _ = respond(client, .error(status, message), keepAlive: false)
                    return
                case .incomplete(let headersRead, let expectsContinue, let total):
                    awaiting = total
                    if headersRead, expectsContinue, !continueSent {
                        guard sendAll(client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                        continueSent = true
                    }
                }
            }
            // Wait for bytes: within the request timeout once a request has begun, within the
            // keep-alive time between requests; a stopping server, or one with connections
            // waiting for a worker, closes an idle connection.
            let now = HTTPServer.now()
            let deadline = requestStarted.map { $0 + Double(limits.requestTimeoutSeconds) } ?? lastActivity + Double(limits.keepAliveSeconds)
            if now >= deadline {
                // A request begun and not finished is answered; a connection that sent nothing is closed.
                if requestStarted != nil, !buffer.isEmpty {
                    log("request_timeout", [("after_seconds", String(limits.requestTimeoutSeconds))])
                    refused(408)
                    _ = respond(client, .error(408, "the request did not arrive within \(limits.requestTimeoutSeconds) s"), keepAlive: false)
                }
                return
            }
            if requestStarted == nil, isStopping || connectionsWaiting { return }
            var descriptor = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let slice = min(deadline - now, 0.1)
            let ready = poll(&descriptor, 1, Int32(max(1, slice * 1_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 { continue }
            let count = readBuffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            if count == 0 { return }  // the client closed
            if requestStarted == nil { requestStarted = HTTPServer.now() }
            buffer.append(contentsOf: readBuffer[0..<count])
            guard buffer.count <= maximumBuffered else {
                refused(413)
                _ = respond(client, .error(413, "more than \(maximumBuffered) bytes of request arrived"), keepAlive: false)
                return
            }
        }
    }

    /// Whether a connection is waiting for a worker (the acceptor asks idle connections to make room).
    private var connectionsWaiting: Bool {
        lock.lock()
        defer { lock.unlock() }
        return waiting > 0
    }

    /// Sends a response; false when the connection is gone.
    private func respond(_ client: Int32, _ response: HTTPResponse, keepAlive: Bool) -> Bool {
        switch response.body {
        case .bytes(let body):
            return sendAll(client, response.head(contentLength: body.count, keepAlive: keepAlive) + body)
        case .stream(let produce):
            guard sendAll(client, response.head(contentLength: nil, keepAlive: keepAlive)) else { return false }
            let writer = ChunkWriter { [self] chunk in sendAll(client, chunk) }
            produce(writer)
            writer.finish()
            return !writer.failed
        }
    }

    /// Writes all of `bytes`; false when the peer is gone (no SIGPIPE: MSG_NOSIGNAL).
    private func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { send(client, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += result
        }
        return true
    }
}

/// Why the server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
