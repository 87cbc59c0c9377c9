/// Request fields by kind, resolved to slots when the plan is built so evaluation never looks
/// a field up by name.
enum IntField: Sendable {
    case contextTokens, tokensIn, tokensOut, cost, filesAccessedCount, filesModifiedCount, hour, budgetUsed, riskScore
}

/// String-valued request fields.
enum StringField: Sendable {
    case userID, role, team, department, sessionID, action, model, feature, ipAddress, userAgent
}

/// List-valued request fields.
enum ListField: Sendable {
    case operations, filesAccessed, filesModified
}

/// Text fields that scanners read.
enum TextField: Int, Sendable, CaseIterable {
    case prompt = 0, messages = 1, response = 2

    var name: String {
        switch self {
        case .prompt: return "prompt"
        case .messages: return "messages"
        case .response: return "response"
        }
    }
}

/// A condition with every name resolved: fields to slots, models to canonical ids, detectors
/// and pattern lists to bit sets. Built once per plan, evaluated per request.
indirect enum PlannedCondition: Sendable {
    case constant(Bool)
    case all([PlannedCondition])
    case any([PlannedCondition])
    case not(PlannedCondition)
    case integer(IntField, ComparisonOperator, Int)
    case string(StringField, equal: Bool, String)
    case stringIn(StringField, Set<String>)
    case integerIn(IntField, Set<Int>)
    case includes(ListField, String)
    /// The text contains the plan's literal `literal` (an index into the plan's matcher).
    case textContains(TextField, literal: Int)
    /// The text has at least `minCount` findings of these detectors or these literals.
    case has(TextField, detectors: BitSet, literals: BitSet, minCount: Int)
    case budgetExceeded(Bool)

    /// The text fields the condition scans, so a plan scans only what some condition reads.
    var textFields: Set<TextField> {
        switch self {
        case .all(let parts), .any(let parts): return parts.reduce(into: Set()) { $0.formUnion($1.textFields) }
        case .not(let inner): return inner.textFields
        case .textContains(let field, _), .has(let field, _, _, _): return [field]
        default: return []
        }
    }
}
