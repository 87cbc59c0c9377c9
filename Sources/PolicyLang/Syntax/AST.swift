/// The syntax tree of one `.pol` file. Every node carries its byte span; nothing here is
/// resolved yet (that is the checker's job).
public struct PolicyFileSyntax: Sendable {
    /// The file parsed.
    public var file: SourceFile
    /// The `policy "name" version N` header, if present.
    public var header: HeaderSyntax?
    /// `import "path"` lines in order.
    public var imports: [ImportSyntax]
    /// Declarations in order.
    public var declarations: [Declaration]
    /// Comment spans, for the formatter.
    public var comments: [Span]
    /// Byte offsets of the tokens the canonical layout starts a line with: declarations, block
    /// properties, pattern-list items and closing braces.
    public var layoutBreaks: [UInt32] = []
}

/// A word used as a name, with its span.
public struct Name: Sendable, Hashable {
    /// The word.
    public var text: String
    /// Where it is.
    public var span: Span
}

/// A string literal, escapes decoded.
public struct StringLiteral: Sendable, Hashable {
    /// The decoded value.
    public var value: String
    /// Where it is, quotes included.
    public var span: Span
}

/// `policy "name" version N`.
public struct HeaderSyntax: Sendable {
    /// The policy's name.
    public var name: StringLiteral
    /// The version number.
    public var version: Quantity?
    /// The whole header.
    public var span: Span
}

/// `import "path"`.
public struct ImportSyntax: Sendable {
    /// The path, relative to the importing file.
    public var path: StringLiteral
    /// The whole line.
    public var span: Span
}

/// A top-level declaration.
public enum Declaration: Sendable {
    /// `model "id" { … }`
    case model(ModelSyntax)
    /// `features a, b`, `operations …`, `incidents …`, `actions …`
    case vocabulary(VocabularySyntax)
    /// `patterns name [whole_word] { "a", "b" }`
    case patterns(PatternListSyntax)
    /// `internal_domains ".corp", …`
    case internalDomains(InternalDomainsSyntax)
    /// `role name [extends other] { … }`
    case role(RoleSyntax)
    /// `rule name { … }`
    case rule(RuleSyntax)
    /// `alert name { … }`
    case alert(AlertSyntax)
    /// `playbook incident_type { … }`
    case playbook(PlaybookSyntax)
    /// `channel name "target"`
    case channel(ChannelSyntax)
    /// `budget name { … }`
    case budget(BudgetSyntax)
    /// `rate_limit name { … }`
    case rateLimit(RateLimitSyntax)
    /// `usage { … }`
    case usage(UsageSyntax)
    /// `audit { … }`
    case audit(AuditSyntax)
    /// `retention { … }`
    case retention(RetentionSyntax)
    /// `control "SOC2 CC6.1" "description"`
    case control(ControlSyntax)
    /// `placeholders { pii.email "[EMAIL]" … }`
    case placeholders(PlaceholdersSyntax)
    /// `test name { role contractor  prompt "…"  expect deny … }`
    case test(TestSyntax)
    /// `detector customer_id { category pii  pattern /CUST-[0-9]{6}/  … }`
    case detector(DetectorSyntax)
}

/// `detector name { category pii pattern /…/ validate luhn examples "…" rejects "…" }`
public struct DetectorSyntax: Sendable {
    /// The detector's name (its detection type is `category.name`).
    public var name: Name
    /// `category pii`
    public var category: Name?
    /// `pattern /…/`
    public var pattern: RegexLiteralSyntax?
    /// `validate luhn`
    public var validate: Name?
    /// `examples "…"`: texts the detector must find something in.
    public var examples: [StringLiteral]
    /// `rejects "…"`: texts it must find nothing in.
    public var rejects: [StringLiteral]
    /// The whole declaration.
    public var span: Span
}

/// `test name { … }`: a request (its fields, with defaults) and the decision expected for it.
public struct TestSyntax: Sendable {
    /// The test's name.
    public var name: Name
    /// Its properties in order, as written (the checker gives them meaning).
    public var properties: [TestPropertySyntax]
    /// The whole declaration.
    public var span: Span
}

/// One property of a test: its keyword and its comma-separated values.
public struct TestPropertySyntax: Sendable {
    /// The property's keyword (`role`, `prompt`, `expect`, `reasons`, …).
    public var key: Keyword
    /// Where the keyword is.
    public var keySpan: Span
    /// The values, in order.
    public var values: [TestValueSyntax]
}

/// A value in a test property.
public enum TestValueSyntax: Sendable {
    /// `contractor`, `pii.email`, `none`
    case name(DetectorRefSyntax)
    /// `"deploy to production"`
    case string(StringLiteral)
    /// `20k`, `80%`
    case quantity(Quantity)

    /// Where the value is.
    public var span: Span {
        switch self {
        case .name(let reference): return reference.span
        case .string(let literal): return literal.span
        case .quantity(let quantity): return quantity.span
        }
    }
}

/// `model "claude-3-opus" { provider anthropic  context 200k  price input $0.015 per 1k … }`
public struct ModelSyntax: Sendable {
    /// The model id.
    public var id: StringLiteral
    /// `provider NAME`
    public var provider: Name?
    /// `context 200k`
    public var context: Quantity?
    /// `price …` items.
    public var prices: [PriceSyntax]
    /// `aliases "a", "b"`
    public var aliases: [StringLiteral]
    /// `output_estimate 4k`
    public var outputEstimate: Quantity?
    /// The whole declaration.
    public var span: Span
}

/// One price item.
public enum PriceSyntax: Sendable {
    /// `input $0.015 per 1k`
    case input(Quantity, per: Quantity, span: Span)
    /// `output $0.075 per 1k`
    case output(Quantity, per: Quantity, span: Span)
    /// `monthly $20`
    case monthly(Quantity, span: Span)
    /// `includes 500 requests`
    case includes(Quantity, span: Span)
}

/// Which vocabulary a list declares.
public enum VocabularyKind: String, Sendable {
    /// `features`
    case features
    /// `operations`
    case operations
    /// `incidents`
    case incidents
    /// `actions`
    case actions
}

/// `features agent_mode, ask_mode` and the like.
public struct VocabularySyntax: Sendable {
    /// Which vocabulary.
    public var kind: VocabularyKind
    /// The declared names.
    public var names: [Name]
    /// The whole declaration.
    public var span: Span
}

/// A literal or regex item of a pattern list or `block`.
public struct PatternListSyntax: Sendable {
    /// The list's name.
    public var name: Name
    /// Whether matches must be whole words.
    public var wholeWord: Bool
    /// The literals.
    public var terms: [StringLiteral]
    /// The regular expressions.
    public var regexes: [RegexLiteralSyntax] = []
    /// Whether the parser skipped items it reported (so an empty list is not reported again).
    public var skippedItems: Bool
    /// The whole declaration.
    public var span: Span
}

/// `internal_domains ".corp", ".acme.internal"`
public struct InternalDomainsSyntax: Sendable {
    /// Host suffixes.
    public var domains: [StringLiteral]
    /// The whole declaration.
    public var span: Span
}

/// One item of a role's `block`: a literal or a pattern list's name.
public enum BlockItemSyntax: Sendable {
    /// `"production"`
    case literal(StringLiteral)
    /// `internal_terms`
    case list(Name)
    /// `/CUST-[0-9]{6}/i`
    case regex(RegexLiteralSyntax)
}

/// `/pattern/flags`: a regular expression written in a policy.
public struct RegexLiteralSyntax: Sendable, Hashable {
    /// The pattern between the slashes, as written.
    public var pattern: String
    /// The `i` flag.
    public var caseInsensitive: Bool
    /// The whole token, slashes and flags included.
    public var span: Span
    /// Offset of the pattern's first byte (just after the opening `/`), so an error at byte N of
    /// the pattern is reported at `patternStart + N`.
    public var patternStart: UInt32 { span.start + 1 }
}

/// `role name [extends parent] { … }`
public struct RoleSyntax: Sendable {
    /// The role's name.
    public var name: Name
    /// The role it extends.
    public var parent: Name?
    /// `models "a", "b"`
    public var models: [StringLiteral]?
    /// `features a, b`
    public var features: [Name]?
    /// `max_context 20k`
    public var maxContext: Quantity?
    /// `audit comprehensive`
    public var audit: Name?
    /// `requires_approval a, b`
    public var requiresApproval: [Name]?
    /// `block "x", list` (may repeat; items accumulate)
    public var block: [BlockItemSyntax]
    /// The whole declaration.
    public var span: Span
}

/// A reference to a detector, a detector category or a pattern list: `pii`, `pii.email`, `terms`.
public struct DetectorRefSyntax: Sendable, Hashable {
    /// One or two words.
    public var parts: [Name]
    /// Where it is.
    public var span: Span
    /// The dotted name.
    public var text: String { parts.map(\.text).joined(separator: ".") }
}

/// An action: `block_request` or `notify(security_team)`.
public struct ActionSyntax: Sendable {
    /// The action's name.
    public var name: Name
    /// The parameter, if written.
    public var argument: Name?
    /// Where it is.
    public var span: Span
}

/// `rule name { when … deny "…" … }`
public struct RuleSyntax: Sendable {
    /// The rule's name (its id).
    public var name: Name
    /// `when CONDITION`
    public var condition: ExpressionSyntax?
    /// `deny "message"`
    public var deny: StringLiteral?
    /// `require_approval "message"`
    public var requireApproval: StringLiteral?
    /// `redact pii, secret.jwt`
    public var redact: [DetectorRefSyntax]?
    /// `alert name` (may repeat)
    public var alerts: [Name]
    /// `incident type` (may repeat)
    public var incidents: [Name]
    /// `reason code`
    public var reason: Name?
    /// `controls "SOC2 CC6.1", …`
    public var controls: [StringLiteral]?
    /// `message "…"` for rules without deny or require_approval.
    public var message: StringLiteral?
    /// The whole declaration.
    public var span: Span
}

/// `alert name { when … severity high then a, b controls … }`
public struct AlertSyntax: Sendable {
    /// The alert's name.
    public var name: Name
    /// Its properties.
    public var body: ResponseSyntax
    /// The whole declaration.
    public var span: Span
}

/// `playbook incident_type { when … severity … then … }`
public struct PlaybookSyntax: Sendable {
    /// The incident type it handles.
    public var incident: Name
    /// Its properties; `when` is optional here (rules and alerts can start it too).
    public var body: ResponseSyntax
    /// The whole declaration.
    public var span: Span
}

/// The properties alerts and playbooks share: what triggers them, how severe, what to do.
public struct ResponseSyntax: Sendable {
    /// `when CONDITION`
    public var condition: ExpressionSyntax?
    /// `severity high`
    public var severity: Name?
    /// `then a, notify(x)`
    public var actions: [ActionSyntax]?
    /// `controls "…"`
    public var controls: [StringLiteral]?
}

/// `channel security_team "mailto:secops@example.com"`
public struct ChannelSyntax: Sendable {
    /// The channel's name.
    public var name: Name
    /// Where notifications go.
    public var target: StringLiteral
    /// The whole declaration.
    public var span: Span
}

/// `budget name { scope team "x" period monthly limit $5000 warn_at 80% }`
public struct BudgetSyntax: Sendable {
    /// The budget's name.
    public var name: Name
    /// `scope team`
    public var scope: Name?
    /// `scope team "platform"`: the one member, if any.
    public var member: StringLiteral?
    /// `period monthly`
    public var periodName: Name?
    /// `period 30d`
    public var periodLength: Quantity?
    /// `limit $5000` or `limit 10M`
    public var limit: Quantity?
    /// `warn_at 50%, 80%`
    public var warnAt: [Quantity]?
    /// `alert excessive_ai_usage`
    public var alerts: [Name]?
    /// The whole declaration.
    public var span: Span
}

/// `rate_limit name { scope user  limit 60 requests per minute  alert … }`
public struct RateLimitSyntax: Sendable {
    /// The limit's name.
    public var name: Name
    /// `scope user`
    public var scope: Name?
    /// `scope role "contractor"`: the one member, if any.
    public var member: StringLiteral?
    /// The number in `limit 60 requests per minute`.
    public var limit: Quantity?
    /// `requests` or `tokens`.
    public var unit: Name?
    /// `per minute`: a unit of time written as a word.
    public var perName: Name?
    /// `per 10m`: a duration.
    public var perLength: Quantity?
    /// `alert rate_limit_hit`
    public var alerts: [Name]?
    /// The whole declaration.
    public var span: Span
}

/// `usage { output_estimate 4k  reservation_timeout 15m  fail_open false }`
public struct UsageSyntax: Sendable {
    /// `output_estimate 4k`
    public var outputEstimate: Quantity?
    /// `reservation_timeout 15m`
    public var reservationTimeout: Quantity?
    /// `fail_open true`
    public var failOpen: Name?
    /// The whole declaration.
    public var span: Span
}

/// `audit { default_level … log_prompts … redact … encrypt … }`
public struct AuditSyntax: Sendable {
    /// `default_level standard`
    public var defaultLevel: Name?
    /// `log_prompts redacted`
    public var logPrompts: Name?
    /// `log_responses redacted`
    public var logResponses: Name?
    /// `redact pii, secret`
    public var redact: [DetectorRefSyntax]?
    /// `encrypt true`
    public var encrypt: Name?
    /// `high_risk_threshold 70%`
    public var highRiskThreshold: Quantity?
    /// `high_risk_alert name`
    public var highRiskAlert: Name?
    /// `fail_open true`
    public var failOpen: Name?
    /// The whole declaration.
    public var span: Span
}

/// `retention { audit_logs 7y  prompts 30d  erasure_within 30d }`
public struct RetentionSyntax: Sendable {
    /// Each `kind DURATION` line.
    public var entries: [(kind: Name, period: Quantity)]
    /// The whole declaration.
    public var span: Span
}

/// `control "SOC2 CC6.1" "Logical and physical access controls"`
public struct ControlSyntax: Sendable {
    /// The control's id.
    public var id: StringLiteral
    /// What it requires.
    public var description: StringLiteral
    /// The whole declaration.
    public var span: Span
}

/// `placeholders { pii.email "[EMAIL]"  patient_names "[PATIENT_NAME]" }`
public struct PlaceholdersSyntax: Sendable {
    /// Each mapping.
    public var entries: [(target: DetectorRefSyntax, placeholder: StringLiteral)]
    /// The whole declaration.
    public var span: Span
}
