import Foundation
import PolicyRuntime
import XCTest

/// The compliance report over a trail: each figure counted as docs/audit.md ("Reports") says,
/// the period, ranked lists cut with the rest added up, erased identities, refusal of a
/// tampered trail when a key is given, and the Markdown and HTML showing the JSON's numbers.
final class ComplianceReportTests: XCTestCase {
    static let day = 1_796_601_600  // 2026-12-07T00:00:00Z
    let key = try! AuditKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))

    func makeDirectory() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-tests-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory
    }

    /// A decision's record as the trail keeps it.
    func decision(_ user: String?, at time: Int, outcome: String = "allow", session: String? = nil, team: String? = nil,
                  model: String = "claude-3-haiku", action: String = "prompt", reasons: [(String, String)] = [],
                  alerts: [String] = [], playbooks: [String] = [], detections: [String] = [], files: [String] = [], risk: Int = 0,
                  cost: Int? = nil, settlement: String? = nil, tokens: (Int, Int)? = nil) throws -> AuditEntry {
        var fields: [JSONTree.Member] = [.init("action", .string(action)), .init("model", .string(model)), .init("outcome", .string(outcome)),
                                         .init("risk_percent", .integer(risk))]
        if let user { fields.append(.init("user", .string(user))) }
        if let session { fields.append(.init("session", .string(session))) }
        if let team { fields.append(.init("team", .string(team))) }
        fields.append(.init("reasons", .array(reasons.map { .object([.init("code", .string($0.0)), .init("rule", .string($0.1))]) })))
        if !alerts.isEmpty { fields.append(.init("alerts", .array(alerts.map { .string($0) }))) }
        if !playbooks.isEmpty { fields.append(.init("playbooks", .array(playbooks.map { .string($0) }))) }
        if !detections.isEmpty {
            fields.append(.init("detections", .array(detections.map {
                .object([.init("type", .string($0)), .init("field", .string("prompt")), .init("start", .integer(0)), .init("end", .integer(4))])
            })))
        }
        if !files.isEmpty { fields.append(.init("files_modified", .array(files.map { .string($0) }))) }
        if let cost { fields.append(.init("cost_micros", .integer(cost))) }
        if let settlement { fields.append(.init("settlement", .string(settlement))) }
        if let tokens { fields += [.init("tokens_in", .integer(tokens.0)), .init("tokens_out", .integer(tokens.1))] }
        fields.append(.init("policy", .object([.init("name", .string("p")), .init("version", .integer(1)), .init("digest", .string("sha256:aa"))])))
        return try AuditEntry(kind: "decision", time: time, fields: fields)
    }

    /// A trail holding the entries.
    func trail(_ entries: [AuditEntry]) throws -> String {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key)
        for entry in entries { try trail.append(entry) }
        return directory
    }

    func testEachFigureCountsWhatTheDocumentationSays() throws {
        let hour = 3_600
        let directory = try trail([
            try decision("alice", at: Self.day + 1 * hour, session: "s1", team: "platform", files: ["a.swift", "b.swift"]),
            // A completion settles its reservation: its actual cost and tokens are the spend.
            try decision("alice", at: Self.day + 1 * hour + 30, session: "s1", team: "platform", action: "completion",
                         cost: 1_500_000, settlement: "settled", tokens: (1_000, 200)),
            // A prompt's cost is the estimate it reserved: not spend.
            try decision("bob", at: Self.day + 2 * hour, session: "s2", team: "payments", cost: 9_000_000),
            // A completion settled late was still spent; one whose reservation was unknown or already settled charged nothing.
            try decision("bob", at: Self.day + 2 * hour + 30, session: "s2", team: "payments", action: "completion", cost: 250_000,
                         settlement: "late", tokens: (100, 50)),
            try decision("bob", at: Self.day + 2 * hour + 40, session: "s2", team: "payments", action: "completion", cost: 7_000_000,
                         settlement: "already_settled", tokens: (100, 50)),
            try decision("carol", at: Self.day + 3 * hour, outcome: "deny", session: "s3",
                         reasons: [("blocked_pattern", "role:contractor"), ("blocked_pattern", "role:contractor")],
                         detections: ["blocked_pattern", "blocked_pattern"], files: ["a.swift"], risk: 60),
            // Waiting for an approval is not a security event; an alert alone is.
            try decision("carol", at: Self.day + 4 * hour, outcome: "require_approval", session: "s3",
                         reasons: [("approval_required", "role:junior")]),
            try decision("dave", at: Self.day + 5 * hour, session: "s4", alerts: ["unusual"], risk: 75),
            try decision("dave", at: Self.day + 5 * hour + 1, outcome: "deny", session: "s4",
                         reasons: [("prompt_injection", "playbook:prompt_injection")], alerts: ["high_risk"], playbooks: ["prompt_injection"], risk: 90),
            // Outside the period: counted nowhere.
            try decision("zed", at: Self.day + 2 * 86_400, outcome: "deny", reasons: [("model_not_allowed", "role:x")], risk: 100),
            try AuditEntry(kind: "gateway_restart", time: Self.day + 6 * hour, fields: []),
        ])
        let report = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 86_400, keys: [key])
        let totals = report.totals
        XCTAssertEqual(totals.records, 10)
        XCTAssertEqual(totals.decisions, 9)
        XCTAssertEqual([totals.allowed, totals.denied, totals.approvalRequired], [6, 2, 1])
        XCTAssertEqual(totals.sessions, 4)
        XCTAssertEqual(totals.uniqueUsers, 4)
        XCTAssertEqual(totals.costMicros, 1_750_000)
        XCTAssertEqual([totals.tokensIn, totals.tokensOut], [1_100, 250])
        XCTAssertEqual(totals.securityEvents, 2, "the blocked pattern and the injection; an alert alone is not one")
        XCTAssertEqual(totals.highRisk, 2, "above 70%: 75 and 90; 60 is not")
        XCTAssertEqual(totals.fileModifications, 3)
        let read = try XCTUnwrap(report.trails.first)
        XCTAssertEqual(report.trails.count, 1)
        XCTAssertEqual([read.files, read.records, read.firstSeq, read.lastSeq], [3, 11, 1, 11], "files rotate by UTC day")
        XCTAssertEqual(read.path, directory)
        XCTAssertTrue(read.verified)

        XCTAssertEqual(report.costByUser.rows.map(\.name), ["alice", "bob", "carol", "dave"])
        XCTAssertEqual(report.costByUser.rows.map(\.costMicros), [1_500_000, 250_000, 0, 0])
        XCTAssertEqual(report.costByUser.rows.map(\.count), [2, 3, 2, 2], "every decision of the user, spend or not")
        XCTAssertEqual(report.costByTeam.rows.map(\.name), ["platform", "payments", nil])
        XCTAssertEqual(report.costByTeam.rows.last?.count, 4, "decisions without a team are counted, under no name")
        XCTAssertEqual(report.securityEvents.rows.map(\.name), ["blocked_pattern", "prompt_injection"])
        XCTAssertEqual(report.securityEvents.rows.map(\.count), [1, 1], "a code given twice in one decision counts once")
        XCTAssertEqual(report.detections.rows.map(\.name), ["blocked_pattern"])
        XCTAssertEqual(report.detections.rows.map(\.count), [1])
        XCTAssertEqual(report.fileModifications.rows.map(\.name), ["a.swift", "b.swift"])
        XCTAssertEqual(report.fileModifications.rows.map(\.count), [2, 1])
        XCTAssertEqual(report.fileModifications.rows.first?.users, 2)
        XCTAssertEqual(report.highRisk.thresholdPercent, 70)
        XCTAssertFalse(report.highRisk.thresholdFromPolicy)
        XCTAssertEqual(report.highRisk.records.map(\.riskPercent), [90, 75])
        XCTAssertEqual(report.highRisk.records.first?.reasons, ["prompt_injection"])
        XCTAssertEqual(report.trailEvents.rows.map(\.name), ["gateway_restart"])
        XCTAssertEqual(report.policies.map(\.decisions), [9])
        XCTAssertNil(report.controls, "no policy, no controls")

        // One day is reported an hour at a time, every hour listed.
        XCTAssertEqual(report.timeline.bucketSeconds, 3_600)
        XCTAssertEqual(report.timeline.points.count, 24)
        XCTAssertEqual(report.timeline.points[2].allowed, 3)
        XCTAssertEqual(report.timeline.points[3].denied, 1)
        XCTAssertEqual(report.timeline.points[5].denied + report.timeline.points[5].allowed, 2)
        XCTAssertEqual(report.timeline.points.reduce(0) { $0 + $1.allowed + $1.denied + $1.approvalRequired }, totals.decisions)

        // A week goes a day at a time; the record two days on is now in.
        let week = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 7 * 86_400)
        XCTAssertEqual(week.timeline.bucketSeconds, 86_400)
        XCTAssertEqual(week.timeline.points.map(\.denied), [2, 0, 1, 0, 0, 0, 0])
        XCTAssertEqual(week.trails.first?.verified, false, "read without a key")
    }

    func testRankedListsKeepTheTopAndAddUpTheRest() throws {
        var entries: [AuditEntry] = []
        for user in 0..<7 {
            for index in 0...user {
                entries.append(try decision("u\(user)", at: Self.day + index, action: "completion", cost: 1_000 * (user + 1), settlement: "settled"))
            }
        }
        let report = try ComplianceReport(paths: [try trail(entries)], policy: nil, from: Self.day, to: Self.day + 86_400, top: 3)
        XCTAssertEqual(report.costByUser.rows.map(\.name), ["u6", "u5", "u4"])
        XCTAssertEqual(report.costByUser.entries, 7)
        let others = try XCTUnwrap(report.costByUser.others)
        XCTAssertEqual(others.count, 1 + 2 + 3 + 4)
        XCTAssertEqual(others.users, 4)
        XCTAssertEqual(report.costByUser.rows.reduce(0) { $0 + $1.costMicros } + others.costMicros, report.totals.costMicros,
                       "the rows and the rest add up to the total")
        let all = try ComplianceReport(paths: [try trail(entries)], policy: nil, from: Self.day, to: Self.day + 86_400, top: nil)
        XCTAssertEqual(all.costByUser.rows.count, 7)
        XCTAssertNil(all.costByUser.others)
    }

    func testAnErasedIdentityIsCountedButNotNamed() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key)
        for index in 0..<3 { try trail.append(try decision("alice", at: Self.day + index, session: "s-a", files: ["x"])) }
        try trail.append(try decision("bob", at: Self.day + 10, session: "s-b"))
        _ = try trail.erase(user: "alice", at: Self.day + 100)
        let report = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 86_400, keys: [key])
        XCTAssertEqual(report.totals.erasedIdentities, 3)
        XCTAssertEqual(report.totals.uniqueUsers, 1)
        XCTAssertEqual(report.totals.sessions, 1)
        XCTAssertEqual(report.costByUser.rows.map(\.name), [nil, "bob"])
        XCTAssertEqual(report.costByUser.rows.map(\.count), [3, 1])
        XCTAssertFalse(String(decoding: report.jsonBytes(), as: UTF8.self).contains("alice"), "the erased id appears nowhere in the report")
        XCTAssertEqual(report.trailEvents.rows.map(\.name), ["erasure"])
    }

    func testATamperedTrailIsNotReportedWithAKeyAndIsMarkedUnverifiedWithout() throws {
        let directory = try trail([try decision("alice", at: Self.day), try decision("bob", at: Self.day + 1)])
        let file = directory + "/audit-000000000001.jsonl"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: #""outcome":"allow""#, with: #""outcome":"deny""#).utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 86_400, keys: [key])) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered)
            XCTAssertTrue((error as? AuditError)?.message.contains("audit-000000000001.jsonl:1") ?? false, "\(error)")
        }
        let unverified = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 86_400)
        XCTAssertEqual(unverified.totals.denied, 2)
        XCTAssertTrue(unverified.markdown().contains("> **Warning.** Not verified."))
        XCTAssertTrue(unverified.html().contains("Not verified."))
    }

    func testInputThatIsNotATrailIsRefusedWithItsLocation() throws {
        let directory = makeDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/notes.jsonl"
        try Data("{\"hello\":1}\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ComplianceReport(paths: [file], policy: nil, from: Self.day, to: Self.day + 1)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .badInput)
            XCTAssertTrue("\(error)".hasPrefix("\(file):1: not an audit record"), "\(error)")
        }
        XCTAssertThrowsError(try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 1)) { error in
            XCTAssertTrue("\(error)".contains("holds no audit trail"), "\(error)")
        }
        XCTAssertThrowsError(try ComplianceReport(paths: [directory + "/missing"], policy: nil, from: Self.day, to: Self.day + 1))
        XCTAssertThrowsError(try ComplianceReport(paths: [file], policy: nil, from: Self.day, to: Self.day)) { error in
            XCTAssertTrue("\(error)".contains("the period is empty"), "\(error)")
        }
        // A record whose decision has an outcome no version writes.
        let odd = try trail([try decision("alice", at: Self.day, outcome: "maybe")])
        XCTAssertThrowsError(try ComplianceReport(paths: [odd], policy: nil, from: Self.day, to: Self.day + 86_400)) { error in
            XCTAssertTrue("\(error)".contains("audit-000000000001.jsonl:1: seq 1: a decision's `outcome` must be"), "\(error)")
        }
    }

    func testNamesFromRequestsAreDataInEveryFormat() throws {
        let hostile = "<script>alert(1)</script>|*x*`y`[z](http://e.example)\n# h"
        let report = try ComplianceReport(paths: [try trail([try decision(hostile, at: Self.day, files: [hostile])])], policy: nil,
                                          from: Self.day, to: Self.day + 86_400)
        let html = report.html()
        XCTAssertFalse(html.contains("<script"), "no element comes from a request")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(html.contains("http://e.example\""), "no link or resource comes from a request")
        let userRows = report.markdown().split(separator: "\n").filter { $0.contains("alert(1)") }
        XCTAssertFalse(userRows.isEmpty)
        for row in userRows {
            // A code span: no markup, link or autolink inside; the pipe escaped for the table.
            XCTAssertTrue(row.hasPrefix(#"| ``<script>alert(1)</script>\|*x*`y`[z](http://e.example) # h`` |"#), String(row))
        }
    }

    func testTheHTMLAndMarkdownShowTheJSONNumbers() throws {
        var entries: [AuditEntry] = []
        for index in 0..<40 {
            entries.append(try decision("u\(index % 9)", at: Self.day + index * 9_000, outcome: index % 7 == 0 ? "deny" : "allow",
                                        session: "s\(index % 13)", team: "t\(index % 4)", model: index % 3 == 0 ? "claude-3-opus" : "claude-3-haiku",
                                        action: index % 2 == 0 ? "prompt" : "completion",
                                        reasons: index % 7 == 0 ? [("sensitive_data", "no_pii")] : [],
                                        detections: index % 7 == 0 ? ["pii.email"] : [], files: index % 5 == 0 ? ["f\(index % 3)"] : [],
                                        risk: index * 2, cost: 10_000 * index, settlement: index % 2 == 1 ? "settled" : nil, tokens: (index, index)))
        }
        let report = try ComplianceReport(paths: [try trail(entries)], policy: nil, from: Self.day, to: Self.day + 5 * 86_400, top: 5)
        // Every number on the page against the JSON: ReportCLITests, on the pages policyc writes.
        let html = report.html()
        let others = try XCTUnwrap(report.costByUser.others)
        XCTAssertTrue(html.contains(#"data-json="cost.by_user.others.cost_micros" data-value="\#(others.costMicros)">\#(MicroDollars.text(others.costMicros))<"#),
                      "the rest of a cut list is one row")
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 4, "four charts")
        XCTAssertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        XCTAssertFalse(html.contains("src="), "nothing is loaded from outside the page")
        // Markdown: the same rows, money in dollars.
        let markdown = report.markdown()
        XCTAssertTrue(markdown.contains("| Decisions | \(thousands(report.totals.decisions)) |"))
        XCTAssertTrue(markdown.contains("| Spend | \(MicroDollars.text(report.totals.costMicros)) |"))
        let team = try XCTUnwrap(report.costByTeam.rows.first)
        XCTAssertTrue(markdown.contains("| `\(team.name!)` | \(team.count) | \(team.users) | \(thousands(team.tokensIn)) | "
                                        + "\(thousands(team.tokensOut)) | \(MicroDollars.text(team.costMicros)) |"), markdown)
    }
}

extension ComplianceReportTests {
    func testEvidencePerControlCountsWhatImplementsIt() throws {
        let policy = try CompiledPolicy.load(from: TestDocument.golden("enterprise"))
        let directory = try trail([
            try decision("a", at: Self.day + 10, outcome: "deny", reasons: [("sensitive_data", "no_sensitive_data_to_models")]),
            // Two implementers of CC7.1 in one decision: the control counts it once, each implementer once.
            try decision("b", at: Self.day + 20, outcome: "deny", reasons: [("prompt_injection", "playbook:prompt_injection")],
                         alerts: ["high_risk_ai_activity"], playbooks: ["prompt_injection"], risk: 90),
            try decision("c", at: Self.day + 30, alerts: ["excessive_ai_usage"]),
            // Another policy's rule of the same name still names the rule (the report warns).
            try decision("d", at: Self.day + 40),
        ])
        let report = try ComplianceReport(paths: [directory], policy: policy, from: Self.day, to: Self.day + 86_400, keys: [key])
        let controls = try XCTUnwrap(report.controls)
        XCTAssertEqual(controls.map(\.id), ["SOC2 CC6.1", "SOC2 CC6.2", "SOC2 CC6.3", "SOC2 CC7.1", "SOC2 CC7.2"])
        XCTAssertEqual(controls.map(\.decisions), [1, 0, 0, 1, 2])
        let monitoring = controls[3]
        XCTAssertEqual(monitoring.implementedBy.map(\.decisions), [0, 1, 0, 0, 1])
        XCTAssertEqual(monitoring.implementedBy[1].denied, 1)
        XCTAssertEqual([monitoring.first?.trail, monitoring.first?.seq, monitoring.first?.time], [0, 2, Self.day + 20])
        XCTAssertEqual(controls[4].first?.seq, 2)
        XCTAssertEqual(controls[4].last?.seq, 3)
        XCTAssertNil(controls[1].first)
        XCTAssertEqual(report.highRisk.thresholdPercent, 70)
        XCTAssertTrue(report.highRisk.thresholdFromPolicy)
        XCTAssertEqual(report.policyDecisions, 0, "the records were made under another digest")
        XCTAssertTrue(report.warnings.contains { $0.contains("made 0 of the period's 4 decisions") }, "\(report.warnings)")
    }

    func testSpendIsWhatTheStoreSettledAndAnOutageIsReportedApart() throws {
        let directory = try trail([
            try decision("a", at: Self.day, action: "completion", cost: 100, settlement: "settled", tokens: (10, 1)),
            // Metered while the usage store was unavailable: the provider was paid, no budget counted it.
            try decision("a", at: Self.day + 1, action: "completion", cost: 40, tokens: (4, 4)),
            // Decided without a meter: its tokens are use, it has no cost.
            try decision("a", at: Self.day + 2, action: "completion", tokens: (7, 7)),
            try decision("a", at: Self.day + 3, action: "completion", cost: 900, settlement: "unknown", tokens: (9, 9)),
        ])
        let report = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 60)
        XCTAssertEqual(report.totals.costMicros, 100)
        XCTAssertEqual(report.totals.unsettledCostMicros, 40)
        XCTAssertEqual([report.totals.tokensIn, report.totals.tokensOut], [17, 8])
    }

    func testNumbersTooLargeForARecordAreRefusedNotTrapped() throws {
        let entry = try decision("a", at: Self.day, action: "completion", cost: 1, settlement: "settled")
        let directory = try trail([entry])
        let file = directory + "/audit-000000000001.jsonl"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for huge in ["9999999999999999999", "1000000000001", "-5", "1e3", "99999999999999999999999"] {
            try Data(text.replacingOccurrences(of: #""cost_micros":1"#, with: #""cost_micros":"# + huge).utf8).write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 60), huge) { error in
                XCTAssertTrue("\(error)".contains("`cost_micros` must be a whole number from 0 to 1000000000000"), "\(error)")
            }
            // With the key the line is first found modified (its MAC), before its number is read.
            XCTAssertThrowsError(try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 60, keys: [key])) { error in
                XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
            }
        }
        // Records up to the cap add up exactly (overflowing a sum would take millions of them at the
        // cap; the refusal itself is checked on the adder, in ComplianceSumTests).
        var entries: [AuditEntry] = []
        for index in 0..<3 {
            entries.append(try decision("a", at: Self.day + index, action: "completion", cost: 1_000_000_000_000, settlement: "settled"))
        }
        XCTAssertEqual(try ComplianceReport(paths: [try trail(entries)], policy: nil, from: Self.day, to: Self.day + 60).totals.costMicros,
                       3_000_000_000_000)
    }

    func testAFileGivenTwiceOrAnEmptyFileListIsRefusedAndFilesAloneAreNotEndChecked() throws {
        let directory = try trail([try decision("a", at: Self.day), try decision("b", at: Self.day + 1)])
        let file = directory + "/audit-000000000001.jsonl"
        for paths in [[directory, directory], [directory, file], [file, file], [file, directory + "/./audit-000000000001.jsonl"]] {
            XCTAssertThrowsError(try ComplianceReport(paths: paths, policy: nil, from: Self.day, to: Self.day + 60), "\(paths)") { error in
                XCTAssertTrue("\(error)".contains("is given twice"), "\(error)")
            }
        }
        let alone = try ComplianceReport(paths: [file], policy: nil, from: Self.day, to: Self.day + 60, keys: [key])
        XCTAssertEqual(alone.trails.map(\.verified), [true])
        XCTAssertEqual(alone.trails.map(\.endChecked), [false])
        XCTAssertTrue(alone.warnings.contains { $0.hasPrefix("End not checked.") }, "\(alone.warnings)")
        let whole = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 60, keys: [key])
        XCTAssertEqual(whole.trails.map(\.endChecked), [true])
        XCTAssertEqual(whole.warnings, [])
        let empty = makeDirectory() + "-empty.jsonl"
        try Data().write(to: URL(fileURLWithPath: empty))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: empty) }
        XCTAssertThrowsError(try ComplianceReport(paths: [empty], policy: nil, from: Self.day, to: Self.day + 60, keys: [key])) { error in
            XCTAssertTrue("\(error)".contains("holds no audit records"), "\(error)")
        }
        XCTAssertThrowsError(try ComplianceReport(paths: [file], policy: nil, from: Int.min, to: Int.max)) { error in
            XCTAssertTrue("\(error)".contains("longer than"), "\(error)")
        }
    }

    func testADecisionCountsOncePerNameAndTheRiskiestAreKeptForAnyTop() throws {
        var entries = [try decision("a", at: Self.day, alerts: ["x", "x"], files: ["f", "f", "g"])]
        for index in 0..<300 {
            entries.append(try decision("u\(index % 7)", at: Self.day + 1 + index, risk: 71 + index % 29))
        }
        let directory = try trail(entries)
        let report = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 3_600, top: 3)
        XCTAssertEqual(report.alerts.rows.map(\.count), [1])
        XCTAssertEqual(report.fileModifications.rows.map(\.count), [1, 1])
        XCTAssertEqual(report.totals.fileModifications, 2)
        XCTAssertEqual(report.highRisk.records.map(\.riskPercent), [99, 99, 99])
        XCTAssertEqual(report.highRisk.records.map(\.time), [Self.day + 1 + 28, Self.day + 1 + 57, Self.day + 1 + 86], "ties: the oldest first")
        let all = try ComplianceReport(paths: [directory], policy: nil, from: Self.day, to: Self.day + 3_600, top: nil)
        XCTAssertEqual(all.highRisk.records.count, 300)
        XCTAssertEqual(all.highRisk.records.map(\.riskPercent), all.highRisk.records.map(\.riskPercent).sorted(by: >))
        // Ties in a ranking go by name, so every run ranks alike.
        XCTAssertEqual(all.highRisk.byUser.rows.map(\.name), ["u0", "u1", "u2", "u3", "u4", "u5", "u6"])
        XCTAssertEqual(all.highRisk.byUser.rows.map(\.count), [43, 43, 43, 43, 43, 43, 42])
    }

    func testATimelineStartingMidHourCoversTheWholePeriod() throws {
        let start = Self.day + 1_800
        let directory = try trail([try decision("a", at: start), try decision("a", at: start + 3_599), try decision("a", at: start + 7_199)])
        let report = try ComplianceReport(paths: [directory], policy: nil, from: start, to: start + 7_200)
        XCTAssertEqual(report.timeline.points.map(\.start), [Self.day, Self.day + 3_600, Self.day + 7_200])
        XCTAssertEqual(report.timeline.points.map(\.allowed), [1, 1, 1])
    }
}

/// 1234567 → `1,234,567`, written here apart from the report's own formatting.
func thousands(_ value: Int) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = ","
    formatter.usesGroupingSeparator = true
    return formatter.string(from: NSNumber(value: value))!
}
