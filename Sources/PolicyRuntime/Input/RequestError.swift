/// Why a request could not be read. Decisions report it as `invalid_request`; the gateway
/// fails closed (the request is denied).
public struct RequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line for people, naming the field when there is one.
    public var message: String
    /// Byte offset in the input where the problem was found.
    public var offset: Int

    /// Creates an error.
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `message (at byte N)`.
    public var description: String { "\(message) (at byte \(offset))" }
}
