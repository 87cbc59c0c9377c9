import Foundation

/// Decides requests with budgets and rate limits enforced against a ``UsageStore``: the
/// stateful half of the runtime (docs/runtime.md, "Budgets and rate limits").
///
/// A request that the policy would let through (allow or require approval) reserves its
/// estimated use on every budget and rate limit in its scope, atomically: if any has no room,
/// nothing is held and the request is denied (`budget_exceeded`, `rate_limited`). A completion
/// with the same `request_id` settles the reservation at the actual use; a reservation never
/// settled is released after the policy's `usage.reservation_timeout`. Safe to call from many
/// threads; as exact across processes and hosts as the store is.
public final class UsageMeter: Sendable {
    /// The plan that decides everything but usage.
    public let plan: Plan
    /// Where usage is kept.
    public let store: any UsageStore
    let limits: [MeteredLimit]
    /// Whether some condition reads `budget.used` or `budget.exceeded` (then they come from the store).
    let readsBudgetFields: Bool
    let clock: @Sendable () -> Int
    let options: Options
    /// Per model: the output tokens reserved without `max_tokens` (its estimate, the policy's,
    /// or its context window), worked out once.
    let outputEstimates: [Int?]

    /// The most tokens one request may state (`tokens_in`, `tokens_out`, `max_tokens`,
    /// `context_tokens`) when it is metered: a billion. More is refused as `invalid_request`.
    public static let maximumTokens = 1_000_000_000

    /// How a meter treats time.
    public struct Options: Sendable {
        /// How far, in seconds, a request's `timestamp` may be from the clock; further is
        /// `invalid_request`. A timestamp chooses the period a request is charged to and when
        /// reservations expire, so a client that could send any would release everyone's
        /// reservations or charge a period already over. 300 by default; nil accepts any
        /// timestamp, for replays and tests (`policyc eval --replay`, `policyc test`).
        public var timestampTolerance: Int?

        /// The defaults: timestamps within five minutes of the clock.
        public init(timestampTolerance: Int? = 300) {
            self.timestampTolerance = timestampTolerance
        }
    }

    /// Meters `plan`'s budgets and rate limits in `store`.
    /// - Parameter clock: seconds since the epoch, for requests without a `timestamp`.
    /// - Throws: ``PlanError`` when a budget or rate limit names an alert the policy lacks.
    public init(plan: Plan, store: any UsageStore, options: Options = Options(),
                clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) throws(PlanError) {
        self.plan = plan
        self.store = store
        self.options = options
        self.clock = clock
        self.limits = try MeteredLimit.all(plan)
        self.outputEstimates = plan.compiled.models.map {
            $0.outputEstimateTokens ?? plan.compiled.usage.outputEstimateTokens ?? $0.contextTokens
        }
        let budgetFields: Set<String> = [RequestField.budgetUsed.path, RequestField.budgetExceeded.path]
        let conditions = plan.compiled.rules.map(\.condition) + plan.compiled.alerts.map(\.condition)
            + plan.compiled.playbooks.map(\.trigger)
        self.readsBudgetFields = conditions.contains { $0.fields.contains(where: budgetFields.contains) }
    }

    /// Whether the policy declares any budget or rate limit.
    public var isMetering: Bool { !limits.isEmpty }

    /// Decides a request given as JSON; a request that cannot be read is denied with
    /// `invalid_request`, and reserves nothing.
    public func evaluate(json: [UInt8]) -> Decision {
        do {
            return evaluate(try RequestReader.read(json))
        } catch {
            return plan.invalidRequest(error.description)
        }
    }

    /// Decides one request, reserving or settling its use.
    public func evaluate(_ request: Request) -> Decision {
        decide(request) { plan.evaluate($0) }
    }

    /// Decides one request and records how the plan decided (for `policyc test` coverage).
    public func evaluate(_ request: Request, trace: inout EvaluationTrace) -> Decision {
        decide(request) { plan.evaluate($0, trace: &trace) }
    }

    /// The meter a budget or rate limit keeps for the request's member, when the request is in
    /// its scope: where `policyc test` puts the prior use a test states.
    public func meter(named name: String, for request: Request) -> Meter? {
        guard let limit = limits.first(where: { $0.name == name }) else { return nil }
        let member = limit.member(of: request)
        guard let member, limit.member == nil || limit.member == member else { return nil }
        return limit.meter(for: member)
    }

    private func decide(_ request: Request, _ evaluatePlan: (Request) -> Decision) -> Decision {
        guard !limits.isEmpty else { return evaluatePlan(request) }
        // With a store, the store's numbers are the truth: the request's own are never read.
        // (Cleared on a copy only when the request states them: copying a request costs more
        // than everything else metering does.)
        if request.budgetUsedPercent != nil || request.budgetExceeded != nil {
            var cleared = request
            cleared.budgetUsedPercent = nil
            cleared.budgetExceeded = nil
            return decide(cleared, evaluatePlan)
        }
        let now: Int
        if let stated = request.timestamp?.secondsSinceEpoch {
            now = stated
            if let tolerance = options.timestampTolerance {
                let clockNow = clock()
                guard abs(now - clockNow) <= tolerance else {
                    return plan.invalidRequest("`timestamp` is \(abs(now - clockNow)) s from the clock; a metered request's time must be within \(tolerance) s")
                }
            }
        } else {
            now = clock()
        }
        if let problem = tokenProblem(request) { return plan.invalidRequest(problem) }
        if request.requestID?.isEmpty == true { return plan.invalidRequest("`request_id` must not be empty") }
        if request.action == .completion {
            guard let requestID = request.requestID else {
                return plan.invalidRequest("`request_id` is required: a completion settles the reservation its request made under that id")
            }
            return settle(request, requestID, at: now, evaluatePlan)
        }
        let modelSlot = request.model.flatMap { plan.modelIndex[$0] }
        let estimate = estimatedCost(request, modelSlot)
        let charges: [MeterCharge]
        switch self.charges(request, modelSlot, estimate: estimate) {
        case .success(let found): charges = found
        case .failure(let problem): return plan.invalidRequest(problem.message)
        }
        guard !charges.isEmpty else { return evaluatePlan(request) }
        var decision: Decision
        if readsBudgetFields {
            do {
                let used = try store.used(charges.map(\.meter), at: now)
                var percent = 0
                var exceeded = false
                for (index, charge) in charges.enumerated() where limits[limitIndex(charge.meter)].kind == .budget {
                    // Whole percent, rounded down, in integers (saturating: a use far past the limit is "a lot").
                    let (hundredfold, overflow) = used[index].multipliedReportingOverflow(by: 100)
                    percent = max(percent, overflow ? Int.max : hundredfold / charge.limit)
                    exceeded = exceeded || used[index] > charge.limit - charge.amount
                }
                var withBudget = request
                withBudget.budgetUsedPercent = percent
                withBudget.budgetExceeded = exceeded
                decision = evaluatePlan(withBudget)
            } catch {
                guard plan.compiled.usage.failOpen else { return unavailable(evaluatePlan(request), error, estimate) }
                decision = evaluatePlan(request)
            }
        } else {
            decision = evaluatePlan(request)
        }
        guard decision.outcome != .deny else {
            decision.usage = UsageSummary(cost: estimate, reserved: 0)
            return decision
        }
        // A request that names no id holds request counts only (anything else needs one), which
        // nothing settles: it gets an id of its own.
        let reservation = ReservationRequest(
            requestID: request.requestID ?? "~" + UUID().uuidString, time: now, expiresAt: now + plan.compiled.usage.reservationTimeoutSeconds,
            charges: charges, attribution: attribution(request, modelSlot))
        let result: ReservationResult
        do {
            result = try store.reserve(reservation)
        } catch {
            // The policy's decision is made already; only the usage part failed.
            guard plan.compiled.usage.failOpen else { return unavailable(decision, error, estimate) }
            decision.usage = UsageSummary(cost: estimate, reserved: 0, storeUnavailable: true)
            return decision
        }
        apply(result, charges, request, estimate, at: now, to: &decision)
        return decision
    }

    /// Adds the reservation's outcome to the decision: refusals, crossings' alerts, usage.
    private func apply(_ result: ReservationResult, _ charges: [MeterCharge], _ request: Request,
                       _ estimate: Int, at now: Int, to decision: inout Decision) {
        let holds = result.status == .reserved
        var statuses: (budgets: [MeterStatus], rates: [MeterStatus]) = ([], [])
        for (index, charge) in charges.enumerated() {
            let limit = limitIndex(charge.meter)
            let status = status(limit, charge.meter, used: result.usedBefore[index] + (holds ? charge.amount : 0), at: now)
            if limits[limit].kind == .budget { statuses.budgets.append(status) } else { statuses.rates.append(status) }
        }
        var retryAfter: Int?
        var everRetries = true
        for (position, index) in result.refused.enumerated() {
            let limit = limits[limitIndex(charges[index].meter)]
            let used = result.usedBefore[index]
            if limit.kind == .budget {
                // A budget that refuses has no room until its period ends: no time to retry at.
                everRetries = false
                decision.reasons.append(Reason(
                    code: .budgetExceeded, rule: "budget:" + limit.name,
                    message: "budget `\(limit.name)` has \(UsageMeter.describe(max(0, limit.limit - used), limit.unit)) left of "
                        + "\(UsageMeter.describe(limit.limit, limit.unit)); this request needs \(UsageMeter.describe(charges[index].amount, limit.unit))",
                    source: limit.source))
            } else {
                let delay = result.retryAfter[position]
                decision.reasons.append(Reason(
                    code: .rateLimited, rule: "rate_limit:" + limit.name,
                    message: "rate limit `\(limit.name)` allows \(UsageMeter.describe(limit.limit, limit.unit)) per "
                        + "\(UsageMeter.describeWindow(limit.window))" + (delay.map { "; retry in \($0) s" } ?? ""),
                    source: limit.source))
                if let delay { retryAfter = max(retryAfter ?? 0, delay) } else { everRetries = false }
            }
        }
        if !result.refused.isEmpty {
            decision.outcome = .deny
            decision.retryAfterSeconds = everRetries ? retryAfter : nil
        }
        if result.status == .duplicate {
            // A repeated id holds nothing more; letting it through would let any request reuse
            // another's reservation (and its completion settle someone else's).
            decision.outcome = .deny
            decision.reasons.append(Reason(code: .invalidRequest, rule: "request",
                                           message: "`request_id` `\(Plan.shown(request.requestID ?? ""))` was already used: each request needs an id of its own",
                                           source: ""))
        }
        for crossing in result.crossings {
            for alertIndex in limits[limitIndex(charges[crossing.charge].meter)].alerts {
                let alert = plan.alerts[alertIndex].alert
                guard !decision.alerts.contains(where: { $0.name == alert.name }) else { continue }
                decision.alerts.append(RaisedAlert(name: alert.name, severity: alert.severity, actions: alert.actions))
            }
        }
        let moneyHeld = holds && charges.contains { $0.unit == .usdMicros } ? estimate : 0
        decision.usage = UsageSummary(cost: estimate, reserved: result.status == .reserved ? moneyHeld : 0,
                                      budgets: statuses.budgets, rateLimits: statuses.rates)
    }

    /// Where one meter stands.
    private func status(_ limitIndex: Int, _ meter: Meter, used: Int, at now: Int) -> MeterStatus {
        let limit = limits[limitIndex]
        return MeterStatus(name: limit.name, scope: limit.scope, key: meter.member, unit: limit.unit, used: used, limit: limit.limit, periodEnd: limit.window.periodEnd(at: now))
    }

    /// A completion: decided by the policy's response stage, and its reservation settled at
    /// what it actually used, whatever the decision (the tokens were spent).
    private func settle(_ request: Request, _ requestID: String, at now: Int, _ evaluatePlan: (Request) -> Decision) -> Decision {
        let modelSlot = request.model.flatMap { plan.modelIndex[$0] }
        // What a completion reports is what is charged: it must say it, not leave it at zero.
        guard let tokensIn = request.tokensIn, let tokensOut = request.tokensOut else {
            return plan.invalidRequest("`tokens_in` and `tokens_out` are required: a completion is charged what it used")
        }
        guard modelSlot != nil else {
            return plan.invalidRequest("a completion names the model that answered (one the policy declares): it is charged at its prices")
        }
        var decision = evaluatePlan(request)
        let cost = plan.cost(tokensIn: tokensIn, tokensOut: tokensOut, modelSlot: modelSlot)
        let settlement = SettlementRequest(requestID: requestID, time: now, costMicros: cost, tokensIn: tokensIn,
                                           tokensOut: tokensOut, model: modelSlot.map { plan.compiled.models[$0].id })
        // Where the budgets stand once settled (the guide's CostReport: totals and what
        // remains), for the meters the completion's identity is in: read in the same step.
        let meters = self.meters(request)
        do {
            let settled = try store.settle(settlement, reading: meters)
            var summary = UsageSummary(cost: cost, reserved: 0, settlement: settled.result)
            for (index, meter) in meters.enumerated() {
                let limit = limitIndex(meter)
                let status = status(limit, meter, used: settled.used[index], at: now)
                if limits[limit].kind == .budget { summary.budgets.append(status) } else { summary.rateLimits.append(status) }
            }
            decision.usage = summary
        } catch {
            // The completion is decided either way; failing closed, the gateway must send it again
            // to charge it.
            guard plan.compiled.usage.failOpen else { return unavailable(decision, error, cost) }
            decision.usage = UsageSummary(cost: cost, reserved: 0, storeUnavailable: true)
        }
        return decision
    }

    /// Calls `body` with each budget or rate limit the request is in the scope of (by index) and
    /// the request's member of that scope.
    /// - Throws: when a limit counts a scope whose member the request does not name.
    private func forEachLimitInScope(of request: Request, _ body: (Int, String) throws(UsageStoreError) -> Void) throws(UsageStoreError) {
        for index in limits.indices {
            let limit = limits[index]
            let member = limit.member(of: request)
            if let wanted = limit.member {
                guard member == wanted else { continue }
            }
            guard let member else {
                throw UsageStoreError("`\(limit.scope.memberInput?.rawValue ?? "")` is required: \(limit.what) `\(limit.name)` counts each \(limit.scope.rawValue) separately")
            }
            try body(index, member)
        }
    }

    /// The charges a request would hold on the budgets and rate limits in its scope, in the
    /// policy's order, or why the request cannot be metered.
    private func charges(_ request: Request, _ modelSlot: Int?, estimate: Int) -> Result<[MeterCharge], UsageStoreError> {
        var charges: [MeterCharge] = []
        charges.reserveCapacity(limits.count)
        // Worked out once, when the first limit that needs it is met.
        var tokens: Int?
        do throws(UsageStoreError) {
            try forEachLimitInScope(of: request) { (index: Int, member: String) throws(UsageStoreError) in
                let limit = limits[index]
                let amount: Int
                switch limit.unit {
                case .requests: amount = 1
                case .tokens, .usdMicros:
                    guard request.requestID != nil else {
                        throw UsageStoreError("`request_id` is required: \(limit.what) `\(limit.name)` reserves the request's use until its completion settles it")
                    }
                    if tokens == nil {
                        guard let input = request.tokensIn ?? request.contextTokens else {
                            throw UsageStoreError("`tokens_in` or `context_tokens` is required: \(limit.what) `\(limit.name)` reserves the input")
                        }
                        guard let output = outputEstimate(request, modelSlot) else {
                            throw UsageStoreError("`max_tokens` is required: \(limit.what) `\(limit.name)` reserves the output, and neither the model nor the policy declares an `output_estimate`")
                        }
                        tokens = input + output
                    }
                    amount = limit.unit == .tokens ? tokens! : estimate
                }
                charges.append(MeterCharge(meter: limit.meter(for: member), unit: limit.unit, limit: limit.limit, amount: amount,
                                           thresholds: limit.thresholds))
            }
        } catch {
            return .failure(error)
        }
        return .success(charges)
    }

    /// The meters of the budgets and rate limits in a request's scope, in the policy's order;
    /// none when the request does not name every member they count.
    private func meters(_ request: Request) -> [Meter] {
        var meters: [Meter] = []
        meters.reserveCapacity(limits.count)
        do {
            try forEachLimitInScope(of: request) { (index: Int, member: String) in meters.append(limits[index].meter(for: member)) }
        } catch {
            return []
        }
        return meters
    }

    /// The index of the budget or rate limit a meter of this meter's is of (a charge does not
    /// carry it: the few limits are compared by their key's hash).
    private func limitIndex(_ meter: Meter) -> Int {
        for index in limits.indices where limits[index].keyPrefixHash == meter.limitHash && limits[index].keyPrefix == meter.limit {
            return index
        }
        preconditionFailure("a meter the usage meter made is of one of its limits")
    }

    /// Output tokens to reserve: `max_tokens`, else the model's estimate, else the policy's,
    /// else the model's context window (the most it could answer); nil when none is known.
    func outputEstimate(_ request: Request, _ modelSlot: Int?) -> Int? {
        request.maxTokens ?? (modelSlot.map { outputEstimates[$0] } ?? plan.compiled.usage.outputEstimateTokens)
    }

    /// The estimated cost: input (`tokens_in`, else `context_tokens`) and the output estimate at
    /// the model's prices.
    func estimatedCost(_ request: Request, _ modelSlot: Int?) -> Int {
        plan.cost(tokensIn: request.tokensIn ?? request.contextTokens, tokensOut: outputEstimate(request, modelSlot) ?? 0,
                  modelSlot: modelSlot)
    }

    private func attribution(_ request: Request, _ modelSlot: Int?) -> UsageAttribution {
        UsageAttribution(user: request.userID, team: request.team, department: request.department, role: request.role,
                         model: modelSlot.map { plan.compiled.models[$0].id } ?? request.model, feature: request.feature)
    }

    /// Why a request's token counts cannot be metered, if they cannot (written out, not as a
    /// list: this runs for every metered request).
    private func tokenProblem(_ request: Request) -> String? {
        func above(_ count: Int?) -> Bool { (count ?? 0) > UsageMeter.maximumTokens }
        let name = above(request.tokensIn) ? "tokens_in" : above(request.tokensOut) ? "tokens_out"
            : above(request.maxTokens) ? "max_tokens" : above(request.contextTokens) ? "context_tokens" : nil
        return name.map { "`\($0)` is above \(UsageMeter.maximumTokens), the most a metered request may state" }
    }

    /// The decision when the store failed and budgets fail closed.
    private func unavailable(_ policyDecision: Decision, _ error: UsageStoreError, _ estimate: Int) -> Decision {
        var decision = policyDecision
        decision.outcome = .deny
        decision.reasons.append(Reason(code: .budgetUnavailable, rule: "usage",
                                       message: "the usage store is unavailable (\(error.message)); budgets fail closed", source: ""))
        decision.usage = UsageSummary(cost: estimate, reserved: 0, storeUnavailable: true)
        return decision
    }


    /// `$12.50`, `40000 tokens`, `60 requests`.
    static func describe(_ amount: Int, _ unit: UsageUnit) -> String {
        switch unit {
        case .usdMicros: return MicroDollars.text(amount)
        case .tokens: return "\(amount) tokens"
        case .requests: return amount == 1 ? "1 request" : "\(amount) requests"
        }
    }

    /// `minute`, `hour`, `30 days`, `90 s`.
    static func describeWindow(_ window: UsageWindow) -> String {
        switch window {
        case .calendar(let period): return period.rawValue
        case .rolling(let seconds):
            switch seconds {
            case 1: return "second"
            case 60: return "minute"
            case 3_600: return "hour"
            case 86_400: return "day"
            case let seconds where seconds % 86_400 == 0: return "\(seconds / 86_400) days"
            case let seconds where seconds % 3_600 == 0: return "\(seconds / 3_600) hours"
            case let seconds where seconds % 60 == 0: return "\(seconds / 60) minutes"
            default: return "\(seconds) s"
            }
        }
    }
}
