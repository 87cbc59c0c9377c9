/// Why a report cannot be built.
public struct UsageReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
