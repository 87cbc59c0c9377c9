/// Text fields that scanners read.
enum TextField: Int, Sendable, CaseIterable {
    case prompt = 0, system = 3, messages = 1, response = 2

    /// Every field, in the order the model reads them (`allCases` builds a new array per call).
    static let all: [TextField] = allCases
    /// The fields whose text goes to the model (``RequestField/modelBound``).
    static let modelBound: [TextField] = RequestField.modelBound.compactMap(\.textField)

    var name: String {
        switch self {
        case .prompt: return "prompt"
        case .system: return "system"
        case .messages: return "messages"
        case .response: return "response"
        }
    }
}

/// A condition with every name resolved: fields to ``RequestField`` cases, models to canonical
/// ids, detectors and pattern lists to bit sets. Built once per plan, evaluated per request.
/// It has the shape of the compiled ``Condition`` it came from, node for node, so a trace of
/// its values renders against the compiled condition.
indirect enum PlannedCondition: Sendable {
    case constant(Bool)
    case all([PlannedCondition])
    case any([PlannedCondition])
    case not(PlannedCondition)
    case integer(RequestField, ComparisonOperator, Int)
    case string(RequestField, equal: Bool, String)
    case stringIn(RequestField, Set<String>)
    case integerIn(RequestField, Set<Int>)
    case includes(RequestField, String)
    /// The text contains the plan's literal `literal` (an index into the plan's matcher).
    case textContains(TextField, literal: Int)
    /// The text has at least `minCount` findings of these detectors or these literals.
    case has(TextField, detectors: BitSet, literals: BitSet, minCount: Int)
    /// The boolean field has this value.
    case boolean(RequestField, Bool)
}
