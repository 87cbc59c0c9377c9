import Foundation
import PolicyRuntime

/// `policyc-bench audit-report [--dir DIR] [--records N]`: the compliance report over a trail of
/// N varied decision records (default 1,000,000; issue 12: under 10 s), read alone and verified
/// first, and each format rendered. The trail is written once (256 threads through `AuditTrail`)
/// and kept in DIR for the next run.
func runAuditReportBench(_ arguments: [String]) {
    var directory = FileManager.default.currentDirectoryPath + "/.build/bench-audit-report"
    var records = 1_000_000
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--dir": directory = rest.popFirst() ?? directory
        case "--records": records = max(1_000, Int(rest.popFirst() ?? "") ?? records)
        default: fail("usage: policyc-bench audit-report [--dir DIR] [--records N]")
        }
    }
    guard let key = try? AuditKey(bytes: Array(repeating: 7, count: 32)) else { fail("cannot make a key") }
    let trail = directory + "/trail-\(records)"
    // The key beside the trail (a key file holds the key's bytes), so that
    // `policyc audit verify --audit-key DIR/audit.key DIR/trail-N` can be timed on the same trail.
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try? Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: directory + "/audit.key"))
    let day = 1_796_601_600  // 2026-12-07T00:00:00Z
    let days = 30
    if (try? AuditVerifier.verify(directory: trail, keys: [key]))?.records != records {
        try? FileManager.default.removeItem(atPath: trail)
        try? FileManager.default.createDirectory(atPath: trail, withIntermediateDirectories: true)
        guard let writer = try? AuditTrail(directory: trail, key: key) else { fail("cannot open an audit trail in \(trail)") }
        let threads = 256
        let start = DispatchTime.now().uptimeNanoseconds
        // Records go in time order (a day's file at a time): the threads take the next index from
        // one shared counter.
        let clock = Counter()
        let total = records
        runThreads(threads) { _ in
            while true {
                let index = clock.next()
                guard index < total else { return }
                guard let entry = try? reportEntry(index, time: day - days * 86_400 + index * (days * 86_400) / total) else { fail("cannot make an entry") }
                do { try writer.append(entry) } catch { fail("append failed: \(error)") }
            }
        }
        print(String(format: "wrote %d records in %.1f s", records, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    }
    let bytes = ((try? FileManager.default.contentsOfDirectory(atPath: trail)) ?? []).filter { $0.hasSuffix(".jsonl") }
        .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: trail + "/" + $1)[.size] as? Int) ?? 0) }
    print(String(format: "Compliance report over %d records (%.0f MB, %d days)", records, Double(bytes) / 1e6, days))
    for (label, keys) in [("read alone", [AuditKey]()), ("verified as read", [key])] {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let report = try? ComplianceReport(paths: [trail], policy: nil, from: day - days * 86_400, to: day, keys: keys) else {
            fail("the report failed")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "  %-15@ %6.2f s  %8.0f records/s  (%d decisions, %d users, %d sessions)", label as NSString, seconds,
                     Double(records) / seconds, report.totals.decisions, report.totals.uniqueUsers, report.totals.sessions))
        if keys.isEmpty {
            for (format, render) in [("json", { report.jsonBytes().count }), ("md", { report.markdown().utf8.count }), ("html", { report.html().utf8.count })] {
                let start = DispatchTime.now().uptimeNanoseconds
                let size = render()
                print(String(format: "    render %-4@ %7.3f s  %7d bytes", format as NSString,
                             Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, size))
            }
        }
    }
}

/// A thread-safe counter handing out record numbers.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// A decision record with the variety a month of traffic has: 2,000 users in 40 teams, four
/// models, sessions, completions with their cost, a denial in 20 with reasons and detections,
/// a file modified in 5.
private func reportEntry(_ index: Int, time: Int) throws -> AuditEntry {
    let user = (index &* 7_919) % 2_000
    let models = ["claude-3-sonnet", "claude-3-haiku", "claude-3-opus", "gpt-4"]
    let completion = index % 2 == 1
    let denied = index % 20 == 0
    var fields: [JSONTree.Member] = [
        .init("user", .string("user\(user)")), .init("role", .string("developer")), .init("team", .string("team\(user % 40)")),
        .init("session", .string("s-\(user)-\(index / 5_000)")), .init("request_id", .string("r-\(index / 2)")),
        .init("action", .string(completion ? "completion" : "prompt")), .init("model", .string(models[user % 4])),
        .init("feature", .string("ask_mode")), .init("context_tokens", .integer(12_000)),
        .init("ip_address", .string("10.0.\(user % 256).\(index % 256)")), .init("user_agent", .string("cursor/0.42")),
        .init("outcome", .string(denied ? "deny" : "allow")), .init("audit_level", .string("standard")),
        .init("risk_percent", .integer(denied ? 60 + index % 41 : 0)),
        .init("policy", .object([.init("name", .string("acme")), .init("version", .integer(3)),
                                 .init("digest", .string("sha256:" + String(repeating: "ab", count: 32)))])),
        .init("prompt_digest", .string(String(repeating: "cd", count: 32))),
    ]
    fields.append(.init("reasons", .array(denied ? [.object([.init("code", .string("sensitive_data")), .init("rule", .string("no_pii"))])] : [])))
    if denied {
        fields.append(.init("detections", .array([.object([.init("type", .string("pii.email")), .init("field", .string("prompt")),
                                                           .init("start", .integer(3)), .init("end", .integer(20))])])))
        fields.append(.init("alerts", .array([.string("sensitive_data_in_prompt")])))
    }
    if completion {
        fields += [.init("tokens_in", .integer(1_000 + index % 5_000)), .init("tokens_out", .integer(200 + index % 900)),
                   .init("cost_micros", .integer(3_000 + index % 20_000)), .init("settlement", .string("settled"))]
    }
    if index % 20 == 3 { fields.append(.init("files_modified", .array([.string("src/module\(index % 300)/file.swift")]))) }
    return try AuditEntry(kind: "decision", time: time, fields: fields)
}
