/// Whose spending a budget limits.
public enum BudgetScope: String, ClosedVocabulary {
    case user, team, department, organization

    /// `budget scope`
    public static let vocabularyName = "budget scope"
}
