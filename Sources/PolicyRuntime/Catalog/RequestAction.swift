/// What a request is: the `action` of the request format and `request.action` in conditions.
public enum RequestAction: String, ClosedVocabulary {
    /// A prompt on its way to a model (the default when a request names no action).
    case prompt
    /// A model's completion on its way back, carried in `response`.
    case completion
    /// An edit of files by an agent.
    case fileEdit = "file_edit"
    /// A command an agent wants to run.
    case commandExecution = "command_execution"

    /// `request action`
    public static let vocabularyName = "request action"
}
