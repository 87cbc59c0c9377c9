import Foundation
import PolicyRuntime

/// `policyc-bench audit [--dir DIR] [--records N]`: records appended per second to the audit
/// trail from 1 to 256 threads (group commit: one `fdatasync` per batch, then the checkpoint's),
/// and `AuditVerifier` over the trail in MB/s (issue 12: ≥ 100,000 records/s, ≥ 200 MB/s).
func runAuditBench(_ arguments: [String]) {
    var directory = FileManager.default.currentDirectoryPath + "/.build/bench-audit"
    var records = 40_000
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--dir": directory = rest.popFirst() ?? directory
        case "--records": records = max(1_000, Int(rest.popFirst() ?? "") ?? records)
        default: fail("usage: policyc-bench audit [--dir DIR] [--records N]")
        }
    }
    guard let key = try? AuditKey(bytes: Array(repeating: 7, count: 32)) else { fail("cannot make a key") }
    print("Audit trail: records of a decision's usual fields (~720 bytes), appended and synced before each returns")
    var lastTrail = ""
    for threads in [1, 8, 32, 128, 256] {
        let trail = freshDirectory(directory)
        lastTrail = trail
        guard let writer = try? AuditTrail(directory: trail, key: key) else { fail("cannot open an audit trail in \(trail)") }
        let perThread = max(1, records / threads)
        let start = DispatchTime.now().uptimeNanoseconds
        runThreads(threads) { thread in
            for index in 0..<perThread {
                guard let entry = try? benchEntry(thread: thread, index: index) else { fail("cannot make an entry") }
                do { try writer.append(entry) } catch { fail("append failed: \(error)") }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "  %3d threads: %8.0f records/s (%d records)", threads, Double(threads * perThread) / seconds, threads * perThread))
    }
    let start = DispatchTime.now().uptimeNanoseconds
    guard let report = try? AuditVerifier.verify(directory: lastTrail, keys: [key]) else { fail("the trail does not verify") }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "  verify: %d records, %.1f MB in %.3f s: %.0f MB/s, %.0f records/s", report.records,
                 Double(report.bytes) / 1e6, seconds, Double(report.bytes) / 1e6 / seconds, Double(report.records) / seconds))
}

/// A record shaped like a decision's at the standard level.
private func benchEntry(thread: Int, index: Int) throws -> AuditEntry {
    try AuditEntry(kind: "decision", time: 1_796_637_600 + index / 100, fields: [
        .init("user", .string("user\(thread)")), .init("role", .string("developer")), .init("team", .string("platform")),
        .init("session", .string("s-\(thread)-\(index / 50)")), .init("request_id", .string("r-\(thread)-\(index)")),
        .init("action", .string("prompt")), .init("model", .string("claude-3-sonnet")), .init("feature", .string("ask_mode")),
        .init("context_tokens", .integer(12_000)), .init("ip_address", .string("10.0.\(thread % 256).\(index % 256)")),
        .init("outcome", .string("allow")), .init("reasons", .array([])), .init("audit_level", .string("standard")),
        .init("risk_percent", .integer(5)),
        .init("policy", .object([.init("name", .string("acme")), .init("version", .integer(3)),
                                 .init("digest", .string("sha256:" + String(repeating: "ab", count: 32)))])),
        .init("prompt_digest", .string(String(repeating: "cd", count: 32))),
    ])
}
