/// A condition expression as written. `bad` stands where the parser recovered from an error,
/// so the tree is always complete and the checker can go on.
public indirect enum ExpressionSyntax: Sendable {
    /// `a and b`, `a or b`, `a == b`, `a < b`, …
    case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax, span: Span)
    /// `not a`
    case not(ExpressionSyntax, span: Span)
    /// `request.model`, `contractor`, `true`
    case path([Name], span: Span)
    /// `"text"`
    case string(StringLiteral)
    /// `200k`, `$5`, `80%`, `30d`
    case quantity(Quantity)
    /// `[a, b]`
    case list([ExpressionSyntax], span: Span)
    /// `x in [a, b]` / `x not in [a, b]`
    case membership(ExpressionSyntax, ExpressionSyntax, negated: Bool, span: Span)
    /// `list contains item`, `text contains "literal"`
    case contains(ExpressionSyntax, ExpressionSyntax, span: Span)
    /// `text has [at least N] pii, secret.jwt, my_patterns`
    case has(ExpressionSyntax, minimum: Quantity?, [DetectorRefSyntax], span: Span)
    /// A placeholder after a syntax error.
    case bad(span: Span)

    /// Whether a `bad` placeholder is inside, i.e. the parser already reported a problem here.
    /// Recursion is bounded by the parser's nesting cap; a chain of `and`/`or`, which parses one
    /// level per term, is walked along its left spine in a loop.
    public var containsError: Bool {
        switch self {
        case .bad: return true
        case .binary:
            var spine = self
            while case .binary(_, let left, let right, _) = spine {
                if right.containsError { return true }
                spine = left
            }
            return spine.containsError
        case .membership(let left, let right, _, _), .contains(let left, let right, _):
            return left.containsError || right.containsError
        case .not(let inner, _), .has(let inner, _, _, _): return inner.containsError
        case .list(let items, _): return items.contains { $0.containsError }
        case .path, .string, .quantity: return false
        }
    }

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
