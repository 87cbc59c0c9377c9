/// One request a gateway asks about: who, which model and feature, how much context, and the
/// text that would go to (or came from) the model.
///
/// Built by ``RequestReader`` from the JSON request format (docs/runtime.md) or directly by
/// an embedding gateway; its fields are the request format's (``RequestInput``). Text fields hold UTF-8 bytes, already unescaped, so scanners work on
/// bytes without building `String`s.
public struct Request: Sendable, Equatable {
    /// `user.id`
    public var userID: String?
    /// `user.role`
    public var role: String?
    /// `user.team`
    public var team: String?
    /// `user.department`
    public var department: String?
    /// `session_id`
    public var sessionID: String?
    /// `request_id`: the gateway's id for the request; a completion carrying the same id settles
    /// the reservation its request made.
    public var requestID: String?
    /// `action`: what the request is; `.prompt` when the request does not say.
    public var action: RequestAction
    /// `model`
    public var model: String?
    /// `feature`
    public var feature: String?
    /// `context_tokens`
    public var contextTokens: Int?
    /// `tokens_in`
    public var tokensIn: Int?
    /// `tokens_out`
    public var tokensOut: Int?
    /// `max_tokens`: the most output tokens the model may return.
    public var maxTokens: Int?
    /// `prompt`, as UTF-8.
    public var prompt: [UInt8]
    /// Every string of `system`, in document order: one for a plain string, one per text in a
    /// list of content blocks.
    public var system: [[UInt8]]
    /// Every text part of `messages`, with the index of the message it belongs to.
    public var messages: [MessagePart]
    /// `response`, as UTF-8, when the request carries a model's output.
    public var response: [UInt8]?
    /// `operations`
    public var operations: [String]
    /// `files_accessed`
    public var filesAccessed: [String]
    /// `files_modified`
    public var filesModified: [String]
    /// `ip_address`
    public var ipAddress: String?
    /// `user_agent`
    public var userAgent: String?
    /// `timestamp`: when the request was made. The only source of time: `request.hour` and
    /// `request.weekday` are derived from it, so nothing can disagree with it.
    public var timestamp: Timestamp?
    /// `budget.used_percent`: the tightest applicable budget's use, for a gateway that keeps its
    /// own usage store (a runtime with a ``UsageStore`` reads its own).
    public var budgetUsedPercent: Int?
    /// `budget.exceeded`: whether an applicable budget is exhausted, from the gateway's usage store.
    public var budgetExceeded: Bool?

    /// An empty request; set the fields that apply.
    public init() {
        action = .prompt
        prompt = []
        system = []
        messages = []
        operations = []
        filesAccessed = []
        filesModified = []
    }
}

/// One text part of a chat message.
public struct MessagePart: Sendable, Equatable {
    /// Index of the message in `messages`.
    public var message: Int
    /// The message's role (`user`, `assistant`, `system`, …), when given.
    public var role: String?
    /// The text, as UTF-8.
    public var text: [UInt8]

    /// Creates a part.
    public init(message: Int, role: String?, text: [UInt8]) {
        self.message = message
        self.role = role
        self.text = text
    }
}
