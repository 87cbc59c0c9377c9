/// Why a compiled policy could not be planned: a corrupt or hand-edited document. The message
/// names the JSON path of the problem, e.g. `roles[2].models[0]: unknown model "gpt-5"`.
public struct PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line for people.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
