/// The request fields conditions may read, with their types: the one table the checker types
/// conditions against, the planner resolves them with and evaluation reads (its switch over the
/// cases is exhaustive, so a field cannot be added without saying how it is read).
public enum RequestField: String, CaseIterable, Sendable {
    case userID = "user.id"
    case role = "user.role"
    case team = "user.team"
    case department = "user.department"
    case sessionID = "request.session_id"
    case action = "request.action"
    case model = "request.model"
    case feature = "request.feature"
    case contextTokens = "request.context_tokens"
    case tokensIn = "request.tokens_in"
    case tokensOut = "request.tokens_out"
    case cost = "request.cost"
    case operations = "request.operations"
    case filesAccessed = "request.files_accessed"
    case filesModified = "request.files_modified"
    case filesAccessedCount = "request.files_accessed.count"
    case filesModifiedCount = "request.files_modified.count"
    case ipAddress = "request.ip_address"
    case userAgent = "request.user_agent"
    case hour = "request.hour"
    case weekday = "request.weekday"
    case prompt
    case system
    case messages
    case response
    case budgetUsed = "budget.used"
    case budgetExceeded = "budget.exceeded"
    case riskScore = "risk_score"

    /// Every field, in documentation order.
    public static var all: [RequestField] { allCases }

    /// The fields whose text goes to the model: blocked patterns are looked for in all of them,
    /// and `policyc lint` wants every content test made on one made on all.
    public static let modelBound: [RequestField] = [.prompt, .system, .messages]

    /// Looks a field up by its dotted path.
    public static func named(_ path: String) -> RequestField? { RequestField(rawValue: path) }

    /// Dotted path, e.g. `request.context_tokens`.
    public var path: String { rawValue }

    /// What kind of value the field holds.
    public var type: FieldType {
        switch self {
        case .userID, .team, .department, .sessionID, .ipAddress, .userAgent: return .string
        case .role: return .role
        case .action: return .action
        case .model: return .model
        case .feature: return .feature
        case .contextTokens, .tokensIn, .tokensOut: return .tokens
        case .cost: return .money
        case .operations: return .operationList
        case .filesAccessed, .filesModified: return .stringList
        case .filesAccessedCount, .filesModifiedCount, .hour: return .count
        case .weekday: return .weekday
        case .prompt, .system, .messages, .response: return .text
        case .budgetUsed, .riskScore: return .percent
        case .budgetExceeded: return .bool
        }
    }

    /// The request field it is read or computed from; nil for the risk score, which comes from
    /// the decision itself.
    public var input: RequestInput? {
        switch self {
        case .userID: return .userID
        case .role: return .role
        case .team: return .team
        case .department: return .department
        case .sessionID: return .sessionID
        case .action: return .action
        case .model: return .model
        case .feature: return .feature
        case .contextTokens: return .contextTokens
        case .tokensIn, .cost: return .tokensIn
        case .tokensOut: return .tokensOut
        case .operations: return .operations
        case .filesAccessed, .filesAccessedCount: return .filesAccessed
        case .filesModified, .filesModifiedCount: return .filesModified
        case .ipAddress: return .ipAddress
        case .userAgent: return .userAgent
        case .hour, .weekday: return .timestamp
        case .prompt: return .prompt
        case .system: return .system
        case .messages: return .messages
        case .response: return .response
        case .budgetUsed: return .budgetUsedPercent
        case .budgetExceeded: return .budgetExceeded
        case .riskScore: return nil
        }
    }

    /// One line for people.
    public var summary: String {
        switch self {
        case .userID: return "the user's id"
        case .role: return "the user's role"
        case .team: return "the user's team"
        case .department: return "the user's department"
        case .sessionID: return "the session id"
        case .action: return "prompt, completion, file_edit or command_execution"
        case .model: return "the model asked for (aliases resolved)"
        case .feature: return "the feature in use"
        case .contextTokens: return "the context size in tokens"
        case .tokensIn: return "input tokens"
        case .tokensOut: return "output tokens"
        case .cost: return "tokens_in and tokens_out priced at the model's prices, in micro-dollars, rounded up"
        case .operations: return "operations the request performs"
        case .filesAccessed: return "files read"
        case .filesModified: return "files written"
        case .filesAccessedCount: return "number of files read"
        case .filesModifiedCount: return "number of files written"
        case .ipAddress: return "the client's address"
        case .userAgent: return "the client's user agent"
        case .hour: return "hour of the timestamp, 0-23 UTC"
        case .weekday: return "day of the week of the timestamp, monday to sunday, UTC"
        case .prompt: return "the prompt text"
        case .system: return "every string of the system prompt but block metadata (type, ids)"
        case .messages: return "every string of the chat messages but their metadata (role, type, ids)"
        case .response: return "the model's output"
        case .budgetUsed: return "share of the tightest applicable budget used"
        case .budgetExceeded: return "whether any applicable budget is exhausted"
        case .riskScore: return "the request's risk score in whole percent"
        }
    }

    /// The text field it is, for `prompt`, `system`, `messages` and `response`.
    var textField: TextField? {
        switch self {
        case .prompt: return .prompt
        case .system: return .system
        case .messages: return .messages
        case .response: return .response
        default: return nil
        }
    }
}

/// The type of a request field or a condition operand.
public enum FieldType: String, Sendable, Equatable, CaseIterable {
    /// Free text scanned by `has` and `contains`.
    case text
    /// A plain string.
    case string
    /// A count of tokens.
    case tokens
    /// A plain count.
    case count
    /// Money.
    case money
    /// A whole percentage.
    case percent
    /// A length of time.
    case duration
    /// True or false.
    case bool
    /// A declared role.
    case role
    /// A declared model.
    case model
    /// A declared feature.
    case feature
    /// A declared operation.
    case operation
    /// One of the request actions.
    case action
    /// A day of the week.
    case weekday
    /// A list of declared operations.
    case operationList = "list of operations"
    /// A list of strings.
    case stringList = "list of strings"
}
