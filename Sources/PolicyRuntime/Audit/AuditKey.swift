import Foundation

/// The secret that makes the audit trail tamper-evident: every record's MAC and every personal
/// field's digest are HMAC-SHA256 under it (docs/audit.md, "Keys").
///
/// The key is read from a file (`--audit-key FILE`, or the file `POLICYLANG_AUDIT_KEY_FILE`
/// names) and never written anywhere: records carry its ``id``, derived from the key itself,
/// so that a trail written across a key rotation is verified with all its keys, each record
/// with its own.
public struct AuditKey: Sendable, CustomStringConvertible {
    /// The secret, prepared for HMAC-SHA256.
    private let prepared: HMACSHA256.PreparedKey
    /// The key's id in records: the first 16 hex digits of HMAC-SHA256(key, "policylang audit
    /// key id"). It names the key without revealing it (a MAC cannot be inverted).
    public let id: String

    /// The shortest key accepted, in bytes: the size of the HMAC-SHA256 output (RFC 2104 §3).
    public static let minimumBytes = 32
    /// The environment variable that names a key file when no `--audit-key` is given.
    public static let environmentVariable = "POLICYLANG_AUDIT_KEY_FILE"

    /// A key from its bytes.
    /// - Throws: ``AuditError`` for a key shorter than ``minimumBytes``.
    public init(bytes: [UInt8]) throws(AuditError) {
        guard bytes.count >= AuditKey.minimumBytes else {
            throw AuditError(.badKey, "the audit key has \(bytes.count) bytes; at least \(AuditKey.minimumBytes) are needed "
                             + "(make one with `openssl rand -hex 32 > FILE`)")
        }
        prepared = HMACSHA256.PreparedKey(bytes)
        id = String(Hex.encode(prepared.mac(Array("policylang audit key id".utf8))).prefix(16))
    }

    /// A key from a file: its bytes, less one final line break, as for document keys.
    public init(contentsOfFile path: String) throws(AuditError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditError(.badKey, "cannot read the audit key file `\(path)`")
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        do {
            try self.init(bytes: bytes)
        } catch {
            throw AuditError(.badKey, "audit key file `\(path)`: \(error.message)")
        }
    }

    /// The key an environment names (`POLICYLANG_AUDIT_KEY_FILE`), if it names one.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(AuditError) -> AuditKey? {
        guard let path = environment[environmentVariable], !path.isEmpty else { return nil }
        return try AuditKey(contentsOfFile: path)
    }

    /// HMAC-SHA256 of `message` under the key.
    func mac(_ message: [UInt8]) -> [UInt8] { prepared.mac(message) }

    /// HMAC-SHA256 under the key of a message fed in pieces.
    func stream() -> HMACSHA256.PreparedKey.Stream { prepared.stream() }

    /// `AuditKey(id: …)`, never the secret.
    public var description: String { "AuditKey(id: \(id))" }
}
