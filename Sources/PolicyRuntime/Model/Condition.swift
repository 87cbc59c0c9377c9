/// A rule, alert or playbook condition over a request, fully resolved.
///
/// Conditions are finite trees of tests on request fields: no loops, no calls, always
/// terminating. Field names come from ``RequestField``; values are already in base units.
public indirect enum Condition: Sendable, Equatable, Hashable {
    /// Always true or always false.
    case constant(Bool)
    /// True when every part is true (`and`).
    case all([Condition])
    /// True when any part is true (`or`).
    case any([Condition])
    /// True when the part is false.
    case not(Condition)
    /// `field OP value` on a scalar field.
    case compare(field: String, op: ComparisonOperator, value: ScalarValue)
    /// The scalar field equals one of the values.
    case oneOf(field: String, values: [ScalarValue])
    /// The list field has the element.
    case includes(field: String, value: String)
    /// The text field contains the literal, case-insensitively.
    case textContains(field: String, text: String, wholeWord: Bool)
    /// The text field has at least `minCount` findings of the detectors and pattern lists.
    case has(field: String, detectors: [String], patterns: [String], minCount: Int)
    /// The boolean field is true.
    case isTrue(field: String)
}

/// A comparison between a field and a value.
public enum ComparisonOperator: String, ClosedVocabulary {
    /// `condition operator`
    public static let vocabularyName = "condition operator"

    /// Equal.
    case eq
    /// Not equal.
    case ne
    /// Less than.
    case lt
    /// Less than or equal.
    case le
    /// Greater than.
    case gt
    /// Greater than or equal.
    case ge
}

/// A literal in a condition, in base units: strings, integers (tokens, micro-dollars,
/// seconds, whole percent) or booleans.
public enum ScalarValue: Sendable, Equatable, Hashable {
    /// A name or text.
    case string(String)
    /// A whole quantity in base units.
    case integer(Int)
    /// A truth value.
    case boolean(Bool)
}
