import Foundation
import PolicyRuntime

/// The endpoints of `policyc serve` (docs/serve.md): decisions over HTTP from the plan that is
/// loaded now, which a reload replaces atomically while requests are being decided.
public final class DecisionService: @unchecked Sendable {
    /// A planned policy and when and where it was loaded.
    public struct LoadedPolicy: Sendable {
        /// The plan requests are decided with.
        public var plan: Plan
        /// The plan's usage meter, when budgets and rate limits are kept (`--state`): every
        /// decision reserves, and every completion settles, through it.
        public var meter: UsageMeter?
        /// Seconds since the epoch when it was loaded.
        public var loadedAt: Int
        /// The file it was loaded from.
        public var source: String

        /// Creates one.
        public init(plan: Plan, meter: UsageMeter? = nil, loadedAt: Int, source: String) {
            self.plan = plan
            self.meter = meter
            self.loadedAt = loadedAt
            self.source = source
        }

        /// The decision for a request: metered when there is a meter.
        func decide(_ request: Request) -> Decision {
            meter?.evaluate(request) ?? plan.evaluate(request)
        }
    }

    /// Where decisions are recorded (`--audit`).
    public struct Recording: Sendable {
        /// The trail.
        public var trail: AuditTrail
        /// Whether its storage encrypts at rest (`--audit-storage-encrypted`).
        public var storageEncrypted: Bool

        /// Creates one.
        public init(trail: AuditTrail, storageEncrypted: Bool) {
            self.trail = trail
            self.storageEncrypted = storageEncrypted
        }
    }

    private let lock = NSLock()
    private var loaded: LoadedPolicy
    private let recording: Recording?
    private let warn: @Sendable (String, [(String, String)]) -> Void
    /// The counters `GET /metrics` reports.
    public let metrics = ServerMetrics()

    /// A service deciding with `policy`, recording each decision in `recording`'s trail when
    /// given (a decision is answered only once it is recorded; one that cannot be is denied
    /// `audit_unavailable`, unless the policy's auditing fails open).
    public init(policy: LoadedPolicy, recording: Recording? = nil, warn: @escaping @Sendable (String, [(String, String)]) -> Void = { _, _ in }) {
        loaded = policy
        self.recording = recording
        self.warn = warn
    }

    /// `decision` recorded in the trail, if there is one: what may be answered.
    private func recorded(_ decision: Decision, for request: Request, _ policy: LoadedPolicy) -> Decision {
        guard let recording else { return decision }
        let time = request.timestamp?.secondsSinceEpoch ?? Int(Date().timeIntervalSince1970)
        let (answer, failure) = recording.trail.record(decision, for: request, audit: policy.plan.compiled.audit, time: time,
                                                       storageEncrypted: recording.storageEncrypted)
        if let failure {
            metrics.auditFailed()
            warn("audit_record_failed", [("error", failure.message), ("answered", answer.outcome.rawValue)])
        }
        return answer
    }

    /// The policy serving now.
    public var current: LoadedPolicy {
        lock.lock()
        defer { lock.unlock() }
        return loaded
    }

    /// Serves `policy` from now on; requests being decided finish with the one they started with.
    public func replace(with policy: LoadedPolicy) {
        lock.lock()
        loaded = policy
        lock.unlock()
    }

    /// The paths, and the method each takes.
    static let routes: [String: String] = [
        "/v1/decide": "POST", "/v1/decide/batch": "POST", "/v1/chat/completions/check": "POST", "/v1/messages/check": "POST",
        "/v1/health": "GET", "/v1/policy": "GET", "/metrics": "GET",
    ]

    /// Answers one request.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let response = route(request)
        metrics.responded(response.status)
        return response
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        guard let method = DecisionService.routes[request.path] else {
            return .error(404, "no endpoint `\(HTTPParser.printable(request.path))`; see docs/serve.md")
        }
        guard request.method == method else {
            var response = HTTPResponse.error(405, "`\(request.path)` takes \(method)")
            response.headers.append(("allow", method))
            return response
        }
        let policy = current
        switch request.path {
        case "/v1/decide": return decide(request.body, explain: request.queryHas("explain", "true"), policy)
        case "/v1/decide/batch": return batch(request.body, policy)
        case "/v1/chat/completions/check": return vendor(.openAIChat, request, policy)
        case "/v1/messages/check": return vendor(.anthropicMessages, request, policy)
        case "/v1/health": return .json(200, Array(#"{"status":"ok"}"#.utf8) + [0x0A])
        case "/v1/policy": return .json(200, policyJSON(policy))
        case "/metrics":
            return HTTPResponse(status: 200, headers: [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
                                body: Array(metrics.text(policy: policy.plan.compiled.policy).utf8))
        default:
            return .error(404, "no endpoint `\(HTTPParser.printable(request.path))`")
        }
    }

    /// One decision, as `policyc eval` writes it (with `explain` when asked): metered when
    /// usage is kept, recorded when there is a trail.
    private func decide(_ body: [UInt8], explain: Bool, _ policy: LoadedPolicy) -> HTTPResponse {
        let start = DispatchTime.now().uptimeNanoseconds
        let request: Request
        do throws(RequestError) {
            request = try RequestReader.read(body)
        } catch {
            return finish(recorded(policy.plan.invalidRequest(error.description), for: Request(), policy), start)
        }
        guard explain else { return finish(recorded(policy.decide(request), for: request, policy), start) }
        guard policy.meter == nil else {
            return .error(400, "explain=true cannot be combined with metered usage: an explanation does not reserve; ask without it")
        }
        let (decided, explanations) = policy.plan.explain(request)
        let decision = recorded(decided, for: request, policy)
        let out = decision.jsonBytes(explaining: explanations) + [0x0A]
        metrics.decided(decision, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return .json(200, out)
    }

    private func finish(_ decision: Decision, _ start: UInt64) -> HTTPResponse {
        metrics.decided(decision, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return .json(200, decision.jsonBytes() + [0x0A])
    }

    /// A vendor's body and the caller's header fields, decided as the request they make.
    private func vendor(_ format: VendorRequest.Format, _ request: HTTPRequest, _ policy: LoadedPolicy) -> HTTPResponse {
        let start = DispatchTime.now().uptimeNanoseconds
        switch VendorRequest.requestJSON(format, body: request.body, headers: request) {
        case .success(let json): return decide(json, explain: request.queryHas("explain", "true"), policy)
        case .failure(let refusal): return finish(recorded(policy.plan.invalidRequest(refusal.message), for: Request(), policy), start)
        }
    }

    /// Requests in one batch, at most: a bound on the answer a small body can ask for (an empty
    /// line is a request too, decided `invalid_request`, as `policyc eval` decides it).
    public static let maximumBatchRequests = 10_000

    /// JSON Lines in, a decision line out for each line, streamed as each is decided.
    private func batch(_ body: [UInt8], _ policy: LoadedPolicy) -> HTTPResponse {
        var lines = body.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        if let last = body.last, last != 0x0A { lines += 1 }
        guard lines <= DecisionService.maximumBatchRequests else {
            return .error(413, "the batch holds \(lines) requests; the limit is \(DecisionService.maximumBatchRequests)")
        }
        return HTTPResponse(status: 200, headers: [("content-type", "application/x-ndjson")]) { [self] writer in
            var start = 0
            var number = 0
            while start < body.count, !writer.failed {
                var end = start
                while end < body.count, body[end] != 0x0A { end += 1 }
                number += 1
                let began = DispatchTime.now().uptimeNanoseconds
                let line = body[start..<end]
                let decision: Decision
                do throws(RequestError) {
                    let request = try RequestReader.read(Array(line))
                    decision = recorded(policy.decide(request), for: request, policy)
                } catch {
                    decision = recorded(policy.plan.invalidRequest("line \(number): \(error.description)"), for: Request(), policy)
                }
                metrics.decided(decision, seconds: Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
                writer.write(decision.jsonBytes() + [0x0A])
                start = end + 1
            }
        }
    }

    private func policyJSON(_ policy: LoadedPolicy) -> [UInt8] {
        let identity = policy.plan.compiled.policy
        let tree = JSONTree.object([
            .init("digest", .string(identity.digest)), .init("loaded_at", .string(Timestamp(secondsSinceEpoch: policy.loadedAt).rfc3339)),
            .init("name", .string(identity.name)), .init("schema_version", .integer(policy.plan.compiled.schemaVersion)),
            .init("source", .string(policy.source)), .init("version", .integer(identity.version)),
        ])
        return tree.canonicalBytes + [0x0A]
    }
}
