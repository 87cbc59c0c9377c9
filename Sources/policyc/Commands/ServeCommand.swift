import Dispatch
import Foundation
import PolicyLang
import PolicyRuntime
import PolicyServer

/// `policyc serve --policy FILE [--listen HOST:PORT] [--workers N] [--verify-key FILE]`: the
/// decision service over HTTP (docs/serve.md).
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "serve decisions over HTTP: /v1/decide, /v1/decide/batch, health, policy, Prometheus metrics; hot reload"
    static let usage = "policyc serve --policy FILE [--listen HOST:PORT] [--workers N] [--max-body BYTES] [--request-timeout SECONDS] "
        + "[--keep-alive SECONDS] [--state DIR|URL] [--audit DIR --audit-key FILE [--audit-storage-encrypted]] [--verify-key FILE [--key-id ID]]"
    static let details = """
        serve answers decisions over HTTP/1.1 (docs/serve.md describes every endpoint):
          POST /v1/decide            a request (the JSON format eval reads) -> its decision
          POST /v1/decide?explain=true  the decision with the checks and rules evaluated
          POST /v1/decide/batch      JSON Lines -> a decision line per line, streamed
          GET  /v1/health            {"status":"ok"}
          GET  /v1/policy            name, version, digest, schema_version, source, loaded_at
          GET  /metrics              Prometheus text: decisions by outcome and reason code, latency,
                                     responses by status, malformed requests, reloads

        With --state, budgets and rate limits are kept as `policyc eval --state` keeps them (a
        request reserves, its completion settles; timestamps within 300 s of the clock). With
        --audit, every decision is recorded in the trail before it is answered; one that cannot
        be recorded is denied `audit_unavailable` unless the policy says `audit { fail_open true }`.

        The policy is reloaded on SIGHUP and when its file (or an imported file) changes: the new
        one is loaded and planned beside the old one and swapped in at once; a policy that fails
        to load leaves the old one serving and is logged and counted. SIGTERM or SIGINT stops
        accepting, lets the requests in flight finish and exits 0.

        Limits (each refused with its status, never a crash): head 16 KiB (431), 100 header
        fields (431), body --max-body (16 MiB; 413), a request must arrive within
        --request-timeout (10 s; 408), an idle connection closes after --keep-alive (30 s),
        --workers connections at once (64; beyond: 503). Logs are JSON lines on standard error.

        exit status: 0 stopped by a signal, 2 usage error, a policy that cannot be loaded or an
        address that cannot be bound
        """
    static let options = [
        OptionSpec("policy", value: "FILE", help: "the policy (.pol or compiled .json)"),
        OptionSpec("listen", value: "HOST:PORT", help: "the IPv4 address and port to listen on (default 127.0.0.1:8181; port 0: any free one)"),
        OptionSpec("workers", value: "N", help: "connections served at once, one thread each (default 64)"),
        OptionSpec("max-body", value: "BYTES", help: "the largest body accepted (default 16 MiB: the request format's limit)"),
        OptionSpec("request-timeout", value: "SECONDS", help: "how long a request may take to arrive once begun (default 10)"),
        OptionSpec("keep-alive", value: "SECONDS", help: "how long an idle connection stays open (default 30)"),
        UsageState.option,
    ] + AuditCommand.writerOptions(audit: "record every decision in the audit trail in DIR (answered once recorded)") + [
        OptionSpec("verify-key", value: "FILE", help: "refuse a compiled policy not signed with the key in FILE (on every reload too)"),
        OptionSpec("key-id", value: "ID", help: "the id the signature must name (default `default`)"),
    ]
    /// Seconds between looks at the policy's files for a change.
    static let watchSeconds = 1.0

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard let path = arguments.value("policy") else { throw .usage("serve: --policy FILE is required\n\(usage)") }
        let listen = arguments.value("listen") ?? "127.0.0.1:8181"
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw .usage("serve: --listen `\(listen)` is not HOST:PORT")
        }
        let host = String(listen[..<colon])
        var limits = HTTPLimits()
        if let text = arguments.value("workers") {
            guard let workers = Int(text), (1...4_096).contains(workers) else { throw .usage("serve: --workers `\(text)` is not from 1 to 4096") }
            limits.workers = workers
        }
        for (option, range, apply) in [("max-body", 1...RequestReader.maxBytes, { (limits: inout HTTPLimits, value: Int) in limits.maximumBodyBytes = value }),
                                       ("request-timeout", 1...3_600, { $0.requestTimeoutSeconds = $1 }),
                                       ("keep-alive", 1...3_600, { $0.keepAliveSeconds = $1 })] {
            guard let text = arguments.value(option) else { continue }
            guard let value = Int(text), range.contains(value) else {
                throw .usage("serve: --\(option) `\(text)` is not from \(range.lowerBound) to \(range.upperBound)")
            }
            apply(&limits, value)
        }
        let key = try PolicyLoader.key(arguments, option: "verify-key", command: name)
        let log = ServeLog()
        let store = try arguments.value("state").map { location throws(CommandFailure) in try UsageState.open(location, command: name) }
        let recording = try AuditCommand.openWriter(arguments, command: name) { log.write("warning", "audit_repair", [("message", $0)]) }
            .map { DecisionService.Recording(trail: $0, storageEncrypted: arguments.has("audit-storage-encrypted")) }
        let first = try load(path, key: key, store: store)
        let service = DecisionService(policy: first, recording: recording, warn: { event, fields in log.write("error", event, fields) })
        let server = HTTPServer(limits: limits, log: { event, fields in log.write("warning", event, fields) },
                                refused: service.metrics.responded, handler: service.handle)
        do {
            try server.start(host: host, port: port)
        } catch {
            throw .usage("serve: \(error.message)")
        }
        let identity = first.plan.compiled.policy
        log.write("info", "listening", [("address", "\(host):\(server.port)"), ("policy", identity.name), ("version", String(identity.version)),
                                        ("digest", identity.digest), ("workers", String(limits.workers))])

        let reloads = DispatchQueue(label: "policy-serve-reload")
        var watched = fingerprint(watchedFiles(of: first))
        func reload(_ cause: String) {
            // The files as they are before loading: a change made while loading is seen next time.
            let serving = watchedFiles(of: service.current)
            let before = fingerprint(serving)
            do {
                let next = try load(path, key: key, store: store)
                service.replace(with: next)
                service.metrics.reloaded(ok: true)
                // The same files: as they were before loading. New imports: as they are now.
                let files = watchedFiles(of: next)
                watched = files == serving ? before : fingerprint(files)
                let identity = next.plan.compiled.policy
                log.write("info", "policy_reloaded", [("cause", cause), ("policy", identity.name), ("version", String(identity.version)),
                                                      ("digest", identity.digest)])
            } catch {
                service.metrics.reloaded(ok: false)
                // Looked at again only when the files change again, so a broken file is reported once.
                watched = before
                log.write("error", "policy_reload_failed", [("cause", cause), ("error", error.message), ("serving", service.current.plan.compiled.policy.digest)])
            }
        }
        signal(SIGHUP, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: reloads)
        hangup.setEventHandler { reload("SIGHUP") }
        hangup.resume()
        let timer = DispatchSource.makeTimerSource(queue: reloads)
        timer.schedule(deadline: .now() + watchSeconds, repeating: watchSeconds)
        timer.setEventHandler {
            if fingerprint(watchedFiles(of: service.current)) != watched { reload("file changed") }
        }
        timer.resume()
        let stop = DispatchSemaphore(value: 0)
        var stopSignal = ""
        let stopLock = NSLock()
        var stopSources: [any DispatchSourceSignal] = []
        for (number, label) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                stopLock.lock()
                stopSignal = label
                stopLock.unlock()
                stop.signal()
            }
            source.resume()
            stopSources.append(source)
        }
        stop.wait()
        timer.cancel()
        hangup.cancel()
        stopLock.lock()
        let received = stopSignal
        stopLock.unlock()
        log.write("info", "stopping", [("signal", received), ("in_flight", String(server.activeConnections))])
        server.shutdown()
        log.write("info", "stopped", [])
        _ = stopSources
        return .success
    }

    /// Loads and plans the policy, with a usage meter on `store` when there is one; a failure is
    /// the message to report.
    static func load(_ path: String, key: DocumentKey?, store: (any UsageStore)?) throws(CommandFailure) -> DecisionService.LoadedPolicy {
        let plan = try PolicyLoader.plan(path, verifyingWith: key, command: name, diagnosticsInFailure: true)
        var meter: UsageMeter?
        if let store {
            do {
                meter = try UsageMeter(plan: plan, store: store)
            } catch {
                throw .usage("serve: cannot meter `\(path)`: \(error)")
            }
        }
        return DecisionService.LoadedPolicy(plan: plan, meter: meter, loadedAt: Int(Date().timeIntervalSince1970), source: path)
    }

    /// The files a reload watches: the file given, and for a `.pol` root every file it imports.
    static func watchedFiles(of policy: DecisionService.LoadedPolicy) -> [String] {
        var files = [policy.source]
        if !PolicyLoader.isCompiledDocument(policy.source) { files += policy.plan.compiled.sources.filter { $0 != policy.source } }
        return files
    }

    /// What identifies files as they are now: each one's path, size, modification time and inode.
    static func fingerprint(_ files: [String]) -> [String] {
        files.map { file in
            var status = stat()
            guard stat(file, &status) == 0 else { return file + ":missing" }
            return "\(file):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec):\(status.st_ino)"
        }
    }
}
