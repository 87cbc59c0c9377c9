import PolicyRuntime

/// The grammar's keyword tables, defined once: which keywords start a declaration and which
/// properties each block takes. The parser reads them; the language server offers them as
/// completions, so an editor never suggests a property the parser refuses.
public enum GrammarTables {
    /// Keywords that start a top-level declaration, in grammar.md's order.
    public static let declarationKeywords: [Keyword] = [
        .policy, .import, .model, .features, .operations, .incidents, .actions, .patterns, .internalDomains,
        .role, .rule, .alert, .playbook, .channel, .budget, .rateLimit, .usage, .audit, .retention, .control, .placeholders, .test, .detector,
    ]

    /// The properties of each block, by the keyword that opens it (`alert` and `playbook` share
    /// theirs). Blocks whose entries are not keywords (patterns, retention, placeholders) are absent.
    public static let blockProperties: [Keyword: [Keyword]] = [
        .model: [.provider, .context, .price, .aliases, .outputEstimate],
        .role: [.models, .features, .maxContext, .audit, .requiresApproval, .block],
        .rule: [.when, .deny, .requireApproval, .redact, .alert, .incident, .reason, .controls, .message],
        .alert: responseProperties,
        .playbook: responseProperties,
        .budget: [.scope, .period, .limit, .warnAt, .alert],
        .rateLimit: [.scope, .limit, .alert],
        .usage: [.outputEstimate, .reservationTimeout, .failOpen],
        .audit: [.defaultLevel, .logPrompts, .logResponses, .redact, .encrypt, .highRiskThreshold, .highRiskAlert, .failOpen],
        .test: testProperties,
        .detector: [.category, .pattern, .validate, .examples, .rejects],
    ]

    /// What alerts and playbooks take.
    static let responseProperties: [Keyword] = [.when, .severity, .then, .controls]

    /// The properties of a test block: the request format's fields (``RequestInput``), then
    /// the expectations.
    static let testProperties: [Keyword] = RequestInput.allCases.compactMap { Keyword(rawValue: $0.testProperty) } + [.used]
        + testExpectations

    /// The expectations a test block may state.
    static let testExpectations: [Keyword] = [.expect, .reasons, .alerts, .detections, .approvals, .playbooks, .audit]

    /// The properties of the block `opener` opens.
    public static func properties(_ opener: Keyword) -> [Keyword] { blockProperties[opener] ?? [] }
}
