import Foundation
import XCTest

/// `policyc report` as an auditor runs it over the bundled week of traffic
/// (examples/requests/audit-week.jsonl): its figures against what `eval` decided, the requests
/// themselves and what `usage report` says was spent; the HTML's numbers against the JSON's, in
/// a real browser where one is installed; exit 0/1/2.
final class ReportCLITests: XCTestCase {
    static let week = "examples/requests/audit-week.jsonl"
    static let period = ["--from", "2026-11-30", "--to", "2026-12-07"]

    struct Week {
        var directory: URL
        var key: String
        var trail: String
        var state: String
        /// `eval`'s decisions, one per request.
        var decisions: [JSONValue]
    }

    /// The week decided against enterprise.pol with budgets metered (replayed: its times are
    /// in the past) and every decision recorded.
    func decideTheWeek() throws -> Week {
        let directory = try makeTemporaryDirectory()
        let key = directory.appendingPathComponent("audit.key").path
        try Data("9a1c2a9e7b3d5f60812a4c6e8b0d2f4a6c8e0a2b4d6f8091a3c5e7f9b1d3f5a7\n".utf8).write(to: URL(fileURLWithPath: key))
        let trail = directory.appendingPathComponent("trail").path
        let state = directory.appendingPathComponent("state").path
        let eval = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--request", ReportCLITests.week, "--state", state,
                                     "--replay", "--audit", trail, "--audit-key", key])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let decisions = eval.stdout.split(separator: "\n").compactMap { JSONValue.parse(Data($0.utf8)) }
        return Week(directory: directory, key: key, trail: trail, state: state, decisions: decisions)
    }

    func report(_ week: Week, _ extra: [String]) throws -> CLITests.Run {
        try CLITests.run(["report", "--audit", week.trail, "--policy", "examples/enterprise.pol", "--audit-key", week.key]
                         + ReportCLITests.period + extra)
    }

    func testTheWeekIsReportedAsTheDecisionsTheRequestsAndTheUsageStoreSay() throws {
        let week = try decideTheWeek()
        let run = try report(week, ["--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "", "a verified trail needs no warning")
        let json = try XCTUnwrap(JSONValue.parse(Data(run.stdout.utf8)))
        let requests = try String(contentsOfFile: TestSupport.root + "/" + ReportCLITests.week, encoding: .utf8)
            .split(separator: "\n").compactMap { JSONValue.parse(Data($0.utf8)) }
        XCTAssertEqual(week.decisions.count, requests.count)

        // Decisions by outcome, as eval gave them.
        func outcomes(_ word: String) -> Int { week.decisions.filter { $0["decision"] == .string(word) }.count }
        XCTAssertEqual(json.integer("totals.decisions"), requests.count)
        XCTAssertEqual(json.integer("totals.allowed"), outcomes("allow"))
        XCTAssertEqual(json.integer("totals.denied"), outcomes("deny"))
        XCTAssertEqual(json.integer("totals.approval_required"), outcomes("require_approval"))
        XCTAssertGreaterThan(outcomes("deny"), 4, "the week holds incidents")
        // Sessions and users, as the requests name them.
        XCTAssertEqual(json.integer("totals.sessions"), Set(requests.compactMap { $0["session_id"]?.string }).count)
        XCTAssertEqual(json.integer("totals.unique_users"), Set(requests.compactMap { $0["user"]?["id"]?.string }).count)
        XCTAssertEqual(json.integer("totals.file_modifications"), requests.reduce(0) { $0 + ($1["files_modified"]?.array?.count ?? 0) })
        // High risk: the policy's threshold (70%), against the decisions' risk scores.
        XCTAssertEqual(json["high_risk"]?["threshold_from"], .string("policy"))
        XCTAssertEqual(json.integer("totals.high_risk"), week.decisions.filter { ($0["risk_score"]?.double ?? 0) > 0.7 }.count)

        // Spend per user: what the usage store settled, read by `usage report`.
        let usage = try CLITests.run(["usage", "report", "--state", week.state, "--by", "user", "--format", "json"] + ReportCLITests.period)
        XCTAssertEqual(usage.status, 0, usage.stderr)
        let usageJSON = try XCTUnwrap(JSONValue.parse(Data(usage.stdout.utf8)))
        func spend(_ rows: JSONValue?) -> [String: Int] {
            var result: [String: Int] = [:]
            for row in rows?.array ?? [] { result[row["name"]?.string ?? "-"] = row["cost_micros"]?.integer }
            return result
        }
        let usageSpend = spend(usageJSON["rows"])
        XCTAssertEqual(usageSpend.count, 5)
        XCTAssertEqual(spend(json["cost"]?["by_user"]?["rows"]), usageSpend)
        XCTAssertEqual(json.integer("totals.cost_micros"), usageJSON["totals"]?["cost_micros"]?.integer)
        XCTAssertGreaterThan(json.integer("totals.cost_micros") ?? 0, 1_000_000)

        // Evidence per control: CC7.1's alerts and playbooks, counted from eval's decisions.
        let controls = try XCTUnwrap(json["controls"]?.array)
        XCTAssertEqual(controls.compactMap { $0["id"]?.string }, ["SOC2 CC6.1", "SOC2 CC6.2", "SOC2 CC6.3", "SOC2 CC7.1", "SOC2 CC7.2"])
        let monitoring = try XCTUnwrap(controls.first { $0["id"] == .string("SOC2 CC7.1") })
        let cc71 = week.decisions.filter { decision in
            let alerts = (decision["alerts"]?.array ?? []).compactMap { $0["name"]?.string }
            let playbooks = (decision["playbooks"]?.array ?? []).compactMap { $0["name"]?.string }
            return !Set(alerts).isDisjoint(with: ["high_risk_ai_activity", "sensitive_data_in_prompt"])
                || !Set(playbooks).isDisjoint(with: ["data_exfiltration", "prompt_injection"])
        }
        XCTAssertEqual(monitoring["decisions"]?.integer, cc71.count)
        XCTAssertGreaterThan(cc71.count, 1)
        let implementers = try XCTUnwrap(monitoring["implemented_by"]?.array)
        XCTAssertEqual(implementers.first { $0["reference"] == .string("playbook:prompt_injection") }?["denied"]?.integer, 1)
        XCTAssertEqual(controls.first { $0["id"] == .string("SOC2 CC6.2") }?["decisions"]?.integer, 0,
                       "a control nothing implements shows no evidence")
    }

    func testTheHTMLIsOneOfflinePageShowingTheJSONNumbersAndMarkdownTheSame() throws {
        let week = try decideTheWeek()
        let json = try XCTUnwrap(JSONValue.parse(Data(try report(week, ["--format", "json"]).stdout.utf8)))
        let output = week.directory.appendingPathComponent("report.html").path
        let html = try report(week, ["--format", "html", "-o", output])
        XCTAssertEqual(html.status, 0, html.stderr)
        XCTAssertEqual(html.stdout, "", "-o writes the file, not standard output")
        let page = try String(contentsOfFile: output, encoding: .utf8)
        let shown = ReportCLITests.dataValues(in: page)
        XCTAssertGreaterThan(shown.count, 200)
        for (path, value) in shown { XCTAssertEqual(json.integer(path), value, "the page shows \(value) for \(path)") }
        // Lists cut short: the rest of each is one row, and its numbers are the JSON's too.
        let cutJSON = try XCTUnwrap(JSONValue.parse(Data(try report(week, ["--format", "json", "--top", "2"]).stdout.utf8)))
        let cutPage = try report(week, ["--format", "html", "--top", "2"]).stdout
        let cutShown = ReportCLITests.dataValues(in: cutPage)
        for (path, value) in cutShown { XCTAssertEqual(cutJSON.integer(path), value, "the cut page shows \(value) for \(path)") }
        for path in ["cost.by_user.others.cost_micros", "cost.by_team.others.count", "models.others.count", "security_events.others.count",
                     "file_modifications.others.count", "timeline.points.6.allowed", "controls.3.implemented_by.1.denied"] {
            XCTAssertTrue(cutShown.contains { $0.path == path }, "the page shows \(path)")
        }
        XCTAssertTrue(page.contains("<h1>Compliance report: acme-enterprise v3</h1>"))
        // And against eval's own decisions, not only the report's JSON: the card and the table say so.
        let denied = week.decisions.filter { $0["decision"] == .string("deny") }.count
        XCTAssertEqual(page.components(separatedBy: "data-json=\"totals.denied\" data-value=\"\(denied)\">\(denied)</").count - 1, 2)
        XCTAssertEqual(page.components(separatedBy: "<svg ").count - 1, 4)
        XCTAssertFalse(page.contains("<script") || page.contains("src=") || page.contains("<link"), "nothing runs or loads")
        let markdown = try report(week, [])
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(markdown.stdout.hasPrefix("# Compliance report: acme-enterprise v3\n"), markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("| Denied | \(denied) |"))
        XCTAssertTrue(markdown.stdout.contains("| SOC2 CC7.1: Detection and monitoring of security events | any of the"))
    }

    /// The page as a real browser reads it: Debian's chromium, headless (the path in
    /// POLICYLANG_TEST_CHROMIUM, as .ci/run sets, else /usr/bin/chromium; skipped without one).
    func testABrowserRendersTheReportWithTheSameNumbers() throws {
        let candidates = [ProcessInfo.processInfo.environment["POLICYLANG_TEST_CHROMIUM"] ?? "", "/usr/bin/chromium"]
        guard let chromium = candidates.first(where: { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("chromium is not installed: apt-get install -y chromium, or set POLICYLANG_TEST_CHROMIUM")
        }
        let week = try decideTheWeek()
        let json = try XCTUnwrap(JSONValue.parse(Data(try report(week, ["--format", "json"]).stdout.utf8)))
        let page = week.directory.appendingPathComponent("report.html")
        XCTAssertEqual(try report(week, ["--format", "html", "-o", page.path]).status, 0)
        let profile = week.directory.appendingPathComponent("chromium-profile").path
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)", "--hide-scrollbars"]
        let dom = try ReportCLITests.execute(chromium, common + ["--dump-dom", page.absoluteString])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        // The DOM the browser built: the charts are there and every number it holds is the JSON's.
        XCTAssertEqual(dom.stdout.components(separatedBy: "<svg ").count - 1, 4, String(dom.stdout.prefix(2_000)))
        let shown = ReportCLITests.dataValues(in: dom.stdout)
        XCTAssertEqual(shown.count, ReportCLITests.dataValues(in: try String(contentsOf: page, encoding: .utf8)).count)
        for (path, value) in shown { XCTAssertEqual(json.integer(path), value, "the browser shows \(value) for \(path)") }
        let screenshot = week.directory.appendingPathComponent("report.png").path
        let shot = try ReportCLITests.execute(chromium, common + ["--window-size=1280,2000", "--screenshot=\(screenshot)", page.absoluteString])
        XCTAssertEqual(shot.status, 0, shot.stderr)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(width, 1280)
        XCTAssertGreaterThan(png.count, 60_000, "a page with charts and tables, not a blank one")
    }

    func testATamperedTrailExitsOneAndInputThatIsNotATrailExitsTwo() throws {
        let week = try decideTheWeek()
        let file = week.trail + "/audit-000000000001.jsonl"
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.swapAt(1, 2)
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let tampered = try report(week, ["--format", "json"])
        XCTAssertEqual(tampered.status, 1, tampered.stderr)
        XCTAssertEqual(tampered.stdout, "", "no report from a trail that does not verify")
        XCTAssertTrue(tampered.stderr.contains("audit-000000000001.jsonl:2: seq 3"), tampered.stderr)
        // Without a key the report is made, and says it was not verified.
        let unverified = try CLITests.run(["report", "--audit", week.trail] + ReportCLITests.period)
        XCTAssertEqual(unverified.status, 0, unverified.stderr)
        XCTAssertTrue(unverified.stderr.contains("report: warning: Not verified."), unverified.stderr)
        XCTAssertTrue(unverified.stdout.contains("> **Warning.** Not verified."))

        let notATrail = try CLITests.run(["report", "--audit", "examples/enterprise.pol"] + ReportCLITests.period)
        XCTAssertEqual(notATrail.status, 2)
        XCTAssertTrue(notATrail.stderr.contains("examples/enterprise.pol:1: not a JSON object"), notATrail.stderr)
        let missing = try CLITests.run(["report"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--audit DIR|FILE is required"), missing.stderr)
        let badTop = try CLITests.run(["report", "--audit", week.trail, "--top", "-1"])
        XCTAssertEqual(badTop.status, 2)
        let badDate = try CLITests.run(["report", "--audit", week.trail, "--from", "2026-02-30"])
        XCTAssertEqual(badDate.status, 2)
        XCTAssertTrue(badDate.stderr.contains("report: --from `2026-02-30` is not a date"), badDate.stderr)
    }

    /// Every `data-json="PATH" … data-value="N"` of a page.
    static func dataValues(in html: String) -> [(path: String, value: Int)] {
        var found: [(String, Int)] = []
        var rest = html[...]
        while let start = rest.range(of: "data-json=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let path = String(rest[..<end])
            // The value must follow in the same tag; a number the page shows without one fails the test.
            let tagEnd = rest.firstIndex(of: ">") ?? rest.endIndex
            guard let valueStart = rest[..<tagEnd].range(of: "data-value=\""), let valueEnd = rest[valueStart.upperBound...].firstIndex(of: "\""),
                  let value = Int(rest[valueStart.upperBound..<valueEnd]) else {
                XCTFail("`data-json=\"\(path)\"` without a whole-number `data-value` in its tag")
                break
            }
            found.append((path, value))
            rest = rest[valueEnd...]
        }
        return found
    }

    /// Runs a program; its standard error goes through a file, so that neither pipe can fill.
    static func execute(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CLITests.Run {
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try XCTUnwrap(FileHandle(forWritingAtPath: errPath))
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The integer at a dotted path (`cost.by_team.rows.0.cost_micros`).
    func integer(_ path: String) -> Int? {
        var node: JSONValue? = self
        for part in path.split(separator: ".") {
            if let index = Int(part), let items = node?.array {
                node = items.indices.contains(index) ? items[index] : nil
            } else {
                node = node?[String(part)]
            }
        }
        return node?.integer
    }
}
