/// The request fields conditions may read, with their types.
///
/// Shared by the checker (which types conditions against it) and the runtime (which reads
/// the same names from requests), so the two can never disagree about a field.
public struct RequestField: Sendable, Equatable {
    /// Dotted path, e.g. `request.context_tokens`.
    public let path: String
    /// What kind of value the field holds.
    public let type: FieldType
    /// One line for people.
    public let summary: String

    /// Every field, in documentation order.
    public static let all: [RequestField] = [
        RequestField(path: "user.id", type: .string, summary: "the user's id"),
        RequestField(path: "user.role", type: .role, summary: "the user's role"),
        RequestField(path: "user.team", type: .string, summary: "the user's team"),
        RequestField(path: "user.department", type: .string, summary: "the user's department"),
        RequestField(path: "request.session_id", type: .string, summary: "the session id"),
        RequestField(path: "request.action", type: .action, summary: "prompt, completion, file_edit or command_execution"),
        RequestField(path: "request.model", type: .model, summary: "the model asked for (aliases resolved)"),
        RequestField(path: "request.feature", type: .feature, summary: "the feature in use"),
        RequestField(path: "request.context_tokens", type: .tokens, summary: "the context size in tokens"),
        RequestField(path: "request.tokens_in", type: .tokens, summary: "input tokens"),
        RequestField(path: "request.tokens_out", type: .tokens, summary: "output tokens"),
        RequestField(path: "request.cost", type: .money, summary: "tokens priced at the model's prices"),
        RequestField(path: "request.operations", type: .operationList, summary: "operations the request performs"),
        RequestField(path: "request.files_accessed", type: .stringList, summary: "files read"),
        RequestField(path: "request.files_modified", type: .stringList, summary: "files written"),
        RequestField(path: "request.files_accessed.count", type: .count, summary: "number of files read"),
        RequestField(path: "request.files_modified.count", type: .count, summary: "number of files written"),
        RequestField(path: "request.ip_address", type: .string, summary: "the client's address"),
        RequestField(path: "request.user_agent", type: .string, summary: "the client's user agent"),
        RequestField(path: "request.hour", type: .count, summary: "hour of the timestamp, 0-23 UTC"),
        RequestField(path: "prompt", type: .text, summary: "the prompt text"),
        RequestField(path: "messages", type: .text, summary: "every text part of the chat messages"),
        RequestField(path: "response", type: .text, summary: "the model's output"),
        RequestField(path: "budget.used", type: .percent, summary: "share of the tightest applicable budget used"),
        RequestField(path: "budget.exceeded", type: .bool, summary: "whether any applicable budget is exhausted"),
        RequestField(path: "risk_score", type: .percent, summary: "the request's risk score in whole percent"),
    ]

    /// Looks a field up by path.
    public static func named(_ path: String) -> RequestField? {
        all.first { $0.path == path }
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
    /// A list of declared operations.
    case operationList = "list of operations"
    /// A list of strings.
    case stringList = "list of strings"
}
