/// Fixed words of the policy language and the decision format.
public enum Vocabulary {
    /// Audit levels, least to most detailed.
    public static let auditLevels = ["standard", "detailed", "comprehensive"]
    /// Alert and incident severities, least to most severe.
    public static let severities = ["low", "medium", "high", "critical"]
    /// Incident types every policy knows; policies may declare more with `incidents`.
    public static let builtinIncidentTypes = ["data_exfiltration", "prompt_injection", "unusual_access"]
    /// Request actions (`request.action`).
    public static let requestActions = ["prompt", "completion", "file_edit", "command_execution"]
    /// Reason codes a decision may report.
    public static let reasonCodes = [
        "unknown_role", "model_not_allowed", "feature_not_allowed", "context_limit_exceeded",
        "blocked_pattern", "sensitive_data", "approval_required", "prompt_injection",
        "data_exfiltration", "invalid_request", "rule",
    ]
    /// How prompts and responses may be logged.
    public static let logModes = ["full", "redacted", "none"]
    /// Budget scopes.
    public static let budgetScopes = ["user", "team", "department", "organization"]
    /// Calendar budget periods and their length in seconds (a month is 30 days, a year 365).
    public static let budgetPeriods: [(name: String, seconds: Int)] = [
        ("daily", 86_400), ("weekly", 604_800), ("monthly", 2_592_000), ("quarterly", 7_776_000),
        ("yearly", 31_536_000),
    ]
    /// Record kinds a retention block may set.
    public static let retentionKinds = ["audit_logs", "prompts", "responses", "usage_records"]
    /// Internal host suffixes every policy has; `internal_domains` adds more.
    public static let defaultInternalDomains = [".internal", ".local", ".corp", ".lan", ".intranet", ".localdomain"]
}
