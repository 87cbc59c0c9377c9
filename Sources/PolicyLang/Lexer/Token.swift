/// One token: a kind, a byte span, and for words the keyword they spell (keywords are
/// contextual, so a word is still usable as a name where the grammar expects one).
public struct Token: Sendable, Equatable {
    /// What kind of token.
    public var kind: TokenKind
    /// Where it is.
    public var span: Span
    /// For `.word` tokens that spell a keyword, which one.
    public var keyword: Keyword?

    /// Creates a token.
    public init(kind: TokenKind, span: Span, keyword: Keyword? = nil) {
        self.kind = kind
        self.span = span
        self.keyword = keyword
    }
}

/// Token kinds. Punctuation is spelled out so diagnostics can say what was expected.
public enum TokenKind: UInt8, Sendable, Equatable {
    /// A name or keyword: `[A-Za-z_][A-Za-z0-9_]*`.
    case word
    /// `"…"` with escapes.
    case string
    /// A number with an optional unit suffix: `200k`, `30d`, `0.5`.
    case number
    /// `$` and a number: `$0.015`.
    case money
    /// A number and `%`: `80%`.
    case percent
    /// `/…/flags`: a regular expression.
    case regex
    /// `{`
    case leftBrace
    /// `}`
    case rightBrace
    /// `(`
    case leftParen
    /// `)`
    case rightParen
    /// `[`
    case leftBracket
    /// `]`
    case rightBracket
    /// `,`
    case comma
    /// `.`
    case dot
    /// `-` (only meaningful before a quantity, to report negative values)
    case minus
    /// `==`
    case equal
    /// `!=`
    case notEqual
    /// `<`
    case less
    /// `<=`
    case lessEqual
    /// `>`
    case greater
    /// `>=`
    case greaterEqual
    /// A byte sequence that starts no token; the lexer has reported it.
    case illegal
    /// End of input.
    case eof

    /// How diagnostics name the kind.
    public var display: String {
        switch self {
        case .word: return "a name"
        case .string: return "a string"
        case .number: return "a number"
        case .money: return "an amount of money"
        case .percent: return "a percentage"
        case .regex: return "a regular expression"
        case .leftBrace: return "`{`"
        case .rightBrace: return "`}`"
        case .leftParen: return "`(`"
        case .rightParen: return "`)`"
        case .leftBracket: return "`[`"
        case .rightBracket: return "`]`"
        case .comma: return "`,`"
        case .dot: return "`.`"
        case .minus: return "`-`"
        case .equal: return "`==`"
        case .notEqual: return "`!=`"
        case .less: return "`<`"
        case .lessEqual: return "`<=`"
        case .greater: return "`>`"
        case .greaterEqual: return "`>=`"
        case .illegal: return "an invalid character"
        case .eof: return "end of file"
        }
    }
}

/// Words with a meaning somewhere in the grammar. They are contextual: the parser treats a
/// word as a keyword only where one is expected, so `deny` can still name an operation.
public enum Keyword: String, Sendable, CaseIterable {
    case policy, version, `import`, model, provider, context, price, input, output, per, monthly
    case includes, requests, aliases, features, operations, patterns
    case wholeWord = "whole_word"
    case internalDomains = "internal_domains"
    case role, extends, models
    case maxContext = "max_context"
    case audit
    case requiresApproval = "requires_approval"
    case block, rule, when, deny
    case requireApproval = "require_approval"
    case redact, alert, reason, controls, message, incident, severity, then, playbook, incidents
    case channel, actions, budget, scope, period, limit, tokens
    case rateLimit = "rate_limit"
    case usage
    case outputEstimate = "output_estimate"
    case reservationTimeout = "reservation_timeout"
    case failOpen = "fail_open"
    case warnAt = "warn_at"
    case defaultLevel = "default_level"
    case logPrompts = "log_prompts"
    case logResponses = "log_responses"
    case encrypt
    case highRiskThreshold = "high_risk_threshold"
    case highRiskAlert = "high_risk_alert"
    case retention, control, placeholders
    case and, or, not, `in`, contains, has, at, least, `true`, `false`
    // Test cases (`test name { … }`): request fields and expectations.
    case test, user, team, department, session, action, feature, prompt, system, response, messages, timestamp, expect
    case contextTokens = "context_tokens"
    case tokensIn = "tokens_in"
    case tokensOut = "tokens_out"
    case filesAccessed = "files_accessed"
    case filesModified = "files_modified"
    case ipAddress = "ip_address"
    case userAgent = "user_agent"
    case budgetUsed = "budget_used"
    case budgetExceeded = "budget_exceeded"
    case requestID = "request_id"
    case maxTokens = "max_tokens"
    case used
    case reasons, alerts, detections, approvals, playbooks
    // Custom detectors (`detector name { … }`).
    case detector, category, pattern, validate, examples, rejects
}
