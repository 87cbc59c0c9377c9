/// Fixed words of the policy language and the decision format, as lists of strings for the
/// checker's messages. Each list derives from its ``ClosedVocabulary`` enum, the one definition.
public enum Vocabulary {
    /// Audit levels, least to most detailed.
    public static let auditLevels = AuditLevel.words
    /// Incident types every policy knows; policies may declare more with `incidents`.
    public static let builtinIncidentTypes = ["data_exfiltration", "prompt_injection", "unusual_access"]
    /// Reason codes a decision may report.
    public static let reasonCodes = ReasonCode.words
    /// Calendar budget periods and their length in seconds (a month is 30 days, a year 365).
    public static let budgetPeriods: [(name: String, seconds: Int)] = CalendarPeriod.allCases.map { ($0.rawValue, $0.seconds) }
    /// Record kinds a retention block may set.
    public static let retentionKinds = RetentionKind.words
    /// Internal host suffixes every policy has; `internal_domains` adds more.
    public static let defaultInternalDomains = [".internal", ".local", ".corp", ".lan", ".intranet", ".localdomain"]
}
