/// Why a compiled document could not be loaded. Every case fails closed: the enforcement point
/// keeps no policy rather than a partly read one.
public enum CompiledPolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not JSON (or not strict JSON: a duplicate key, a trailing comma, …).
    case notJSON(String)
    /// No `schema_version` field.
    case missingSchemaVersion
    /// A layout version this build does not read.
    case unsupportedSchemaVersion(found: Int, supported: Int)
    /// JSON of the wrong shape: `path: problem`, e.g. `roles[2]: unknown key "max_context_token"`.
    case invalidDocument(String)
    /// `document_digest` does not match the content: the document was changed after it was compiled.
    case digestMismatch
    /// A signature was required and the document has none.
    case unsigned
    /// The document is signed with another key id than the verifier's.
    case signedWithOtherKey(documentKeyID: String, verifierKeyID: String)
    /// The signature does not match the document under the verifier's key.
    case badSignature

    /// One line for people.
    public var description: String {
        switch self {
        case .notJSON(let detail): return "not a JSON document: \(detail)"
        case .missingSchemaVersion: return "not a compiled policy: `schema_version` is missing"
        case .unsupportedSchemaVersion(let found, let supported):
            return "unsupported schema_version \(found): this build reads version \(supported); recompile the policy with this policyc"
        case .invalidDocument(let detail): return "invalid compiled policy: \(detail)"
        case .digestMismatch:
            return "document_digest does not match the document: it was changed after it was compiled"
        case .unsigned: return "the document is not signed, and a signature is required"
        case .signedWithOtherKey(let document, let verifier):
            return "the document is signed with key `\(document)`, not with the verifying key `\(verifier)`"
        case .badSignature:
            return "the signature does not match: the document was changed after it was signed, or signed with another key"
        }
    }
}
