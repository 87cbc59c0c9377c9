/// How much of a request the audit trail keeps, least to most detailed.
public enum AuditLevel: String, ClosedVocabulary {
    /// No prompt or response text, their digests and the detections only.
    case standard
    /// The redacted prompt as well.
    case detailed
    /// The redacted prompt and response.
    case comprehensive

    /// `audit level`
    public static let vocabularyName = "audit level"
}
