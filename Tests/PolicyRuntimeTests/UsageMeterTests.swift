import Foundation
import PolicyRuntime
import XCTest

/// Deciding with budgets and rate limits: `examples/cost-budgets.pol`, from its golden compiled
/// document, metered in a memory store.
final class UsageMeterTests: XCTestCase {
    static let compiled: CompiledPolicy = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.path + "/Tests/PolicyLangTests/testdata/compiled/cost-budgets.json"
        // The golden document is part of the repository; failing to load it is a broken checkout.
        return try! CompiledPolicy.load(from: Data(contentsOf: URL(fileURLWithPath: path)))
    }()

    /// 2026-12-07T10:00:00Z
    static let now = 1_796_637_600

    func makeMeter(_ store: any UsageStore = MemoryUsageStore(), failOpen: Bool = false) throws -> UsageMeter {
        var compiled = UsageMeterTests.compiled
        compiled.usage.failOpen = failOpen
        return try UsageMeter(plan: try Plan(compiled), store: store, clock: { UsageMeterTests.now })
    }

    /// A sonnet request by alice (platform team): 10k tokens in, 1k out at most — $0.045.
    func request(_ id: String = "r1", _ changes: (inout Request) -> Void = { _ in }) -> Request {
        var request = Request()
        request.requestID = id
        request.userID = "alice"
        request.role = "developer"
        request.team = "platform"
        request.model = "claude-3-sonnet"
        request.feature = "ask_mode"
        request.contextTokens = 10_000
        request.tokensIn = 10_000
        request.maxTokens = 1_000
        changes(&request)
        return request
    }

    func completion(_ id: String = "r1", tokensOut: Int) -> Request {
        request(id) {
            $0.action = .completion
            $0.tokensOut = tokensOut
            $0.maxTokens = nil
            $0.response = Array("done".utf8)
        }
    }

    /// The meter a budget or rate limit keeps for a user (as `policyc test` finds it).
    private func meterOf(_ name: String, _ user: String = "alice") throws -> Meter {
        try XCTUnwrap(try makeMeter().meter(named: name, for: request { $0.userID = user }))
    }

    private func dailyUse(_ store: any UsageStore, _ user: String = "alice") throws -> Int {
        try store.used([try meterOf("per_user_daily", user)], at: UsageMeterTests.now)[0]
    }

    func testAnAllowedRequestReservesItsEstimateEverywhereItCounts() throws {
        let store = MemoryUsageStore()
        let decision = try makeMeter(store).evaluate(request())
        XCTAssertEqual(decision.outcome, .allow, "\(decision.reasons)")
        let usage = try XCTUnwrap(decision.usage)
        XCTAssertEqual(usage.cost, 45_000, "10k input at $3/M and 1k output at $15/M")
        XCTAssertEqual(usage.reserved, 45_000)
        XCTAssertEqual(usage.budgets.map(\.name), ["per_user_daily", "platform_team_monthly"])
        XCTAssertEqual(usage.rateLimits.map(\.name), ["per_user_requests", "developer_tokens"])
        XCTAssertEqual(usage.rateLimits.map(\.used), [1, 11_000])
        XCTAssertTrue(decision.json.contains(#""usage":{"cost":45000,"reserved":45000,"budgets":[{"name":"per_user_daily","scope":"user","key":"alice","unit":"usd_micros","used":45000,"limit":25000000,"remaining":24955000,"period_end":"2026-12-08T00:00:00Z"},{"name":"platform_team_monthly","scope":"team","key":"platform","unit":"usd_micros","used":45000,"limit":5000000000,"remaining":4999955000,"period_end":"2027-01-01T00:00:00Z"}],"rate_limits":[{"name":"per_user_requests","scope":"user","key":"alice","unit":"requests","used":1,"limit":60,"remaining":59,"period_end":null},{"name":"developer_tokens","scope":"role","key":"developer","unit":"tokens","used":11000,"limit":2000000,"remaining":1989000,"period_end":null}]}"#),
                      decision.json)
        XCTAssertEqual(try dailyUse(store), 45_000)
        // Another team's member is not counted against the platform budget.
        let other = try makeMeter(store).evaluate(request("r2") { $0.userID = "bob"; $0.team = "payments" })
        XCTAssertEqual(other.usage?.budgets.map(\.name), ["per_user_daily"])
    }

    func testAReservationThatWouldGoOverIsRefusedWholeAndAlertsOncePerPeriod() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        store.addPriorUse(24_970_000, to: try meterOf("per_user_daily"), at: UsageMeterTests.now)
        let refused = meter.evaluate(request("r1"))
        XCTAssertEqual(refused.outcome, .deny)
        XCTAssertEqual(refused.reasons.map(\.code), [.budgetExceeded])
        XCTAssertEqual(refused.reasons.first?.rule, "budget:per_user_daily")
        XCTAssertEqual(refused.reasons.first?.message, "budget `per_user_daily` has $0.03 left of $25.00; this request needs $0.05")
        XCTAssertEqual(refused.alerts.map(\.name), ["budget_nearly_spent", "excessive_ai_usage"], "the policy's alerts, then the budget's")
        XCTAssertEqual(refused.usage?.reserved, 0)
        XCTAssertEqual(try dailyUse(store), 24_970_000, "nothing is held when a budget refuses")
        XCTAssertEqual(try store.used([try meterOf("per_user_requests")], at: UsageMeterTests.now), [0],
                       "nor on the rate limits the request would have counted against")
        let again = meter.evaluate(request("r2"))
        XCTAssertEqual(again.reasons.map(\.code), [.budgetExceeded])
        XCTAssertEqual(again.alerts.map(\.name), ["budget_nearly_spent"], "the budget's own alert is raised once per period")
        // A smaller request still fits.
        XCTAssertEqual(meter.evaluate(request("r3") { $0.tokensIn = 1_000; $0.contextTokens = 1_000; $0.maxTokens = 100 }).outcome, .allow)
    }

    func testARateLimitSaysWhenToRetry() throws {
        let meter = try makeMeter()
        for index in 0..<60 {
            XCTAssertEqual(meter.evaluate(request("q\(index)") { $0.tokensIn = 10; $0.contextTokens = 10; $0.maxTokens = 10 }).outcome, .allow)
        }
        let limited = meter.evaluate(request("q60") { $0.tokensIn = 10; $0.contextTokens = 10; $0.maxTokens = 10 })
        XCTAssertEqual(limited.reasons.map(\.code), [.rateLimited])
        XCTAssertEqual(limited.reasons.first?.message, "rate limit `per_user_requests` allows 60 requests per minute; retry in 61 s")
        XCTAssertEqual(limited.retryAfterSeconds, 61)
        XCTAssertTrue(limited.json.contains(#""retry_after_seconds":61,"usage":"#), limited.json)
    }

    func testACompletionSettlesAtWhatItActuallyUsed() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        XCTAssertEqual(meter.evaluate(request()).usage?.reserved, 45_000)
        let settled = meter.evaluate(completion(tokensOut: 200))
        XCTAssertEqual(settled.usage?.settlement, .settled)
        XCTAssertEqual(settled.usage?.cost, 33_000, "10k input and 200 output tokens")
        XCTAssertEqual(settled.usage?.budgets.first?.used, 33_000)
        XCTAssertEqual(try dailyUse(store), 33_000)
        XCTAssertEqual(meter.evaluate(completion(tokensOut: 900)).usage?.settlement, .alreadySettled)
        XCTAssertEqual(meter.evaluate(completion("never-reserved", tokensOut: 900)).usage?.settlement, .unknown)
        XCTAssertEqual(try dailyUse(store), 33_000, "neither changes anything")
        XCTAssertEqual(try store.records(from: nil, to: nil).map(\.costMicros), [33_000])
    }

    func testAMeteredRequestMustSayWhoItIsAndHowToSettleIt() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        func message(_ changes: (inout Request) -> Void) -> String? {
            let decision = meter.evaluate(request("x", changes))
            XCTAssertEqual(decision.reasons.map(\.code), [.invalidRequest])
            return decision.reasons.first?.message
        }
        XCTAssertEqual(message { $0.userID = nil }, "`user.id` is required: budget `per_user_daily` counts each user separately")
        XCTAssertEqual(message { $0.requestID = nil },
                       "`request_id` is required: budget `per_user_daily` reserves the request's use until its completion settles it")
        XCTAssertEqual(message { $0.tokensIn = 1_000_000_001 }, "`tokens_in` is above 1000000000, the most a metered request may state")
        XCTAssertEqual(message { $0.action = .completion; $0.requestID = nil },
                       "`request_id` is required: a completion settles the reservation its request made under that id")
        XCTAssertEqual(try dailyUse(store), 0)
    }

    func testARequestIDIsNeverSharedAndNeverEmpty() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        XCTAssertEqual(meter.evaluate(request("r1")).outcome, .allow)
        // Bob reuses alice's id: refused, holding nothing, and the id stays alice's.
        let reused = meter.evaluate(request("r1") { $0.userID = "bob" })
        XCTAssertEqual(reused.outcome, .deny)
        XCTAssertEqual(reused.reasons.map(\.message), ["`request_id` `r1` was already used: each request needs an id of its own"])
        XCTAssertEqual(try dailyUse(store, "bob"), 0)
        XCTAssertEqual(meter.evaluate(request("") {  $0.userID = "carol" }).reasons.map(\.message), ["`request_id` must not be empty"])
    }

    func testRequestsWithoutIDsStillCountAgainstRequestRates() throws {
        var compiled = UsageMeterTests.compiled
        compiled.budgets = []
        compiled.rateLimits = compiled.rateLimits.filter { $0.unit == .requests }.map { var limit = $0; limit.limit = 2; return limit }
        let meter = try UsageMeter(plan: try Plan(compiled), store: MemoryUsageStore(), clock: { UsageMeterTests.now })
        let outcomes = (0..<3).map { _ in meter.evaluate(request { $0.requestID = nil }).outcome }
        XCTAssertEqual(outcomes, [.allow, .allow, .deny], "each gets an id of its own, so none passes as a repeat")
    }

    func testWhatAMeteredRequestOrCompletionMustState() throws {
        let meter = try makeMeter()
        func message(_ request: Request) -> String? { meter.evaluate(request).reasons.first?.message }
        XCTAssertEqual(message(request { $0.timestamp = Timestamp(secondsSinceEpoch: UsageMeterTests.now + 86_400 * 365 * 70) }),
                       "`timestamp` is 2207520000 s from the clock; a metered request's time must be within 300 s")
        XCTAssertEqual(message(request { $0.tokensIn = nil; $0.contextTokens = nil }),
                       "`tokens_in` or `context_tokens` is required: budget `per_user_daily` reserves the input")
        XCTAssertEqual(message(completion(tokensOut: 10) .with { $0.tokensIn = nil }),
                       "`tokens_in` and `tokens_out` are required: a completion is charged what it used")
        XCTAssertEqual(message(completion(tokensOut: 10).with { $0.model = "gpt-9" }),
                       "a completion names the model that answered (one the policy declares): it is charged at its prices")
        // A completion's own `budget` object is ignored like a request's.
        XCTAssertEqual(meter.evaluate(request("c1")).outcome, .allow)
        XCTAssertEqual(meter.evaluate(completion("c1", tokensOut: 10).with { $0.budgetUsedPercent = 99 }).alerts.map(\.name), [])
    }

    func testNoRetryIsOfferedWhenABudgetRefusesToo() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        store.addPriorUse(60, to: try meterOf("per_user_requests"), at: UsageMeterTests.now)
        XCTAssertEqual(meter.evaluate(request("a")).retryAfterSeconds, 61)
        store.addPriorUse(25_000_000, to: try meterOf("per_user_daily"), at: UsageMeterTests.now)
        let both = meter.evaluate(request("b"))
        XCTAssertEqual(Set(both.reasons.map(\.code)), [.budgetExceeded, .rateLimited])
        XCTAssertNil(both.retryAfterSeconds, "the budget has no room until tomorrow")
    }

    func testTheOutputEstimateComesFromMaxTokensTheModelThePolicyOrTheWindow() throws {
        let meter = try makeMeter()
        XCTAssertEqual(meter.evaluate(request("a") { $0.maxTokens = nil }).usage?.cost, 30_000 + 60_000, "the policy's 4k estimate")
        var compiled = UsageMeterTests.compiled
        compiled.usage.outputEstimateTokens = nil
        let windowed = try UsageMeter(plan: try Plan(compiled), store: MemoryUsageStore(), clock: { UsageMeterTests.now })
        XCTAssertEqual(windowed.evaluate(request("b") { $0.maxTokens = nil }).usage?.cost, 30_000 + 3_000_000,
                       "the model's 200k context window: the most it could answer")
        compiled.models = compiled.models.map { var model = $0; model.contextTokens = nil; return model }
        let unknown = try UsageMeter(plan: try Plan(compiled), store: MemoryUsageStore(), clock: { UsageMeterTests.now })
        XCTAssertEqual(unknown.evaluate(request("c") { $0.maxTokens = nil }).reasons.map(\.code), [.invalidRequest])
    }

    func testOnlyRequestsThatMayRunReserve() throws {
        let store = MemoryUsageStore()
        let meter = try makeMeter(store)
        let denied = meter.evaluate(request("d") { $0.contextTokens = 100_001 })
        XCTAssertEqual(denied.reasons.map(\.code), [.contextLimitExceeded])
        XCTAssertEqual(denied.usage?.reserved, 0)
        XCTAssertEqual(try dailyUse(store), 0)
        // A request waiting for approval holds its reservation (released at the timeout if it never runs).
        let expensive = meter.evaluate(request("e") { $0.model = "claude-3-opus"; $0.tokensIn = 90_000; $0.tokensOut = 60_000; $0.contextTokens = 90_000; $0.maxTokens = 60_000 })
        XCTAssertEqual(expensive.outcome, .requireApproval)
        XCTAssertEqual(expensive.usage?.reserved, 5_850_000)
        XCTAssertEqual(try dailyUse(store), 5_850_000)
    }

    func testTheStoresNumbersWinOverTheRequestsOwn() throws {
        let decision = try makeMeter().evaluate(request { $0.budgetUsedPercent = 95; $0.budgetExceeded = true })
        XCTAssertEqual(decision.alerts.map(\.name), [], "the request says 95%; the store says 0%")
        XCTAssertEqual(decision.outcome, .allow)
    }

    func testAStoreThatFailsDeniesUnlessThePolicyFailsOpen() throws {
        let closed = try makeMeter(FailingStore()).evaluate(request())
        XCTAssertEqual(closed.outcome, .deny)
        XCTAssertEqual(closed.reasons.map(\.code), [.budgetUnavailable])
        XCTAssertEqual(closed.reasons.first?.message, "the usage store is unavailable (disk full); budgets fail closed")
        XCTAssertEqual(closed.usage?.storeUnavailable, true)
        let open = try makeMeter(FailingStore(), failOpen: true).evaluate(request())
        XCTAssertEqual(open.outcome, .allow)
        XCTAssertTrue(open.json.contains(#""store_unavailable":true"#), open.json)
        let settle = try makeMeter(FailingStore()).evaluate(completion(tokensOut: 10))
        XCTAssertEqual(settle.reasons.map(\.code), [.budgetUnavailable], "a completion that could not be charged is refused, so it is sent again")
    }

    func testAPolicyWithoutBudgetsDecidesAsThePlanDoes() throws {
        var compiled = UsageMeterTests.compiled
        compiled.budgets = []
        compiled.rateLimits = []
        let plan = try Plan(compiled)
        let meter = try UsageMeter(plan: plan, store: FailingStore())
        XCTAssertFalse(meter.isMetering)
        XCTAssertEqual(meter.evaluate(request()), plan.evaluate(request()), "no store is asked")
    }
}

extension Request {
    /// The request with `change` made to it.
    func with(_ change: (inout Request) -> Void) -> Request {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A store whose every operation fails, as a full disk or an unreachable Redis does.
final class FailingStore: UsageStore {
    func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult { throw UsageStoreError("disk full") }
    func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult { throw UsageStoreError("disk full") }
    func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int] { throw UsageStoreError("disk full") }
    func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord] { throw UsageStoreError("disk full") }
}
