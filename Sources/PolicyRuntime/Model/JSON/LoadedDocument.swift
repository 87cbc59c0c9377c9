import Foundation

/// A compiled document read from its bytes and verified: its structure, its `document_digest`
/// and, when a key is given, its signature.
public struct LoadedDocument: Sendable {
    /// The policy the document describes.
    public let policy: CompiledPolicy
    /// `sha256:` and the hex SHA-256 of the document's canonical content, as checked.
    public let documentDigest: String
    /// The id of the key whose signature was verified, or nil when none was asked for.
    public let verifiedKeyID: String?

    /// Reads and verifies a document.
    /// - Parameter key: when given, the document must carry a valid signature by this key.
    /// - Throws: ``CompiledPolicyError``, naming the JSON path of a structural problem.
    public init(_ data: Data, verifyingWith key: DocumentKey? = nil) throws(CompiledPolicyError) {
        guard data.count <= CompiledPolicy.maximumDocumentBytes else {
            throw .invalidDocument("document is \(data.count) bytes; the limit is \(CompiledPolicy.maximumDocumentBytes)")
        }
        let parsed: Result<JSONTree.CanonicalDocument, JSONTree.SyntaxError> = data.withUnsafeBytes { raw in
            do throws(JSONTree.SyntaxError) {
                return .success(try JSONTree.parseCanonical(raw.bindMemory(to: UInt8.self), maximumDepth: CompiledPolicy.maximumDocumentDepth))
            } catch {
                return .failure(error)
            }
        }
        let document: JSONTree.CanonicalDocument
        switch parsed {
        case .success(let value): document = value
        case .failure(let error): throw .notJSON("\(error.message) (at byte \(error.offset))")
        }
        let tree = document.tree
        guard case .object(let members, _) = tree else { throw .invalidDocument("expected an object, found \(tree.kindName)") }
        // The version first, so a document from another compiler gets a clear error rather
        // than a confusing one about a key this version does not know.
        guard let versionValue = members.first(where: { $0.key == CompiledPolicy.Key.schemaVersion.rawValue })?.value else {
            throw .missingSchemaVersion
        }
        guard let version = versionValue.integerValue else { throw .invalidDocument("schema_version: expected a whole number") }
        guard version == CompiledPolicy.currentSchemaVersion else {
            throw .unsupportedSchemaVersion(found: version, supported: CompiledPolicy.currentSchemaVersion)
        }
        // The digest first, so that a document changed in transit is reported as changed rather
        // than by whatever the change broke. It and the signature cover the canonical form of
        // every other member.
        let excluded = [CompiledPolicy.Key.documentDigest.rawValue, CompiledPolicy.Key.signature.rawValue]
        var hasher = SHA256()
        document.hash(excluding: excluded, into: &hasher)
        let digest = "sha256:" + Hex.encode(hasher.finalize())
        guard let digestValue = members.first(where: { $0.key == CompiledPolicy.Key.documentDigest.rawValue })?.value else {
            throw .invalidDocument("missing key \"document_digest\"")
        }
        guard case .string(let written, _) = digestValue, written == digest else { throw .digestMismatch }
        // With a key, the signature next: nothing unauthenticated is decoded further.
        let signatureValue = members.first { $0.key == CompiledPolicy.Key.signature.rawValue }?.value
        let signature = try signatureValue.map { value throws(CompiledPolicyError) in
            try DocumentSignature(document: value, path: CompiledPolicy.Key.signature.rawValue)
        }
        if let key {
            guard let signature else { throw .unsigned }
            try signature.verify(key, content: document.canonical(excluding: excluded))
        }
        let policy = try CompiledPolicy(document: tree)

        self.policy = policy
        self.documentDigest = digest
        self.verifiedKeyID = key?.id
    }
}
