/// A budget, how many members it counted in the report, and the ones the advice cites.
public struct BudgetSizeEvidence: Sendable, Equatable {
    /// The budget's name.
    public var budget: String
    /// Members the report counted for it.
    public var membersSeen: Int
    /// The members cited, with their peak use: those above the threshold for a nearly spent
    /// budget, the one that used the most for an oversized one.
    public var members: [BudgetUse]

    /// Creates the evidence.
    public init(budget: String, membersSeen: Int, members: [BudgetUse]) {
        self.budget = budget
        self.membersSeen = membersSeen
        self.members = members
    }
}
