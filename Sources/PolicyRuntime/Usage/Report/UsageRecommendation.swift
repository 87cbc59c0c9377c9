/// Something the report's numbers suggest doing, with what it would have saved and the figures
/// it rests on. Computed from the records and the policy (``UsageRecommendation/all(_:_:budgets:from:to:)``),
/// never a fixed text: the message is made from the evidence.
public struct UsageRecommendation: Sendable, Equatable {
    /// The kinds of advice.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Requests ran on a model that a cheaper model the role may also use could have answered.
        case cheaperModel = "cheaper_model"
        /// Members of a budget used over 90% of it in one of its periods.
        case budgetNearlySpent = "budget_nearly_spent"
        /// No member used even 10% of a budget in any of its periods: the limit is far above use.
        case budgetOversized = "budget_oversized"
    }

    /// The figures behind the advice.
    public enum Evidence: Sendable, Equatable {
        /// A group of requests of one role, feature and model, and the cheapest alternative.
        case cheaperModel(CheaperModelEvidence)
        /// A budget and the members whose use is cited.
        case budget(BudgetSizeEvidence)
    }

    /// What kind of advice.
    public var kind: Kind
    /// Micro-dollars the advice would have saved over the report's period; nil for advice on a
    /// budget's size, which changes a limit, not what was spent.
    public var savingMicros: Int?
    /// One line, made from the evidence (names and figures, never request text).
    public var message: String
    /// The figures.
    public var evidence: Evidence

    /// Creates a recommendation.
    public init(kind: Kind, savingMicros: Int?, message: String, evidence: Evidence) {
        self.kind = kind
        self.savingMicros = savingMicros
        self.message = message
        self.evidence = evidence
    }
}
