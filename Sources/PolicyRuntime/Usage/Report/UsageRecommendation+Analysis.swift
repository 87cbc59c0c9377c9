/// How recommendations are found (docs/runtime.md, "Usage reports"): each analysis reads the
/// records and the policy and states its figures; the thresholds are here and nowhere else.
extension UsageRecommendation {
    /// Advice that would have saved less than this over the period is left out: $1.
    public static let minimumSavingMicros = 1_000_000
    /// A budget whose member used more than this share of it in one period is nearly spent.
    public static let nearlySpentPercent = 90
    /// A budget no member used this share of in any period is oversized.
    public static let oversizedPercent = 10
    /// Members named in one message at most; the evidence lists all.
    static let membersInMessage = 5

    /// Every recommendation, savings first (largest first), then advice on budgets' sizes in the
    /// policy's order.
    /// - Parameters:
    ///   - records: the settled requests of the report's period.
    ///   - budgets: the report's ``BudgetUse``s.
    static func all(_ records: [UsageRecord], _ policy: CompiledPolicy, budgets: [BudgetUse], from: Int, to: Int) -> [UsageRecommendation] {
        let found = cheaperModels(records, policy) + budgetSizes(policy, budgets, from: from, to: to)
        // Sorted by saving with the index as the last key, so equal savings keep the order found.
        return found.enumerated().sorted { left, right in
            let (a, b) = (left.element.savingMicros ?? -1, right.element.savingMicros ?? -1)
            return a != b ? a > b : left.offset < right.offset
        }.map(\.element)
    }

    // MARK: A cheaper model the role may also use

    private struct GroupKey: Hashable {
        var role: String
        var feature: String?
        var model: String
    }

    /// For each role, feature and model the requests ran on: the model the role may also use
    /// that would have cost least for exactly their tokens, when that saves at least
    /// ``minimumSavingMicros``. A model is a candidate when both its token prices are declared
    /// (a subscription is not priced per token) and its context window, when declared, holds
    /// every one of the requests' tokens in and out. A request without a role, or whose role or
    /// model the policy does not know, gets no advice.
    static func cheaperModels(_ records: [UsageRecord], _ policy: CompiledPolicy) -> [UsageRecommendation] {
        var modelIndex: [String: Int] = [:]
        for (index, model) in policy.models.enumerated() {
            for name in [model.id] + model.aliases where modelIndex[name] == nil { modelIndex[name] = index }
        }
        var groups: [GroupKey: [UsageRecord]] = [:]
        for record in records {
            guard let role = record.attribution.role, let model = record.attribution.model else { continue }
            groups[GroupKey(role: role, feature: record.attribution.feature, model: model), default: []].append(record)
        }
        var found: [(key: GroupKey, recommendation: UsageRecommendation)] = []
        for (key, group) in groups {
            guard let role = policy.roles.first(where: { $0.name == key.role }), let current = modelIndex[key.model] else { continue }
            var tally = UsageTally()
            for record in group { tally.add(record) }
            let largest = group.map { $0.tokensIn &+ $0.tokensOut }.max() ?? 0
            var best: (model: String, cost: Int)?
            for candidate in Set(role.models.compactMap { modelIndex[$0] }) where candidate != current {
                let model = policy.models[candidate]
                guard let price = model.price, price.pricesEveryToken, (model.contextTokens ?? Int.max) >= largest else { continue }
                var cost = 0
                for record in group { cost = UsageTally.sum(cost, price.cost(tokensIn: record.tokensIn, tokensOut: record.tokensOut)) }
                if best.map({ cost < $0.cost || (cost == $0.cost && UsageReport.precedes(model.id, $0.model)) }) ?? true {
                    best = (model.id, cost)
                }
            }
            guard let best else { continue }
            let saving = UsageTally.sum(tally.costMicros, -best.cost)
            guard saving >= minimumSavingMicros else { continue }
            let evidence = CheaperModelEvidence(role: key.role, feature: key.feature, model: key.model, alternative: best.model,
                                                tally: tally, alternativeCostMicros: best.cost)
            found.append((key, UsageRecommendation(kind: .cheaperModel, savingMicros: saving, message: message(evidence),
                                                   evidence: .cheaperModel(evidence))))
        }
        // Dictionary order is random: a fixed order first, the saving sorts them later.
        return found.sorted { left, right in
            let (a, b) = (left.key, right.key)
            if a.role != b.role { return UsageReport.precedes(a.role, b.role) }
            if a.feature != b.feature { return UsageReport.precedes(a.feature ?? "", b.feature ?? "") }
            return UsageReport.precedes(a.model, b.model)
        }.map(\.recommendation)
    }

    private static func message(_ evidence: CheaperModelEvidence) -> String {
        let tally = evidence.tally
        return "role `\(evidence.role)` used `\(evidence.model)`" + (evidence.feature.map { " for `\($0)`" } ?? "")
            + ": \(tally.requests) \(tally.requests == 1 ? "request" : "requests"), \(tally.tokensIn) tokens in and "
            + "\(tally.tokensOut) out, \(MicroDollars.text(tally.costMicros)); `\(evidence.alternative)`, which the role may also "
            + "use, would have cost \(MicroDollars.text(evidence.alternativeCostMicros))"
    }

    // MARK: A budget's size

    /// For each budget: its members whose use in one of its periods went over
    /// ``nearlySpentPercent`` of the limit; or, when none did and the report covers at least one
    /// whole period of it (a period just begun says nothing), the fact that no member reached
    /// ``oversizedPercent``.
    static func budgetSizes(_ policy: CompiledPolicy, _ uses: [BudgetUse], from: Int, to: Int) -> [UsageRecommendation] {
        var found: [UsageRecommendation] = []
        for budget in policy.budgets {
            let members = uses.filter { $0.status.name == budget.name }
            guard !members.isEmpty else { continue }
            let nearlySpent = members.filter { Proportion.exceeds($0.peakUsed, percent: nearlySpentPercent, of: budget.limit) }
                .sorted { $0.peakUsed != $1.peakUsed ? $0.peakUsed > $1.peakUsed : UsageReport.precedes($0.status.key, $1.status.key) }
            if !nearlySpent.isEmpty {
                let evidence = BudgetSizeEvidence(budget: budget.name, membersSeen: members.count, members: nearlySpent)
                let cited = nearlySpent.prefix(membersInMessage).map { use in
                    "\(who(use)) \(BudgetUse.percent(use.peakUsed, of: budget.limit))%"
                        + (use.peakPeriodStart.map { start in " from \(UsageReport.moment(start))" } ?? "")
                }
                let more = nearlySpent.count > membersInMessage ? " and \(nearlySpent.count - membersInMessage) more" : ""
                found.append(UsageRecommendation(
                    kind: .budgetNearlySpent, savingMicros: nil,
                    message: "budget `\(budget.name)` (\(describe(budget))): \(nearlySpent.count) of \(members.count) "
                        + "\(members.count == 1 ? "member" : "members") used over \(nearlySpentPercent)% of it in one period: "
                        + cited.joined(separator: ", ") + more + "; raise the limit, or move that work to a cheaper model",
                    evidence: .budget(evidence)))
                continue
            }
            guard coversWholePeriod(budget.window, from: from, to: to),
                  members.allSatisfy({ Proportion.isBelow($0.peakUsed, percent: oversizedPercent, of: budget.limit) }),
                  let most = members.max(by: { $0.peakUsed < $1.peakUsed }) else { continue }
            let evidence = BudgetSizeEvidence(budget: budget.name, membersSeen: members.count, members: [most])
            found.append(UsageRecommendation(
                kind: .budgetOversized, savingMicros: nil,
                message: "budget `\(budget.name)` (\(describe(budget))): the most used in one period was "
                    + "\(UsageMeter.describe(most.peakUsed, budget.unit)) (\(BudgetUse.percent(most.peakUsed, of: budget.limit))%)"
                    + (most.peakPeriodStart.map { ", by \(who(most)) from \(UsageReport.moment($0))" } ?? "")
                    + "; no member reached \(oversizedPercent)% of it: lower the limit toward its use",
                evidence: .budget(evidence)))
        }
        return found
    }

    /// Whether `[from, to)` holds at least one whole period (or rolling window) of the budget.
    private static func coversWholePeriod(_ window: UsageWindow, from: Int, to: Int) -> Bool {
        switch window {
        case .rolling(let seconds): return to - from >= seconds
        case .calendar:
            let bucket = window.bucket(at: from)
            let first = window.start(ofBucket: bucket) == from ? bucket : bucket + 1
            return window.start(ofBucket: first + 1) <= to
        }
    }

    /// `$25.00 daily, each user`, `500000000 tokens per 30 days, department engineering`.
    private static func describe(_ budget: CompiledBudget) -> String {
        let whom = budget.member.map { "\(budget.scope.rawValue) \($0)" }
            ?? (budget.scope == .organization ? "the organization" : "each \(budget.scope.rawValue)")
        let period: String
        switch budget.window {
        case .calendar(let name): period = name.rawValue
        case .rolling: period = "per " + UsageMeter.describeWindow(budget.window)
        }
        return "\(UsageMeter.describe(budget.limit, budget.unit)) \(period), \(whom)"
    }

    private static func who(_ use: BudgetUse) -> String {
        use.status.key.isEmpty ? "the organization" : use.status.key
    }
}
