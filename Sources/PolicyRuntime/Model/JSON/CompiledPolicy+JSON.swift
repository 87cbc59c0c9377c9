import Foundation

/// Reading and writing the compiled document (docs/compiled-format.md).
extension CompiledPolicy {
    enum Key: String, CaseIterable {
        case schemaVersion = "schema_version", documentDigest = "document_digest", signature
        case policy, sources, models, features, operations, detectors, patterns
        case internalDomains = "internal_domains", roles, rules, alerts, incidentTypes = "incident_types"
        case playbooks, channels, customActions = "custom_actions", budgets
        case rateLimits = "rate_limits", usage, audit, retention, controls, placeholders
    }

    /// The largest magnitude of an integer in a document: 2^53 − 1, so that every JSON reader,
    /// including those that hold numbers as doubles, reads each one exactly.
    public static let maximumInteger = DocumentValue.maximumInteger

    /// Largest compiled document accepted, in bytes (256 MiB; a 10,000-role policy is about 9 MB).
    public static let maximumDocumentBytes = 256 * 1024 * 1024
    /// Deepest nesting of arrays and objects in a document (conditions nest at most 64 levels in
    /// the language).
    public static let maximumDocumentDepth = 128

    /// The document's file form: canonical, with `document_digest`, and signed when a key is given.
    /// The same policy always gives the same bytes, so documents can be diffed and hashed.
    public func canonicalJSON(signedWith key: DocumentKey? = nil) -> Data {
        CompiledPolicy.seal(contentJSON, signedWith: key)
    }

    /// The file form of a document's members: `document_digest` computed over the rest (and
    /// replaced if present), `signature` added when a key is given (else an existing one is kept
    /// as it is), laid out canonically. The compiler writes documents with it; tools and tests
    /// that edit a document use it to reach the checks behind the digest.
    public static func seal(_ members: [JSONTree.Member], signedWith key: DocumentKey? = nil) -> Data {
        let digestKey = Key.documentDigest.rawValue
        let signatureKey = Key.signature.rawValue
        let content = members.filter { $0.key != digestKey && $0.key != signatureKey }
        var canonical: [UInt8] = []
        JSONTree.object(content).writeCanonical(into: &canonical)
        var sealed = content + [JSONTree.Member(digestKey, .string("sha256:" + SHA256.hex(canonical)))]
        if let key {
            sealed.append(JSONTree.Member(signatureKey, DocumentSignature(key: key, content: canonical).documentJSON))
        } else {
            sealed += members.filter { $0.key == signatureKey }
        }
        var out: [UInt8] = []
        out.reserveCapacity(canonical.count * 2)
        JSONTree.object(sealed).writeIndented(into: &out)
        return Data(out)
    }

    /// The members the digest covers: everything but `document_digest` and `signature`.
    private var contentJSON: [JSONTree.Member] {
        let members: [(Key, JSONTree)] = [
            (.schemaVersion, .integer(schemaVersion)), (.policy, policy.documentJSON), (.sources, .strings(sources)),
            (.models, .array(models.map(\.documentJSON))), (.features, .strings(features)), (.operations, .strings(operations)),
            (.detectors, .array(detectors.map(\.documentJSON))), (.patterns, .array(patterns.map(\.documentJSON))),
            (.internalDomains, .strings(internalDomains)), (.roles, .array(roles.map(\.documentJSON))),
            (.rules, .array(rules.map(\.documentJSON))), (.alerts, .array(alerts.map(\.documentJSON))),
            (.incidentTypes, .strings(incidentTypes)), (.playbooks, .array(playbooks.map(\.documentJSON))),
            (.channels, .array(channels.map(\.documentJSON))), (.customActions, .strings(customActions)),
            (.budgets, .array(budgets.map(\.documentJSON))), (.rateLimits, .array(rateLimits.map(\.documentJSON))),
            (.usage, usage.documentJSON), (.audit, audit.documentJSON), (.retention, retention.documentJSON),
            (.controls, .array(controls.map(\.documentJSON))),
            (.placeholders, .object(placeholders.map { JSONTree.Member($0.key, .string($0.value)) })),
        ]
        return members.map { JSONTree.Member($0.0.rawValue, $0.1) }
    }

    /// Loads a compiled document, checking that it is exactly what a compiler of this version
    /// writes: every key known and present, every value of its type and vocabulary, and
    /// `document_digest` matching the content. With a key, the document must also carry a valid
    /// signature by that key.
    /// - Throws: ``CompiledPolicyError`` naming the JSON path of the first problem.
    public static func load(from data: Data, verifyingWith key: DocumentKey? = nil) throws(CompiledPolicyError) -> CompiledPolicy {
        try LoadedDocument(data, verifyingWith: key).policy
    }

    init(document value: JSONTree) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, "", optionalKeys: [.signature])
        let digest = try object.string(.documentDigest)
        guard digest.hasPrefix("sha256:"), digest.utf8.count == 71, Hex.decode(String(digest.dropFirst(7))) != nil else {
            throw DocumentValue.error(Key.documentDigest.rawValue, "expected `sha256:` and 64 hex digits")
        }
        if let signature = object.value(.signature) {
            _ = try DocumentSignature(document: signature, path: Key.signature.rawValue)
        }
        func list<Element>(_ key: Key, _ read: (JSONTree, String) throws(CompiledPolicyError) -> Element) throws(CompiledPolicyError) -> [Element] {
            try object.array(key, read)
        }
        self.init(
            schemaVersion: try object.integer(.schemaVersion),
            policy: try PolicyIdentity(document: object.value(.policy) ?? .null(), path: Key.policy.rawValue),
            sources: try object.strings(.sources),
            models: try list(.models) { (item, path) throws(CompiledPolicyError) in try CompiledModel(document: item, path: path) },
            features: try object.strings(.features), operations: try object.strings(.operations),
            patterns: try list(.patterns) { (item, path) throws(CompiledPolicyError) in try CompiledPatternList(document: item, path: path) },
            internalDomains: try object.strings(.internalDomains),
            roles: try list(.roles) { (item, path) throws(CompiledPolicyError) in try CompiledRole(document: item, path: path) },
            rules: try list(.rules) { (item, path) throws(CompiledPolicyError) in try CompiledRule(document: item, path: path) },
            alerts: try list(.alerts) { (item, path) throws(CompiledPolicyError) in try CompiledAlert(document: item, path: path) },
            incidentTypes: try object.strings(.incidentTypes),
            playbooks: try list(.playbooks) { (item, path) throws(CompiledPolicyError) in try CompiledPlaybook(document: item, path: path) },
            channels: try list(.channels) { (item, path) throws(CompiledPolicyError) in try CompiledChannel(document: item, path: path) },
            customActions: try object.strings(.customActions),
            budgets: try list(.budgets) { (item, path) throws(CompiledPolicyError) in try CompiledBudget(document: item, path: path) },
            audit: try CompiledAudit(document: object.value(.audit) ?? .null(), path: Key.audit.rawValue),
            retention: try CompiledRetention(document: object.value(.retention) ?? .null(), path: Key.retention.rawValue),
            controls: try list(.controls) { (item, path) throws(CompiledPolicyError) in try CompiledControl(document: item, path: path) },
            placeholders: try CompiledPolicy.placeholders(object),
            detectors: try list(.detectors) { (item, path) throws(CompiledPolicyError) in try CompiledDetector(document: item, path: path) },
            rateLimits: try list(.rateLimits) { (item, path) throws(CompiledPolicyError) in try CompiledRateLimit(document: item, path: path) },
            usage: try CompiledUsageSettings(document: object.value(.usage) ?? .null(), path: Key.usage.rawValue))
    }
}

extension CompiledPolicy {
    /// `placeholders`, refusing two keys that name the same thing in different spellings (Swift
    /// dictionaries equate canonically equivalent strings; the document's readers must not).
    fileprivate static func placeholders(_ object: DocumentObject<Key>) throws(CompiledPolicyError) -> [String: String] {
        var result: [String: String] = [:]
        for entry in try object.map(.placeholders, { (_, item, path) throws(CompiledPolicyError) in try DocumentValue.string(item, path) }) {
            guard result.updateValue(entry.value, forKey: entry.key) == nil else {
                throw DocumentValue.error("placeholders", "two keys spell \(JSONWriter.quoted(entry.key))")
            }
        }
        return result
    }
}

extension PolicyIdentity {
    enum Key: String, CaseIterable {
        case name, version, digest
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), version: try object.integer(.version), digest: try object.string(.digest))
    }

    var documentJSON: JSONTree { .keyed([(Key.name, .string(name)), (.version, .integer(version)), (.digest, .string(digest))]) }
}
