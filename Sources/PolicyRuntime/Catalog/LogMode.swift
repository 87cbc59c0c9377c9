/// How prompts or responses are logged.
public enum LogMode: String, ClosedVocabulary {
    case full, redacted, none

    /// `log mode`
    public static let vocabularyName = "log mode"
}
