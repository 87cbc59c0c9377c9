/// A condition expression as written. `bad` stands where the parser recovered from an error,
/// so the tree is always complete and the checker can go on.
public indirect enum Expression: Sendable {
    /// `a and b`, `a or b`, `a == b`, `a < b`, …
    case binary(BinaryOperator, Expression, Expression, span: Span)
    /// `not a`
    case not(Expression, span: Span)
    /// `request.model`, `contractor`, `true`
    case path([Name], span: Span)
    /// `"text"`
    case string(StringLiteral)
    /// `200k`, `$5`, `80%`, `30d`
    case quantity(Quantity)
    /// `[a, b]`
    case list([Expression], span: Span)
    /// `x in [a, b]` / `x not in [a, b]`
    case membership(Expression, Expression, negated: Bool, span: Span)
    /// `list contains item`, `text contains "literal"`
    case contains(Expression, Expression, span: Span)
    /// `text has [at least N] pii, secret.jwt, my_patterns`
    case has(Expression, minimum: Quantity?, [DetectorRefSyntax], span: Span)
    /// A placeholder after a syntax error.
    case bad(span: Span)

    /// Where the expression is.
    public var span: Span {
        switch self {
        case .binary(_, _, _, let span), .not(_, let span), .path(_, let span), .list(_, let span),
             .membership(_, _, _, let span), .contains(_, _, let span), .has(_, _, _, let span), .bad(let span):
            return span
        case .string(let literal): return literal.span
        case .quantity(let quantity): return quantity.span
        }
    }
}

/// Binary operators by precedence: `or` < `and` < comparisons.
public enum BinaryOperator: String, Sendable, CaseIterable {
    /// `or`
    case or
    /// `and`
    case and
    /// `==`
    case equal = "=="
    /// `!=`
    case notEqual = "!="
    /// `<`
    case less = "<"
    /// `<=`
    case lessEqual = "<="
    /// `>`
    case greater = ">"
    /// `>=`
    case greaterEqual = ">="

    /// Binding strength for precedence climbing; higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        default: return 3
        }
    }
}
