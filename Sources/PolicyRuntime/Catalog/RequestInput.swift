/// The request format's fields (docs/runtime.md, "Request format"): the one table the request
/// reader, the test blocks of the language and the docs derive from.
///
/// Each case is one JSON value a request may carry. Condition fields (``RequestField``) are
/// read from these, or computed from them (`request.cost`, `request.hour`).
public enum RequestInput: String, CaseIterable, Sendable {
    case userID = "user.id"
    case role = "user.role"
    case team = "user.team"
    case department = "user.department"
    case sessionID = "session_id"
    case requestID = "request_id"
    case action
    case model
    case feature
    case contextTokens = "context_tokens"
    case tokensIn = "tokens_in"
    case tokensOut = "tokens_out"
    case maxTokens = "max_tokens"
    case prompt
    case system
    case messages
    case response
    case operations
    case filesAccessed = "files_accessed"
    case filesModified = "files_modified"
    case ipAddress = "ip_address"
    case userAgent = "user_agent"
    case timestamp
    case budgetUsedPercent = "budget.used_percent"
    case budgetExceeded = "budget.exceeded"

    /// The kinds of JSON value a request field holds.
    public enum ValueType: String, Sendable {
        /// A string.
        case string
        /// A string naming something the policy declares (a role, a feature).
        case name
        /// One of ``RequestAction``'s words.
        case action
        /// A whole number ≥ 0.
        case count
        /// A whole number of percent ≥ 0.
        case percent
        /// `true` or `false`.
        case bool
        /// A string that scanners read.
        case text
        /// The chat messages.
        case messages
        /// A string or a list of content blocks (Anthropic's `system`).
        case blocks
        /// A list of strings naming declared operations.
        case names
        /// A list of strings.
        case strings
        /// An RFC 3339 date and time.
        case timestamp
    }

    /// The object the field sits in (`user`, `budget`), or nil at the top level.
    public var object: String? {
        let parts = rawValue.split(separator: ".")
        return parts.count == 2 ? String(parts[0]) : nil
    }

    /// The field's key within its object (or at the top level).
    public var key: String { String(rawValue.split(separator: ".").last!) }

    /// The kind of value.
    public var type: ValueType {
        switch self {
        case .userID, .team, .department, .sessionID, .requestID, .model, .ipAddress, .userAgent: return .string
        case .role, .feature: return .name
        case .action: return .action
        case .contextTokens, .tokensIn, .tokensOut, .maxTokens: return .count
        case .budgetUsedPercent: return .percent
        case .budgetExceeded: return .bool
        case .prompt, .response: return .text
        case .messages: return .messages
        case .system: return .blocks
        case .operations: return .names
        case .filesAccessed, .filesModified: return .strings
        case .timestamp: return .timestamp
        }
    }

    /// The property a `test` block of the language sets it with.
    public var testProperty: String {
        switch self {
        case .userID: return "user"
        case .role: return "role"
        case .sessionID: return "session"
        case .budgetUsedPercent: return "budget_used"
        case .budgetExceeded: return "budget_exceeded"
        default: return key
        }
    }

    /// One line for people (the docs' table).
    public var summary: String {
        switch self {
        case .userID: return "the user's id"
        case .role: return "the user's role"
        case .team: return "the user's team"
        case .department: return "the user's department"
        case .sessionID: return "the session"
        case .requestID: return "the gateway's id for the request; a completion with the same id settles its reservation"
        case .action: return "what the request is; absent means `prompt`"
        case .model: return "model id or alias"
        case .feature: return "the feature in use"
        case .contextTokens: return "the context size in tokens"
        case .tokensIn: return "input tokens"
        case .tokensOut: return "output tokens"
        case .maxTokens: return "the most output tokens the model may return; reserved against budgets"
        case .prompt: return "the prompt text"
        case .system: return "the system prompt: a string or a list of content blocks (Anthropic's `system`); every string in it is scanned"
        case .messages: return "the chat messages; every string in them is scanned"
        case .response: return "a model's output, for response validation"
        case .operations: return "operations the request performs, each declared by the policy"
        case .filesAccessed: return "files read"
        case .filesModified: return "files written"
        case .ipAddress: return "the client's address"
        case .userAgent: return "the client's user agent"
        case .timestamp: return "when the request was made; gives `request.hour` and `request.weekday` (UTC)"
        case .budgetUsedPercent: return "the tightest applicable budget's use, for gateways that keep their own usage store"
        case .budgetExceeded: return "whether an applicable budget is exhausted, for gateways that keep their own usage store"
        }
    }

    /// The objects that group fields (`user`, `budget`), in table order.
    public static var objects: [String] {
        var seen: [String] = []
        for input in allCases { if let object = input.object, !seen.contains(object) { seen.append(object) } }
        return seen
    }
}
