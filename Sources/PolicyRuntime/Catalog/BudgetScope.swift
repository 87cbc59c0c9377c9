/// Whose use a budget or a rate limit counts: each user, team, department or role separately
/// (or the one member named), or the whole organization together.
public enum BudgetScope: String, ClosedVocabulary {
    case user, team, department, role, organization

    /// `budget scope`
    public static let vocabularyName = "budget scope"
}
