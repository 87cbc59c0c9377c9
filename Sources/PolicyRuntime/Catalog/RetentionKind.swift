/// The kinds of record a retention block sets a period for.
public enum RetentionKind: String, ClosedVocabulary {
    case auditLogs = "audit_logs"
    case prompts
    case responses
    case usageRecords = "usage_records"

    /// `record kind`
    public static let vocabularyName = "record kind"
}
