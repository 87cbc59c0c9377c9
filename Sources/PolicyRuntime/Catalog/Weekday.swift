/// A day of the week (ISO 8601: Monday first), as `request.weekday` gives it in UTC.
public enum Weekday: String, ClosedVocabulary {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// `weekday`
    public static let vocabularyName = "weekday"
}
