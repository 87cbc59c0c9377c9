import Foundation
import PolicyRuntime
import XCTest

/// `UsageReport` over a store filled through the meter's real reservations and settlements, at
/// the guide's prices (examples/cost-budgets.pol): every figure below is worked out by hand.
final class UsageReportTests: XCTestCase {
    /// cost-budgets plus a role that may use only sonnet and the subscription model.
    static let policy: CompiledPolicy = {
        var policy = try! CompiledPolicy.load(from: TestDocument.golden("cost-budgets"))
        policy.roles.append(CompiledRole(name: "analyst", inherits: [], models: ["claude-3-sonnet", "cursor-pro"], features: ["ask_mode"],
                                         maxContextTokens: 100_000, auditLevel: nil, requiresApproval: [], blockedPatterns: [],
                                         source: "test"))
        return policy
    }()

    static func seconds(_ text: String) -> Int { Timestamp(rfc3339: text)!.secondsSinceEpoch }

    static let from = seconds("2026-12-01T00:00:00Z")
    static let to = seconds("2026-12-08T00:00:00Z")

    struct Person {
        let id: String
        let role: String
        let team: String
        let department: String
    }

    static let alice = Person(id: "alice", role: "developer", team: "platform", department: "engineering")
    static let bob = Person(id: "bob", role: "developer", team: "payments", department: "finance")
    static let carol = Person(id: "carol", role: "analyst", team: "platform", department: "engineering")

    /// Reserves and settles one request as a gateway would.
    private func charge(_ meter: UsageMeter, _ id: String, _ person: Person, _ model: String, _ feature: String,
                        tokensIn: Int, tokensOut: Int, at time: String, file: StaticString = #filePath, line: UInt = #line) {
        var request = Request()
        request.requestID = id
        request.userID = person.id
        request.role = person.role
        request.team = person.team
        request.department = person.department
        request.model = model
        request.feature = feature
        request.contextTokens = tokensIn
        request.tokensIn = tokensIn
        request.maxTokens = tokensOut
        request.timestamp = Timestamp(rfc3339: time)
        let reserved = meter.evaluate(request)
        XCTAssertEqual(reserved.outcome, .allow, "\(id): \(reserved.reasons.map(\.message))", file: file, line: line)
        request.action = .completion
        request.tokensOut = tokensOut
        request.timestamp = Timestamp(secondsSinceEpoch: UsageReportTests.seconds(time) + 60)
        XCTAssertEqual(meter.evaluate(request).usage?.settlement, .settled, id, file: file, line: line)
    }

    /// Six settled requests: one the day before the period (it counts only towards budgets), then
    /// five over seven days with nothing on December 4th and 6th.
    private func filledStore() throws -> MemoryUsageStore {
        let store = MemoryUsageStore()
        let meter = try UsageMeter(plan: Plan(UsageReportTests.policy), store: store, options: .init(timestampTolerance: nil))
        // Opus: $15 in, $75 out per million tokens; sonnet $3 / $15; gpt-4 $30 / $60.
        charge(meter, "r0", Self.alice, "claude-3-opus", "agent_mode", tokensIn: 1_000, tokensOut: 0, at: "2026-11-30T12:00:00Z")  // 15_000
        charge(meter, "r1", Self.alice, "claude-3-opus", "agent_mode", tokensIn: 100_000, tokensOut: 20_000, at: "2026-12-01T10:00:00Z")  // 1_500_000 + 1_500_000
        charge(meter, "r2", Self.alice, "claude-3-opus", "agent_mode", tokensIn: 80_000, tokensOut: 40_000, at: "2026-12-02T09:00:00Z")  // 1_200_000 + 3_000_000
        charge(meter, "r3", Self.bob, "claude-3-sonnet", "ask_mode", tokensIn: 10_000, tokensOut: 1_000, at: "2026-12-03T11:00:00Z")  // 30_000 + 15_000
        charge(meter, "r4", Self.carol, "claude-3-sonnet", "ask_mode", tokensIn: 20_000, tokensOut: 5_000, at: "2026-12-05T10:00:00Z")  // 60_000 + 75_000
        charge(meter, "r5", Self.bob, "gpt-4", "ask_mode", tokensIn: 5_000, tokensOut: 1_000, at: "2026-12-07T15:00:00Z")  // 150_000 + 60_000
        return store
    }

    private func report(by dimension: UsageDimension = .user, policy: CompiledPolicy? = UsageReportTests.policy) throws -> UsageReport {
        let store = try filledStore()
        let earliest = UsageReport.earliestRecord(from: Self.from, policy: policy)
        return try UsageReport(records: try store.records(from: earliest, to: Self.to), policy: policy, from: Self.from, to: Self.to,
                               by: dimension)
    }

    func testTotalsCountOnlyThePeriod() throws {
        let report = try report()
        XCTAssertEqual(report.totals, UsageTally(requests: 5, tokensIn: 215_000, tokensOut: 67_000,
                                                 costMicros: 3_000_000 + 4_200_000 + 45_000 + 135_000 + 210_000))
    }

    func testRowsAreSortedByCostWithSharesInBasisPoints() throws {
        let report = try report()
        XCTAssertEqual(report.rows.map(\.name), ["alice", "bob", "carol"])
        XCTAssertEqual(report.rows.map(\.tally.costMicros), [7_200_000, 255_000, 135_000])
        XCTAssertEqual(report.rows.map(\.tally.requests), [2, 2, 1])
        // 7_200_000 / 7_590_000 = 94.8616…%, 255_000 / 7_590_000 = 3.3596…%, 135_000 / 7_590_000 = 1.7786…%: rounded down.
        XCTAssertEqual(report.rows.map(\.shareBasisPoints), [9_486, 335, 177])
        XCTAssertEqual(report.rows.map(\.sharePercentText), ["94.86", "3.35", "1.77"])
        XCTAssertEqual(report.topUsers, report.rows)

        let byTeam = try self.report(by: .team)
        XCTAssertEqual(byTeam.rows.map(\.name), ["platform", "payments"])
        XCTAssertEqual(byTeam.rows.map(\.tally.costMicros), [7_335_000, 255_000])
        XCTAssertEqual(byTeam.rows.map(\.shareBasisPoints), [9_664, 335])
        XCTAssertEqual(report.models.map(\.name), ["claude-3-opus", "gpt-4", "claude-3-sonnet"])
        XCTAssertEqual(report.models.map(\.tally.costMicros), [7_200_000, 210_000, 180_000])
    }

    func testEqualCostsAreOrderedByNameAndTheUnnamedLast() throws {
        let records = [
            UsageRecord(requestID: "a", time: Self.from, attribution: UsageAttribution(user: "zed", team: nil), tokensIn: 1, tokensOut: 1, costMicros: 500),
            UsageRecord(requestID: "b", time: Self.from, attribution: UsageAttribution(user: "amy", team: "x"), tokensIn: 1, tokensOut: 1, costMicros: 500),
            UsageRecord(requestID: "c", time: Self.from, attribution: UsageAttribution(user: nil, team: "x"), tokensIn: 1, tokensOut: 1, costMicros: 500),
        ]
        let report = try UsageReport(records: records, policy: nil, from: Self.from, to: Self.to)
        XCTAssertEqual(report.rows.map(\.name), ["amy", "zed", nil])
        XCTAssertEqual(report.topUsers.map(\.name), ["amy", "zed"], "a request without a user is no top user")
        XCTAssertEqual(try UsageReport(records: records, policy: nil, from: Self.from, to: Self.to, by: .team).rows.map(\.name), ["x", nil])
        XCTAssertNil(report.budgets)
        XCTAssertEqual(report.recommendations, [])
    }

    func testTopUsersAreTheTenWhoSpentMost() throws {
        let records = (0..<12).map { index in
            UsageRecord(requestID: "r\(index)", time: Self.from + index, attribution: UsageAttribution(user: "u\(index)"), tokensIn: 0,
                        tokensOut: 0, costMicros: (index + 1) * 1_000)
        }
        let report = try UsageReport(records: records, policy: nil, from: Self.from, to: Self.to)
        XCTAssertEqual(report.topUsers.map(\.name), (2..<12).reversed().map { "u\($0)" })
        XCTAssertEqual(report.rows.count, 12)
    }

    func testTheDailyTrendHasEveryDayAndComparesTheHalves() throws {
        let trend = try report().trend
        XCTAssertEqual(trend.days.map(\.date), ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07"])
        XCTAssertEqual(trend.days.map(\.tally.costMicros), [3_000_000, 4_200_000, 45_000, 0, 135_000, 0, 210_000])
        XCTAssertEqual(trend.days.map(\.tally.requests), [1, 1, 1, 0, 1, 0, 1])
        // The halves meet at December 4th, 12:00.
        XCTAssertEqual(trend.firstHalfCostMicros, 7_245_000)
        XCTAssertEqual(trend.secondHalfCostMicros, 345_000)
        // (345_000 − 7_245_000) × 100 / 7_245_000 = −95.2…
        XCTAssertEqual(trend.changePercent, -95)
    }

    func testNoChangeWhenTheFirstHalfCostNothing() throws {
        let records = [UsageRecord(requestID: "late", time: Self.to - 1, attribution: UsageAttribution(user: "u"), tokensIn: 1, tokensOut: 1,
                                   costMicros: 7)]
        let trend = try UsageReport(records: records, policy: nil, from: Self.from, to: Self.to).trend
        XCTAssertNil(trend.changePercent)
        XCTAssertEqual(trend.days.last?.tally.costMicros, 7)
        XCTAssertEqual(trend.days.count, 7)
    }

    func testBudgetsStandAsInTheirCurrentPeriod() throws {
        let budgets = try XCTUnwrap(try report().budgets)
        XCTAssertEqual(budgets.map { "\($0.status.name)/\($0.status.key)" },
                       ["per_user_daily/alice", "per_user_daily/bob", "per_user_daily/carol", "platform_team_monthly/platform",
                        "engineering_tokens/engineering"])
        let bob = budgets[1]
        // December 7th: bob's gpt-4 request only.
        XCTAssertEqual(bob.status.used, 210_000)
        XCTAssertEqual(bob.status.limit, 25_000_000)
        XCTAssertEqual(bob.status.remaining, 24_790_000)
        XCTAssertEqual(bob.percentUsed, 0)
        XCTAssertEqual(bob.periodStart, Self.seconds("2026-12-07T00:00:00Z"))
        XCTAssertEqual(bob.status.periodEnd, Self.to)
        let alice = budgets[0]
        XCTAssertEqual(alice.status.used, 0, "nothing on the last day")
        XCTAssertEqual(alice.peakUsed, 4_200_000)
        XCTAssertEqual(alice.peakPeriodStart, Self.seconds("2026-12-02T00:00:00Z"))
        // The team's month: alice's and carol's December requests, not November 30th.
        let platform = budgets[3]
        XCTAssertEqual(platform.status.used, 7_335_000)
        XCTAssertEqual(platform.status.limit, 5_000_000_000)
        XCTAssertEqual(platform.periodStart, Self.from)
        XCTAssertEqual(platform.status.periodEnd, Self.seconds("2027-01-01T00:00:00Z"))
        // 30 rolling days in 12-hour buckets, from November 7th 12:00: November 30th counts.
        let engineering = budgets[4]
        XCTAssertEqual(engineering.status.unit, .tokens)
        XCTAssertEqual(engineering.status.used, 1_000 + 120_000 + 120_000 + 25_000)
        XCTAssertEqual(engineering.periodStart, Self.seconds("2026-11-07T12:00:00Z"))
        XCTAssertNil(engineering.status.periodEnd)
    }

    func testTheReportReadsFromTheEarliestBudgetWindow() {
        // The 30-day rolling window current on December 1st reaches back to November 1st.
        XCTAssertEqual(UsageReport.earliestRecord(from: Self.from, policy: Self.policy), Self.seconds("2026-11-01T00:00:00Z"))
        XCTAssertEqual(UsageReport.earliestRecord(from: Self.from, policy: nil), Self.from)
    }

    func testACheaperModelTheRoleMayUseIsRecommendedWithItsSaving() throws {
        let recommendations = try report().recommendations
        XCTAssertEqual(recommendations.count, 1, recommendations.map(\.message).joined(separator: "\n"))
        let advice = try XCTUnwrap(recommendations.first)
        XCTAssertEqual(advice.kind, .cheaperModel)
        // alice's opus requests at sonnet's prices: 100_000 × $3/M + 20_000 × $15/M = 600_000, and
        // 80_000 × $3/M + 40_000 × $15/M = 840_000; they cost 3_000_000 + 4_200_000 on opus.
        // gpt-4 is cheaper than opus too but its 8k context holds neither request; cursor-pro has no
        // token prices. bob's gpt-4 request would save 210_000 − 30_000: under $1, left out.
        XCTAssertEqual(advice.savingMicros, 7_200_000 - 1_440_000)
        guard case .cheaperModel(let evidence) = advice.evidence else { return XCTFail("\(advice.evidence)") }
        XCTAssertEqual(evidence.role, "developer")
        XCTAssertEqual(evidence.feature, "agent_mode")
        XCTAssertEqual(evidence.model, "claude-3-opus")
        XCTAssertEqual(evidence.alternative, "claude-3-sonnet")
        XCTAssertEqual(evidence.tally, UsageTally(requests: 2, tokensIn: 180_000, tokensOut: 60_000, costMicros: 7_200_000))
        XCTAssertEqual(evidence.alternativeCostMicros, 1_440_000)
        XCTAssertEqual(advice.message, "role `developer` used `claude-3-opus` for `agent_mode`: 2 requests, 180000 tokens in and 60000 out, "
                       + "$7.20; `claude-3-sonnet`, which the role may also use, would have cost $1.44")
    }

    func testNoRecommendationWhenTheRoleHasNoCheaperModel() throws {
        // carol's role may use sonnet and the subscription model only: however much she spends on
        // sonnet, nothing the role may use is cheaper per token.
        let records = (0..<40).map { index in
            UsageRecord(requestID: "c\(index)", time: Self.from + index * 3_600,
                        attribution: UsageAttribution(user: "carol", role: "analyst", model: "claude-3-sonnet", feature: "ask_mode"),
                        tokensIn: 90_000, tokensOut: 10_000, costMicros: 270_000 + 150_000)
        }
        let report = try UsageReport(records: records, policy: Self.policy, from: Self.from, to: Self.to)
        XCTAssertEqual(report.totals.costMicros, 40 * 420_000)
        XCTAssertEqual(report.recommendations.filter { $0.kind == .cheaperModel }, [])
    }

    func testAModelThePolicyDoesNotKnowIsCountedButNotAdvised() throws {
        let records = [UsageRecord(requestID: "x", time: Self.from, attribution: UsageAttribution(user: "alice", role: "developer",
                                                                                                model: "retired-model", feature: "ask_mode"),
                                   tokensIn: 1_000_000, tokensOut: 1_000_000, costMicros: 90_000_000)]
        let report = try UsageReport(records: records, policy: Self.policy, from: Self.from, to: Self.to)
        XCTAssertEqual(report.totals.costMicros, 90_000_000)
        XCTAssertEqual(report.models.map(\.name), ["retired-model"])
        XCTAssertEqual(report.recommendations.filter { $0.kind == .cheaperModel }, [])
    }

    func testABudgetUsedOver90PercentIsNearlySpent() throws {
        // per_user_daily is $25: dave spends $22.50 (exactly 90%: not over) on the 2nd and $23 on
        // the 3rd (92%); erin $10.
        let records = [
            UsageRecord(requestID: "d1", time: Self.seconds("2026-12-02T10:00:00Z"), attribution: UsageAttribution(user: "dave"),
                        tokensIn: 0, tokensOut: 0, costMicros: 22_500_000),
            UsageRecord(requestID: "d2", time: Self.seconds("2026-12-03T10:00:00Z"), attribution: UsageAttribution(user: "dave"),
                        tokensIn: 0, tokensOut: 0, costMicros: 20_000_000),
            UsageRecord(requestID: "d3", time: Self.seconds("2026-12-03T11:00:00Z"), attribution: UsageAttribution(user: "dave"),
                        tokensIn: 0, tokensOut: 0, costMicros: 3_000_000),
            UsageRecord(requestID: "e1", time: Self.seconds("2026-12-03T11:00:00Z"), attribution: UsageAttribution(user: "erin"),
                        tokensIn: 0, tokensOut: 0, costMicros: 10_000_000),
        ]
        let report = try UsageReport(records: records, policy: Self.policy, from: Self.from, to: Self.to)
        let advice = report.recommendations.filter { $0.kind == .budgetNearlySpent }
        XCTAssertEqual(advice.count, 1)
        XCTAssertNil(advice.first?.savingMicros)
        guard case .budget(let evidence)? = advice.first?.evidence else { return XCTFail("\(report.recommendations)") }
        XCTAssertEqual(evidence.budget, "per_user_daily")
        XCTAssertEqual(evidence.membersSeen, 2)
        XCTAssertEqual(evidence.members.map(\.status.key), ["dave"])
        XCTAssertEqual(evidence.members.first?.peakUsed, 23_000_000)
        XCTAssertEqual(evidence.members.first?.peakPeriodStart, Self.seconds("2026-12-03T00:00:00Z"))
        XCTAssertEqual(advice.first?.message, "budget `per_user_daily` ($25.00 daily, each user): 1 of 2 members used over 90% of it in one "
                       + "period: dave 92% from 2026-12-03; raise the limit, or move that work to a cheaper model")
    }

    func testABudgetNoMemberUsed10PercentOfInAWholePeriodIsOversized() throws {
        // The platform team's $5000 for December: $400 is 8%.
        let december = Self.seconds("2027-01-01T00:00:00Z")
        let records = [UsageRecord(requestID: "p", time: Self.seconds("2026-12-10T10:00:00Z"), attribution: UsageAttribution(user: "alice", team: "platform"),
                                   tokensIn: 0, tokensOut: 0, costMicros: 400_000_000)]
        let month = try UsageReport(records: records, policy: Self.policy, from: Self.from, to: december)
        let advice = month.recommendations.filter { $0.kind == .budgetOversized }
        guard case .budget(let evidence)? = advice.first(where: { $0.message.contains("platform_team_monthly") })?.evidence else {
            return XCTFail(month.recommendations.map(\.message).joined(separator: "\n"))
        }
        XCTAssertEqual(evidence.members.map(\.peakUsed), [400_000_000])
        XCTAssertTrue(advice.contains { $0.message == "budget `platform_team_monthly` ($5000.00 monthly, team platform): the most used in one "
                                         + "period was $400.00 (8%), by platform from 2026-12-01; no member reached 10% of it: lower the limit toward its use" })
        // A week of the month says nothing about the month.
        let week = try UsageReport(records: records, policy: Self.policy, from: Self.seconds("2026-12-08T00:00:00Z"),
                                   to: Self.seconds("2026-12-15T00:00:00Z"))
        XCTAssertFalse(week.recommendations.contains { $0.message.contains("platform_team_monthly") })
    }

    func testAPeriodMustBeForwardAndBounded() {
        XCTAssertThrowsError(try UsageReport(records: [], policy: nil, from: Self.to, to: Self.to))
        XCTAssertThrowsError(try UsageReport(records: [], policy: nil, from: 0, to: (UsageReport.maximumDays + 1) * 86_400))
        XCTAssertNoThrow(try UsageReport(records: [], policy: nil, from: 0, to: UsageReport.maximumDays * 86_400))
    }

    func testMoneyPrintsExactlyInDollars() {
        XCTAssertEqual(MicroDollars.text(1_234_567), "$1.23")
        XCTAssertEqual(MicroDollars.text(1_235_000), "$1.24", "half up")
        XCTAssertEqual(MicroDollars.text(1_234_999), "$1.23")
        XCTAssertEqual(MicroDollars.text(5_000), "$0.01")
        XCTAssertEqual(MicroDollars.text(0), "$0.00")
        XCTAssertEqual(MicroDollars.text(-1_500_000), "-$1.50")
        XCTAssertEqual(MicroDollars.text(Int.max), "$9223372036854.78")
        XCTAssertEqual(MicroDollars.exactText(1_234_567), "1.234567")
        XCTAssertEqual(MicroDollars.exactText(45_000), "0.045000")
    }

    func testCSVQuotesWhatItMust() throws {
        let records = [UsageRecord(requestID: "q", time: Self.from, attribution: UsageAttribution(user: #"o"neil, jr"#), tokensIn: 1,
                                   tokensOut: 2, costMicros: 1_234_567)]
        let csv = try UsageReport(records: records, policy: nil, from: Self.from, to: Self.to).csv
        XCTAssertEqual(csv, "user,requests,tokens_in,tokens_out,cost_micros,cost_usd,share_percent\r\n"
                       + #""o""neil, jr",1,1,2,1234567,1.234567,100.00"# + "\r\n")
    }

    func testCSVNamesAreSafeToOpen() {
        XCTAssertEqual(UsageReport.csvField("=HYPERLINK(\"x\")"), #""'=HYPERLINK(""x"")""#, "a formula is not run")
        XCTAssertEqual(UsageReport.csvField("@user"), "'@user")
        XCTAssertEqual(UsageReport.csvField("-5"), "-5", "a number stays a number")
        XCTAssertEqual(UsageReport.csvField("a\u{0}b\u{1B}c"), "a\u{FFFD}b\u{FFFD}c")
    }

    func testJSONHasEverySectionInMicroDollars() throws {
        let report = try report()
        guard case .object(let members, _) = try JSONTree.parse(report.jsonBytes()) else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["budgets", "by", "models", "period", "recommendations", "rows", "top_users", "totals", "trend"])
        let text = String(decoding: report.jsonBytes(), as: UTF8.self)
        XCTAssertTrue(text.contains(#""saving_micros": 5760000"#), text)
        XCTAssertTrue(text.contains(#""share_basis_points": 9486"#), text)
        XCTAssertTrue(text.contains(#""change_percent": -95"#), text)
        XCTAssertEqual(fractions(try JSONTree.parse(report.jsonBytes())), [], "money and shares are integers")
    }

    /// Every number in a JSON value that is not a whole number.
    private func fractions(_ value: JSONTree) -> [String] {
        switch value {
        case .object(let members, _): return members.flatMap { fractions($0.value) }
        case .array(let items, _): return items.flatMap(fractions)
        case .number(let text, _): return Int(text) == nil ? [text] : []
        default: return []
        }
    }
}
