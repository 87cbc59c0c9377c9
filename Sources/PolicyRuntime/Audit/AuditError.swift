/// Why the audit trail could not be written, read or verified. `message` names the file, line and
/// sequence number where there is one, and never a key or a record's text.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure: what `policyc audit` exits with depends on it.
    public enum Kind: String, Sendable, Equatable {
        /// The key is missing, unreadable, too short, or not the one the records were written with.
        case badKey = "bad_key"
        /// A file is not an audit log, or a line is not JSON or not a record.
        case badInput = "bad_input"
        /// The chain is broken: a record was modified, deleted, inserted, reordered or truncated.
        case tampered
        /// The directory or a file could not be read or written (a full disk, permissions).
        case io
    }

    /// The kind of failure.
    public let kind: Kind
    /// What went wrong, in one line.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
