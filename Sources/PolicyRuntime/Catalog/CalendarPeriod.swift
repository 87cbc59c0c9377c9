/// A budget period written by its calendar name, with its length in seconds (a month is
/// 30 days and a year 365, as the compiled document's `period_seconds` states).
public enum CalendarPeriod: String, ClosedVocabulary {
    case daily, weekly, monthly, quarterly, yearly

    /// `budget period`
    public static let vocabularyName = "budget period"

    /// Length in seconds.
    public var seconds: Int {
        switch self {
        case .daily: return 86_400
        case .weekly: return 604_800
        case .monthly: return 2_592_000
        case .quarterly: return 7_776_000
        case .yearly: return 31_536_000
        }
    }
}
