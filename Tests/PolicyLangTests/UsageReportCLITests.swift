import Foundation
import XCTest

/// `policyc usage report` on a store that `policyc eval --state` filled, at the guide's prices
/// (examples/cost-budgets.pol): the figures are worked out by hand.
final class UsageReportCLITests: XCTestCase {
    static let policy = "examples/cost-budgets.pol"

    /// Three requests and their completions: opus is $15 in and $75 out per million tokens,
    /// sonnet $3 and $15.
    static let requests = [
        // alice, December 1st: 100_000 × 15 + 20_000 × 75 = 1_500_000 + 1_500_000 micro-dollars.
        exchange("p1", user: #""id":"alice","role":"developer","team":"platform","department":"engineering""#, model: "claude-3-opus",
                 feature: "agent_mode", tokensIn: 100_000, tokensOut: 20_000, at: "2026-12-01T10:00:00Z"),
        // bob, December 3rd: 10_000 × 3 + 1_000 × 15 = 45_000.
        exchange("p2", user: #""id":"bob","role":"developer","team":"payments""#, model: "claude-3-sonnet", feature: "ask_mode",
                 tokensIn: 10_000, tokensOut: 1_000, at: "2026-12-03T10:00:00Z"),
        // alice, December 3rd: 60_000 × 15 + 10_000 × 75 = 900_000 + 750_000.
        exchange("p3", user: #""id":"alice","role":"developer","team":"platform","department":"engineering""#, model: "claude-3-opus",
                 feature: "agent_mode", tokensIn: 60_000, tokensOut: 10_000, at: "2026-12-03T12:00:00Z"),
    ].joined()

    /// A prompt that reserves, and the completion that settles it a minute later.
    static func exchange(_ id: String, user: String, model: String, feature: String, tokensIn: Int, tokensOut: Int, at time: String) -> String {
        let common = #""request_id":"\#(id)","user":{\#(user)},"model":"\#(model)","feature":"\#(feature)","context_tokens":\#(tokensIn),"tokens_in":\#(tokensIn)"#
        let later = time.replacingOccurrences(of: ":00:00Z", with: ":01:00Z")
        return "{\(common),\"max_tokens\":\(tokensOut),\"timestamp\":\"\(time)\"}\n"
            + "{\(common),\"action\":\"completion\",\"tokens_out\":\(tokensOut),\"timestamp\":\"\(later)\"}\n"
    }

    /// A store filled by `policyc eval --state`.
    private func filledState() throws -> String {
        let state = try makeTemporaryDirectory().appendingPathComponent("state").path
        let eval = try CLITests.run(["eval", "--policy", UsageReportCLITests.policy, "--state", state, "--replay"], stdin: Data(UsageReportCLITests.requests.utf8))
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let lines = eval.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 6)
        XCTAssertEqual(lines.filter { $0.hasPrefix(#"{"decision":"allow""#) }.count, 6, eval.stdout)
        XCTAssertEqual(lines.filter { $0.contains(#""settlement":"settled""#) }.count, 3, eval.stdout)
        return state
    }

    private func report(_ state: String, _ extra: [String]) throws -> CLITests.Run {
        try CLITests.run(["usage", "report", "--state", state, "--policy", UsageReportCLITests.policy,
                          "--from", "2026-12-01", "--to", "2026-12-05"] + extra)
    }

    func testJSONReportsEverySection() throws {
        let run = try report(try filledState(), ["--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        guard case .object(let report)? = JSONValue.parse(Data(run.stdout.utf8)) else { return XCTFail("not JSON: \(run.stdout)") }
        XCTAssertEqual(report["period"], .object(["from": .string("2026-12-01T00:00:00Z"), "to": .string("2026-12-05T00:00:00Z"), "days": .integer(4)]))
        XCTAssertEqual(report["by"], .string("user"))
        XCTAssertEqual(report["totals"], .object(["requests": .integer(3), "tokens_in": .integer(170_000), "tokens_out": .integer(31_000),
                                                  "cost_micros": .integer(4_695_000)]))
        // 4_650_000 / 4_695_000 = 99.04…%, 45_000 / 4_695_000 = 0.95…%.
        XCTAssertEqual(report["rows"], .array([
            .object(["name": .string("alice"), "requests": .integer(2), "tokens_in": .integer(160_000), "tokens_out": .integer(30_000),
                     "cost_micros": .integer(4_650_000), "share_basis_points": .integer(9_904)]),
            .object(["name": .string("bob"), "requests": .integer(1), "tokens_in": .integer(10_000), "tokens_out": .integer(1_000),
                     "cost_micros": .integer(45_000), "share_basis_points": .integer(95)]),
        ]))
        XCTAssertEqual(report["top_users"], report["rows"])
        guard case .array(let models)? = report["models"], case .object(let trend)? = report["trend"],
              case .array(let days)? = trend["days"], case .array(let budgets)? = report["budgets"],
              case .array(let recommendations)? = report["recommendations"] else { return XCTFail(run.stdout) }
        XCTAssertEqual(models.count, 2)
        XCTAssertEqual(days.map { day -> JSONValue? in if case .object(let fields) = day { return fields["cost_micros"] }; return nil },
                       [.integer(3_000_000), .integer(0), .integer(1_695_000), .integer(0)])
        // Halves meet at December 3rd, 00:00: (1_695_000 − 3_000_000) × 100 / 3_000_000 = −43.5.
        XCTAssertEqual(trend["change_percent"], .integer(-43))
        let platform = budgets.first { budget in
            if case .object(let fields) = budget { return fields["name"] == .string("platform_team_monthly") }
            return false
        }
        guard case .object(let team)? = platform else { return XCTFail("no platform budget: \(budgets)") }
        XCTAssertEqual(team["key"], .string("platform"))
        XCTAssertEqual(team["used"], .integer(4_650_000))
        XCTAssertEqual(team["remaining"], .integer(5_000_000_000 - 4_650_000))
        XCTAssertEqual(team["period_start"], .string("2026-12-01T00:00:00Z"))
        XCTAssertEqual(team["period_end"], .string("2027-01-01T00:00:00Z"))
        // alice's opus requests at sonnet's prices: 100_000 × 3 + 20_000 × 15 = 600_000 and
        // 60_000 × 3 + 10_000 × 15 = 330_000, against 4_650_000 on opus.
        XCTAssertEqual(recommendations.count, 1)
        guard case .object(let advice)? = recommendations.first, case .object(let evidence)? = advice["evidence"] else {
            return XCTFail("\(recommendations)")
        }
        XCTAssertEqual(advice["kind"], .string("cheaper_model"))
        XCTAssertEqual(advice["saving_micros"], .integer(4_650_000 - 930_000))
        XCTAssertEqual(evidence["alternative"], .string("claude-3-sonnet"))
        XCTAssertEqual(evidence["alternative_cost_micros"], .integer(930_000))
    }

    func testCSVHasTheGroupedRows() throws {
        let run = try report(try filledState(), ["--format", "csv", "--by", "team"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "team,requests,tokens_in,tokens_out,cost_micros,cost_usd,share_percent\r\n"
                       + "platform,2,160000,30000,4650000,4.650000,99.04\r\n"
                       + "payments,1,10000,1000,45000,0.045000,0.95\r\n")
    }

    func testTableHasHeadedSectionsInDollars() throws {
        let state = try filledState()
        let run = try report(state, [])
        XCTAssertEqual(run.status, 0, run.stderr)
        for heading in ["Totals", "By user", "Models", "Top users", "Daily trend", "Budgets", "Recommendations"] {
            XCTAssertTrue(run.stdout.contains("\n\(heading)\n"), "no `\(heading)` section:\n\(run.stdout)")
        }
        // 4_695_000 micro-dollars is $4.695: half up, $4.70.
        XCTAssertTrue(run.stdout.contains("  cost         $4.70\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  alice         2     160000       30000  $4.65  99.04%\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  2026-12-02         0  $0.00\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  1. save $3.72: role `developer` used `claude-3-opus` for `agent_mode`"), run.stdout)

        // -o writes the same report to a file instead.
        let path = try makeTemporaryDirectory().appendingPathComponent("report.txt").path
        let written = try report(state, ["-o", path])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), run.stdout)
    }

    func testWithoutAPolicyThereAreNoBudgetsOrRecommendations() throws {
        let run = try CLITests.run(["usage", "report", "--state", try filledState(), "--from", "2026-12-01", "--to", "2026-12-05",
                                    "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        guard case .object(let report)? = JSONValue.parse(Data(run.stdout.utf8)) else { return XCTFail(run.stdout) }
        XCTAssertEqual(report["budgets"], .null)
        XCTAssertEqual(report["recommendations"], .array([]))
    }

    func testWhatWasChargedThisSecondIsInTheDefaultReport() throws {
        // No timestamps: charged at the clock's time, and reported at once (the default period
        // ends after the current second, not at it).
        let state = try makeTemporaryDirectory().appendingPathComponent("state").path
        let common = #""request_id":"now-1","user":{"id":"dana","role":"developer"},"model":"claude-3-sonnet","feature":"ask_mode","context_tokens":1000,"tokens_in":1000"#
        let requests = "{\(common),\"max_tokens\":100}\n{\(common),\"action\":\"completion\",\"tokens_out\":100}\n"
        XCTAssertEqual(try CLITests.run(["eval", "--policy", UsageReportCLITests.policy, "--state", state], stdin: Data(requests.utf8)).status, 0)
        let report = try CLITests.run(["usage", "report", "--state", state, "--format", "csv"])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("dana,1,1000,100,4500,0.004500,100.00"), report.stdout)
    }

    func testUsageErrorsExitTwo() throws {
        let state = try filledState()
        let badDate = try report(state, ["--from", "2026-13-01"])
        XCTAssertEqual(badDate.status, 2)
        XCTAssertTrue(badDate.stderr.contains("--from `2026-13-01` is not a date (YYYY-MM-DD"), badDate.stderr)
        let notADay = try report(state, ["--to", "2026-02-30"])
        XCTAssertEqual(notADay.status, 2)
        let backwards = try report(state, ["--from", "2026-12-05", "--to", "2026-12-01"])
        XCTAssertEqual(backwards.status, 2)
        XCTAssertTrue(backwards.stderr.contains("--from 2026-12-05T00:00:00Z is not before --to 2026-12-01T00:00:00Z"), backwards.stderr)
        let empty = try report(state, ["--from", "2026-12-01T10:00:00Z", "--to", "2026-12-01T10:00:00Z"])
        XCTAssertEqual(empty.status, 2)

        let unknown = try CLITests.run(["usage", "reprot", "--state", state])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown subcommand `reprot`; did you mean `report`?"), unknown.stderr)
        let none = try CLITests.run(["usage"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("expected a subcommand: report"), none.stderr)
        let missingState = try CLITests.run(["usage", "report"])
        XCTAssertEqual(missingState.status, 2)
        XCTAssertTrue(missingState.stderr.contains("--state DIR|URL is required"), missingState.stderr)
        let noStore = try CLITests.run(["usage", "report", "--state", state + "-missing"])
        XCTAssertEqual(noStore.status, 2)
        XCTAssertTrue(noStore.stderr.contains("no usage store in"), noStore.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state + "-missing"), "a report creates nothing")
        XCTAssertEqual(try CLITests.run(["usage", "report", "--state", state, "--by", "colour"]).status, 2)
        XCTAssertEqual(try CLITests.run(["usage", "report", "--state", state, "--policy", "no/such.pol"]).status, 2)
    }
}
