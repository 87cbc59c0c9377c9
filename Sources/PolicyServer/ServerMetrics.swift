import Foundation
import PolicyRuntime

/// What `GET /metrics` reports, in the Prometheus text format (version 0.0.4): decisions by
/// outcome and by reason code, the decision latency as a histogram, HTTP responses by status,
/// policy reloads by result, and malformed requests. Counters only grow; updates take a lock
/// held for a few additions.
public final class ServerMetrics: @unchecked Sendable {
    /// The latency histogram's upper bounds, in seconds.
    public static let latencyBounds: [Double] = [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.005, 0.025]

    private let lock = NSLock()
    private var outcomes: [String: Int] = [:]
    private var reasons: [String: Int] = [:]
    private var statuses: [Int: Int] = [:]
    private var latencyBuckets = [Int](repeating: 0, count: latencyBounds.count)
    private var latencyCount = 0
    private var latencySum = 0.0
    private var reloads: [String: Int] = ["ok": 0, "failed": 0]
    private var badRequests = 0
    private var auditFailures = 0

    /// Creates empty metrics.
    public init() {}

    /// Counts a decision and how long it took, in seconds.
    public func decided(_ decision: Decision, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        outcomes[decision.outcome.rawValue, default: 0] += 1
        for reason in decision.reasons { reasons[reason.code.rawValue, default: 0] += 1 }
        latencyCount += 1
        latencySum += seconds
        if let bucket = ServerMetrics.latencyBounds.firstIndex(where: { seconds <= $0 }) { latencyBuckets[bucket] += 1 }
    }

    /// Counts a response by status.
    public func responded(_ status: Int) {
        lock.lock()
        defer { lock.unlock() }
        statuses[status, default: 0] += 1
        if status == 400 || status == 408 || status == 413 || status == 431 || status == 501 || status == 505 { badRequests += 1 }
    }

    /// Counts a decision the audit trail could not record.
    public func auditFailed() {
        lock.lock()
        defer { lock.unlock() }
        auditFailures += 1
    }

    /// Counts a reload, successful or not.
    public func reloaded(ok: Bool) {
        lock.lock()
        defer { lock.unlock() }
        reloads[ok ? "ok" : "failed", default: 0] += 1
    }

    /// The text `GET /metrics` answers.
    public func text(policy: PolicyIdentity) -> String {
        lock.lock()
        defer { lock.unlock() }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("policylang_decisions_total", "counter", "Decisions made, by outcome.")
        for outcome in ["allow", "deny", "require_approval"] {
            out += "policylang_decisions_total{outcome=\"\(outcome)\"} \(outcomes[outcome] ?? 0)\n"
        }
        family("policylang_decision_reasons_total", "counter", "Reasons given in decisions, by reason code.")
        for code in reasons.keys.sorted() { out += "policylang_decision_reasons_total{code=\"\(code)\"} \(reasons[code]!)\n" }
        family("policylang_decision_seconds", "histogram", "Time to decide a request, from its body read to its decision written.")
        var cumulative = 0
        for (index, bound) in ServerMetrics.latencyBounds.enumerated() {
            cumulative += latencyBuckets[index]
            out += "policylang_decision_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "policylang_decision_seconds_bucket{le=\"+Inf\"} \(latencyCount)\n"
        out += "policylang_decision_seconds_sum \(latencySum)\npolicylang_decision_seconds_count \(latencyCount)\n"
        family("policylang_http_responses_total", "counter", "HTTP responses, by status.")
        for status in statuses.keys.sorted() { out += "policylang_http_responses_total{status=\"\(status)\"} \(statuses[status]!)\n" }
        family("policylang_http_bad_requests_total", "counter", "Requests refused as malformed or over a limit.")
        out += "policylang_http_bad_requests_total \(badRequests)\n"
        family("policylang_policy_reloads_total", "counter", "Policy reloads, by result (a failed one keeps the old policy serving).")
        for result in ["failed", "ok"] { out += "policylang_policy_reloads_total{result=\"\(result)\"} \(reloads[result] ?? 0)\n" }
        family("policylang_audit_failures_total", "counter", "Decisions the audit trail could not record (denied audit_unavailable unless auditing fails open).")
        out += "policylang_audit_failures_total \(auditFailures)\n"
        family("policylang_policy_info", "gauge", "The policy serving, as labels.")
        out += "policylang_policy_info{name=\"\(Self.label(policy.name))\",version=\"\(policy.version)\",digest=\"\(Self.label(policy.digest))\"} 1\n"
        return out
    }

    /// A label value escaped as the text format requires (backslash, quote, line feed).
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
