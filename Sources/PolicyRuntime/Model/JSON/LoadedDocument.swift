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
        let parsed: Result<JSONTree, JSONTree.SyntaxError> = data.withUnsafeBytes { raw in
            do throws(JSONTree.SyntaxError) {
                return .success(try JSONTree.parse(raw.bindMemory(to: UInt8.self), maximumDepth: CompiledPolicy.maximumDocumentDepth))
            } catch {
                return .failure(error)
            }
        }
        let tree: JSONTree
        switch parsed {
        case .success(let value): tree = value
        case .failure(let error): throw .notJSON("\(error.message) (at byte \(error.offset))")
        }
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
        let policy = try CompiledPolicy(document: tree)

        // The digest and the signature cover the canonical form of every other member.
        var canonical: [UInt8] = []
        canonical.reserveCapacity(data.count)
        let excluded = [CompiledPolicy.Key.documentDigest.rawValue, CompiledPolicy.Key.signature.rawValue]
        JSONTree.object(members.filter { !excluded.contains($0.key) }).writeCanonical(into: &canonical)
        let digest = "sha256:" + SHA256.hex(canonical)
        guard case .string(let written, _)? = members.first(where: { $0.key == CompiledPolicy.Key.documentDigest.rawValue })?.value else {
            throw .invalidDocument("document_digest: expected a string")
        }
        guard written == digest else { throw .digestMismatch }

        let signatureValue = members.first { $0.key == CompiledPolicy.Key.signature.rawValue }?.value
        let signature = try signatureValue.map { value throws(CompiledPolicyError) in
            try DocumentSignature(document: value, path: CompiledPolicy.Key.signature.rawValue)
        }
        if let key {
            guard let signature else { throw .unsigned }
            try signature.verify(key, content: canonical)
        }
        self.policy = policy
        self.documentDigest = digest
        self.verifiedKeyID = key?.id
    }
}
