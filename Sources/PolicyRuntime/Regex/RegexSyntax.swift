/// A parsed regular expression: the RE2-like subset policies may use (grammar.md, "Regular
/// expressions"). Nothing here needs backtracking: every node compiles to a Thompson NFA.
indirect enum RegexNode: Sendable, Equatable {
    /// Matches the empty string.
    case empty
    /// One scalar from the set.
    case scalars(ScalarSet)
    /// Each in turn.
    case concat([RegexNode])
    /// The first alternative that leads to a match is preferred (leftmost-first).
    case alternate([RegexNode])
    /// `min` to `max` (nil: unbounded) repetitions, greedy or lazy.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// A zero-width test.
    case assertion(RegexAssertion)

    /// The node that matches the reversed texts (for the backward search of a match's start);
    /// assertions keep their meaning only for programs that have none, the only ones reversed.
    func reversed() -> RegexNode {
        switch self {
        case .empty, .scalars, .assertion: return self
        case .concat(let items): return .concat(items.reversed().map { $0.reversed() })
        case .alternate(let branches): return .alternate(branches.map { $0.reversed() })
        case .repetition(let body, let minimum, let maximum, let greedy):
            return .repetition(body.reversed(), min: minimum, max: maximum, greedy: greedy)
        }
    }

    /// Whether the node can match the empty string.
    var canBeEmpty: Bool {
        switch self {
        case .empty, .assertion: return true
        case .scalars: return false
        case .concat(let items): return items.allSatisfy(\.canBeEmpty)
        case .alternate(let branches): return branches.contains(where: \.canBeEmpty)
        case .repetition(let body, let minimum, _, _): return minimum == 0 || body.canBeEmpty
        }
    }
}

/// Zero-width tests.
enum RegexAssertion: Sendable, Equatable {
    /// `^` or `\A`: the start of the text.
    case textStart
    /// `$` or `\z`: the end of the text.
    case textEnd
    /// `\b`: between a word character (`[0-9A-Za-z_]`) and a non-word one, or the text's edge.
    case wordBoundary
    /// `\B`
    case notWordBoundary
}

/// Why a pattern was refused, and where in it (a byte offset into the pattern's UTF-8).
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Byte offset into the pattern of the offending character.
    public let offset: Int

    /// `message (at byte N of the pattern)`.
    public var description: String { "\(message) (at byte \(offset) of the pattern)" }
}
