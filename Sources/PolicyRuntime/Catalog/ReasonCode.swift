/// Why a decision came out as it did: the `code` of each reason in a decision, and what a rule
/// or playbook may report. Each code carries the risk weight a denial for it adds.
public enum ReasonCode: String, ClosedVocabulary {
    /// The request names no role, or one the policy does not declare.
    case unknownRole = "unknown_role"
    /// The role may not use the model (or the request names none).
    case modelNotAllowed = "model_not_allowed"
    /// The role may not use the feature (or the request names none, or an undeclared one).
    case featureNotAllowed = "feature_not_allowed"
    /// `context_tokens` is above the role's limit, or missing when the role has one.
    case contextLimitExceeded = "context_limit_exceeded"
    /// The request lists an operation the policy does not declare.
    case unknownOperation = "unknown_operation"
    /// The prompt or a message contains a pattern the role blocks.
    case blockedPattern = "blocked_pattern"
    /// A rule found personal data, a secret or an internal address.
    case sensitiveData = "sensitive_data"
    /// An operation or a rule needs a person's approval.
    case approvalRequired = "approval_required"
    /// A prompt-injection attempt.
    case promptInjection = "prompt_injection"
    /// Data leaving through a model's output.
    case dataExfiltration = "data_exfiltration"
    /// The request could not be read.
    case invalidRequest = "invalid_request"
    /// Reserving the request's estimated cost would take a budget over its limit.
    case budgetExceeded = "budget_exceeded"
    /// A rate limit has no room for the request now; the decision says when to retry.
    case rateLimited = "rate_limited"
    /// The usage store could not be reached or refused to work, and budgets fail closed.
    case budgetUnavailable = "budget_unavailable"
    /// The decision's audit record could not be written, and auditing fails closed.
    case auditUnavailable = "audit_unavailable"
    /// A rule, alert or playbook of the policy decided.
    case rule

    /// `reason code`
    public static let vocabularyName = "reason code"

    /// Whether a decision given for this reason is a security event in the compliance report
    /// (docs/audit.md, "Reports"): every reason but waiting for an approval and spending.
    public var isSecurityEvent: Bool {
        switch self {
        case .approvalRequired, .budgetExceeded, .rateLimited, .budgetUnavailable: return false
        case .unknownRole, .modelNotAllowed, .featureNotAllowed, .contextLimitExceeded, .unknownOperation, .blockedPattern,
             .sensitiveData, .promptInjection, .dataExfiltration, .invalidRequest, .auditUnavailable, .rule: return true
        }
    }

    /// Risk, in whole percent, that a denial for this reason adds (docs/runtime.md, "Risk
    /// score"); findings add their own weight, so reasons that only report findings add none.
    public var riskWeight: Int {
        switch self {
        case .invalidRequest, .dataExfiltration: return 100
        case .promptInjection: return 90
        case .blockedPattern: return 60
        case .unknownRole, .unknownOperation: return 50
        case .modelNotAllowed, .featureNotAllowed, .contextLimitExceeded: return 30
        case .sensitiveData, .approvalRequired, .rule, .budgetExceeded, .rateLimited, .budgetUnavailable, .auditUnavailable: return 0
        }
    }
}
