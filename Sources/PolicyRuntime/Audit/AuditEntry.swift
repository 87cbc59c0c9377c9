/// What the audit trail keeps of one decision, before it is chained (docs/audit.md, "Records"):
/// the guide's audit fields, the decision, and text by the audit level — never a detected span.
///
/// - `standard`: no prompt or response text; their keyed digests and the detections only.
/// - `detailed`: also the prompt, every detection in it replaced by `[TYPE]`.
/// - `comprehensive`: also the response, likewise.
///
/// `audit.log_prompts` / `log_responses` set to `none` keep no text at any level; `full` and
/// `redacted` keep the redacted text (a detected span is never written, whatever the mode).
///
/// `audit.encrypt true` asks for the kept text to be encrypted at rest. PolicyLang has no cipher
/// it could use well on Foundation and Glibc alone (and ships no cipher of its own), so with
/// `encrypt true` no text is kept unless the caller states that the trail's storage encrypts at
/// rest (an encrypted volume): the policy's demand fails closed, never to plaintext on disk.
public struct AuditEntry: Sendable {
    /// The record's fields, without `seq`, `prev`, `kid` and `mac` (the trail adds them).
    public internal(set) var fields: [JSONTree.Member]
    /// When it happened, in seconds since the epoch: the day a daily rotation files it under.
    public let time: Int

    /// The fields that identify a person or hold what they wrote: what erasure removes, and what
    /// the MAC covers through keyed digests so that the chain still verifies after it (defined
    /// with their groups in `AuditChain.Group`).
    public static var personalFields: Set<String> { Set(AuditChain.Group.allCases.flatMap(\.fields)) }

    /// The fields the trail itself adds to every record.
    static let chainFields: Set<String> = ["seq", "prev", "kid", "mac"]

    /// Creates an entry from fields (for records that are not decisions, such as repairs).
    init(fields: [JSONTree.Member], time: Int) {
        self.fields = [.init("time", .string(Timestamp(secondsSinceEpoch: time).rfc3339))] + fields
        self.time = time
    }

    /// An entry of another kind than a decision (an administrator's change, a gateway's own
    /// event): `kind`, `time` and the given fields. Personal data belongs in the fields
    /// ``personalFields`` names, so that erasure finds it.
    /// - Throws: ``AuditError`` (`badInput`) for a field the trail writes itself (`seq`, `prev`,
    ///   `kid`, `mac`, `kind`, `time`, `erased_identity`, `erased_prompt`, `erased_response`) or a name given twice.
    public init(kind: String, time: Int, fields: [JSONTree.Member]) throws(AuditError) {
        var names = Set<String>()
        for field in fields {
            guard !AuditEntry.chainFields.contains(field.key), AuditChain.Group.allCases.allSatisfy({ $0.erasedKey != field.key }),
                  field.key != "kind", field.key != "time" else {
                throw AuditError(.badInput, "`\(field.key)` is written by the audit trail itself")
            }
            guard names.insert(field.key).inserted else { throw AuditError(.badInput, "`\(field.key)` is given twice") }
        }
        self.init(fields: [.init("kind", .string(kind))] + fields, time: time)
    }

    /// The entry for a decision.
    /// - Parameters:
    ///   - time: when it was decided, in seconds since the epoch (the request's `timestamp`, else the clock).
    ///   - audit: the policy's audit settings (what text to keep).
    ///   - key: the trail's key: the texts' digests are keyed (HMAC-SHA256), since a plain hash of a
    ///     prompt whose detected span was redacted would let anyone try candidates for the span.
    ///   - storageEncrypted: whether the trail's storage encrypts at rest; with `audit.encrypt`,
    ///     text is kept only when it does.
    public init(request: Request, decision: Decision, audit: CompiledAudit, time: Int, key: AuditKey, storageEncrypted: Bool = false) {
        var fields: [JSONTree.Member] = []
        func text(_ name: String, _ value: String?) {
            if let value { fields.append(.init(name, .string(value))) }
        }
        func number(_ name: String, _ value: Int?) {
            if let value { fields.append(.init(name, .integer(value))) }
        }
        func list(_ name: String, _ values: [String]) {
            if !values.isEmpty { fields.append(.init(name, .array(values.map { .string($0) }))) }
        }
        fields.append(.init("kind", .string("decision")))
        fields.append(.init("time", .string(Timestamp(secondsSinceEpoch: time).rfc3339)))
        text("user", request.userID)
        text("role", request.role)
        text("team", request.team)
        text("department", request.department)
        text("session", request.sessionID)
        text("request_id", request.requestID)
        fields.append(.init("action", .string(request.action.rawValue)))
        text("model", request.model)
        text("feature", request.feature)
        number("context_tokens", request.contextTokens)
        number("tokens_in", request.tokensIn)
        number("tokens_out", request.tokensOut)
        list("operations", request.operations)
        list("files_accessed", request.filesAccessed)
        list("files_modified", request.filesModified)
        text("ip_address", request.ipAddress)
        text("user_agent", request.userAgent)
        fields.append(.init("outcome", .string(decision.outcome.rawValue)))
        fields.append(.init("reasons", .array(decision.reasons.map {
            .object([.init("code", .string($0.code.rawValue)), .init("rule", .string($0.rule))])
        })))
        list("alerts", decision.alerts.map(\.name))
        list("playbooks", decision.playbooks.map(\.name))
        list("approvals", decision.approvals)
        if !decision.detections.isEmpty {
            fields.append(.init("detections", .array(decision.detections.map { detection in
                var members: [JSONTree.Member] = [.init("type", .string(detection.type)), .init("field", .string(detection.field))]
                if let message = detection.message { members.append(.init("message", .integer(message))) }
                if let part = detection.part { members.append(.init("part", .integer(part))) }
                members.append(.init("start", .integer(detection.start)))
                members.append(.init("end", .integer(detection.end)))
                return .object(members)
            })))
        }
        fields.append(.init("audit_level", .string(decision.auditLevel.rawValue)))
        fields.append(.init("risk_percent", .integer(min(100, max(0, decision.riskPercent)))))
        if let usage = decision.usage {
            fields.append(.init("cost_micros", .integer(usage.cost)))
            if let settlement = usage.settlement { fields.append(.init("settlement", .string(settlement.rawValue))) }
        }
        fields.append(.init("policy", .object([
            .init("name", .string(decision.policy.name)), .init("version", .integer(decision.policy.version)),
            .init("digest", .string(decision.policy.digest)),
        ])))
        let keepsText = !audit.encrypt || storageEncrypted
        if !request.prompt.isEmpty {
            fields.append(.init("prompt_digest", .string(AuditEntry.textDigest(request.prompt, key: key))))
            if keepsText, decision.auditLevel != .standard, audit.logPrompts != .none {
                fields.append(.init("prompt", .string(AuditEntry.redacted(request.prompt, field: "prompt", decision.detections))))
            }
        }
        if let response = request.response, !response.isEmpty {
            fields.append(.init("response_digest", .string(AuditEntry.textDigest(response, key: key))))
            if keepsText, decision.auditLevel == .comprehensive, audit.logResponses != .none {
                fields.append(.init("response", .string(AuditEntry.redacted(response, field: "response", decision.detections))))
            }
        }
        self.fields = fields
        self.time = time
    }

    /// A text's digest in a record: HMAC-SHA256(key, "policylang-audit-text-1" LF text), in hex.
    /// Whoever holds the key and a text can check that it is the one recorded; nobody else can
    /// test guesses against it.
    public static func textDigest(_ text: [UInt8], key: AuditKey) -> String {
        Hex.encode(key.mac(Array("policylang-audit-text-1\n".utf8) + text))
    }

    /// `text` with every detection in `field` replaced by `[TYPE]`; overlapping detections are
    /// merged, so no byte of any of them is written.
    static func redacted(_ text: [UInt8], field: String, _ detections: [Detection]) -> String {
        SpanReplacement.replace(text, detections.filter { $0.field == field && $0.start < $0.end }
            .map { (start: $0.start, end: $0.end, placeholder: "[" + $0.type + "]") })
    }
}
