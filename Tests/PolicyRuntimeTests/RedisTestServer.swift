import Foundation
import PolicyRuntime
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real Redis server for the tests that need one, found or started once per test process.
///
/// In order: the server named by `POLICYLANG_TEST_REDIS` (a `redis://` URL, as `.ci/run` sets);
/// else a `redis-server` from PATH (or `/usr/bin`) started here on a free loopback port with no
/// persistence; else the calling test is skipped with a message that says how to get one.
///
/// A server started here must not outlive the tests: it runs under a small `sh` watchdog that
/// stops it when this process is gone (even after a crash, when no exit handler runs), and an
/// `atexit` handler stops it at a normal exit without waiting for the watchdog's next look. With
/// `--save ""` and no append-only file, SIGTERM's default shutdown writes nothing and is immediate,
/// so no `--shutdown-on-sigterm` option is passed (Redis 6 would refuse it as unknown).
enum RedisTestServer {
    /// The endpoint of the shared server, selecting `database`.
    /// - Throws: `XCTSkip` when no server is configured or installed; an error when one is installed
    ///   but does not start, which is a failure, not a reason to skip.
    static func endpoint(database: Int = 0) throws -> RedisEndpoint {
        let base: RedisEndpoint
        switch shared {
        case .success(let endpoint): base = endpoint
        case .failure(.notInstalled): throw XCTSkip(Unavailable.notInstalled.description)
        case .failure(let other): throw other
        }
        return try RedisEndpoint(host: base.host, port: base.port, database: database)
    }

    /// A key no other test (or earlier run against a shared server) uses.
    static func uniqueKey(_ name: String) -> String {
        "policylang-test:\(UUID().uuidString):\(name)"
    }

    /// A loopback port nothing listens on: bound once by us to get a free number, then released.
    static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(descriptor >= 0, "socket failed")
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        precondition(bound, "bind to a free loopback port failed")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Why tests cannot have a server (skip) or why starting one failed (fail).
    enum Unavailable: Error, CustomStringConvertible {
        case notInstalled
        case invalidURL(String)
        case didNotStart(String)

        var description: String {
            switch self {
            case .notInstalled:
                "redis-server is not installed: install it (apt-get install -y redis-server) or set POLICYLANG_TEST_REDIS=redis://HOST:PORT"
            case .invalidURL(let reason): "POLICYLANG_TEST_REDIS is not usable: \(reason)"
            case .didNotStart(let reason): "redis-server did not start: \(reason)"
            }
        }
    }

    /// Found or started on first use; `static let` makes that happen exactly once across threads.
    private static let shared: Result<RedisEndpoint, Unavailable> = locate()

    private static func locate() -> Result<RedisEndpoint, Unavailable> {
        if let url = ProcessInfo.processInfo.environment["POLICYLANG_TEST_REDIS"], !url.isEmpty {
            do {
                return .success(try RedisEndpoint(url: url))
            } catch {
                return .failure(.invalidURL(error.description))
            }
        }
        guard let executable = findExecutable("redis-server") else { return .failure(.notInstalled) }
        var lastReason = "no attempt"
        // A port found free can be taken by someone else before the server binds it; a couple of
        // fresh ports make that race harmless.
        for _ in 0..<3 {
            switch start(executable, port: closedPort()) {
            case .success(let endpoint): return .success(endpoint)
            case .failure(let reason): lastReason = reason.description
            }
        }
        return .failure(.didNotStart(lastReason))
    }

    private static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The pid of the server this process started, for the exit handler; 0 when none.
    private static let startedServerPID = Atomic<Int32>(0)

    private static func start(_ executable: String, port: Int) -> Result<RedisEndpoint, Unavailable> {
        // The watchdog polls this process; when it is gone (normal exit or crash) it stops the
        // server, so no redis-server is left behind listening on a port.
        let watchdog = """
            parent=$1; shift
            "$@" &
            server=$!
            while kill -0 "$parent" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 0.2; done
            kill "$server" 2>/dev/null
            wait "$server"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", watchdog, "redis-watchdog", String(getpid()), executable,
                             "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--daemonize", "no", "--logfile", ""]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(.didNotStart("cannot run /bin/sh: \(error)"))
        }
        guard let endpoint = try? RedisEndpoint(host: "127.0.0.1", port: port) else {
            return .failure(.didNotStart("port \(port) is not valid"))
        }
        let client = RedisClient(endpoint: endpoint, connectTimeout: 0.2, ioTimeout: 1)
        defer { client.close() }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            guard process.isRunning else { return .failure(.didNotStart("it exited (port \(port) taken?)")) }
            if (try? client.command(["PING"]))?.string == "PONG" {
                registerForExit(client)
                return .success(endpoint)
            }
            usleep(50_000)
        }
        return .failure(.didNotStart("no answer to PING on port \(port) within 5 s"))
    }

    /// Asks the server for its pid (the watchdog's `$!` is not visible from here) and stops it at exit.
    private static func registerForExit(_ client: RedisClient) {
        guard let info = (try? client.command(["INFO", "server"]))?.string,
              let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("process_id:") }),
              let pid = Int32(line.dropFirst("process_id:".count)) else { return }
        startedServerPID.store(pid, ordering: .relaxed)
        atexit {
            let pid = RedisTestServer.startedServerPID.load(ordering: .relaxed)
            if pid > 0 { kill(pid, SIGTERM) }
        }
    }
}
