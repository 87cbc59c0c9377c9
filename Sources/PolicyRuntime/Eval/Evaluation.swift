/// What one request's scan found, per text field: detector findings and literal hits.
struct ScanResults {
    /// A literal of the plan's matcher found in a text.
    struct LiteralHit {
        let literal: Int
        let start: Int
        let end: Int
        let message: Int?
    }

    /// A detector finding, with the message it is in for `messages`.
    struct Located {
        let finding: Finding
        let message: Int?
    }

    // One array per field rather than an array of arrays, so a request whose texts need no
    // scanning allocates nothing here.
    private var promptFindings: [Located] = []
    private var messageFindings: [Located] = []
    private var responseFindings: [Located] = []
    private var promptLiterals: [LiteralHit] = []
    private var messageLiterals: [LiteralHit] = []
    private var responseLiterals: [LiteralHit] = []

    subscript(findings field: TextField) -> [Located] {
        switch field {
        case .prompt: return promptFindings
        case .messages: return messageFindings
        case .response: return responseFindings
        }
    }

    subscript(literals field: TextField) -> [LiteralHit] {
        switch field {
        case .prompt: return promptLiterals
        case .messages: return messageLiterals
        case .response: return responseLiterals
        }
    }

    /// Whether the field has any finding or literal hit.
    func hasAny(in field: TextField) -> Bool {
        switch field {
        case .prompt: return !promptFindings.isEmpty || !promptLiterals.isEmpty
        case .messages: return !messageFindings.isEmpty || !messageLiterals.isEmpty
        case .response: return !responseFindings.isEmpty || !responseLiterals.isEmpty
        }
    }

    /// Appends in place (a get/set subscript would copy the array on every append).
    mutating func append(_ located: Located, to field: TextField) {
        switch field {
        case .prompt: promptFindings.append(located)
        case .messages: messageFindings.append(located)
        case .response: responseFindings.append(located)
        }
    }

    /// Appends in place.
    mutating func append(_ hit: LiteralHit, to field: TextField) {
        switch field {
        case .prompt: promptLiterals.append(hit)
        case .messages: messageLiterals.append(hit)
        case .response: responseLiterals.append(hit)
        }
    }
}

/// Everything a condition may read about one request, resolved once.
struct EvaluationContext {
    let request: Request
    let modelID: String?
    let cost: Int
    var riskPercent: Int
    let scan: ScanResults

    /// The field's value, or nil when the request does not carry it (then every comparison
    /// on it is false: an absent timestamp is not "hour 0").
    func integer(_ field: IntField) -> Int? {
        switch field {
        case .contextTokens: return request.contextTokens
        case .tokensIn: return request.tokensIn
        case .tokensOut: return request.tokensOut
        case .cost: return cost
        case .filesAccessedCount: return request.filesAccessed.count
        case .filesModifiedCount: return request.filesModified.count
        case .hour: return request.hour
        case .budgetUsed: return request.budgetUsedPercent
        case .riskScore: return riskPercent
        }
    }

    func string(_ field: StringField) -> String {
        switch field {
        case .userID: return request.userID ?? ""
        case .role: return request.role ?? ""
        case .team: return request.team ?? ""
        case .department: return request.department ?? ""
        case .sessionID: return request.sessionID ?? ""
        case .action: return request.action ?? ""
        case .model: return modelID ?? request.model ?? ""
        case .feature: return request.feature ?? ""
        case .ipAddress: return request.ipAddress ?? ""
        case .userAgent: return request.userAgent ?? ""
        }
    }

    func list(_ field: ListField) -> [String] {
        switch field {
        case .operations: return request.operations
        case .filesAccessed: return request.filesAccessed
        case .filesModified: return request.filesModified
        }
    }

    /// Evaluates a planned condition. Comparisons on absent numbers are false; absent strings read as "".
    func holds(_ condition: PlannedCondition) -> Bool {
        switch condition {
        case .constant(let value): return value
        case .all(let parts): return parts.allSatisfy(holds)
        case .any(let parts): return parts.contains(where: holds)
        case .not(let inner): return !holds(inner)
        case .integer(let field, let op, let value):
            guard let actual = integer(field) else { return false }
            switch op {
            case .eq: return actual == value
            case .ne: return actual != value
            case .lt: return actual < value
            case .le: return actual <= value
            case .gt: return actual > value
            case .ge: return actual >= value
            }
        case .string(let field, let equal, let value): return (string(field) == value) == equal
        case .stringIn(let field, let values): return values.contains(string(field))
        case .integerIn(let field, let values): return integer(field).map(values.contains) ?? false
        case .includes(let field, let value): return list(field).contains(value)
        case .textContains(let field, let literal): return scan[literals: field].contains { $0.literal == literal }
        case .has(let field, let detectors, let literals, let minCount):
            var count = 0
            for located in scan[findings: field] where detectors.contains(located.finding.detector.rawValue) {
                count += 1
                if count >= minCount { return true }
            }
            for hit in scan[literals: field] where literals.contains(hit.literal) {
                count += 1
                if count >= minCount { return true }
            }
            return false
        case .budgetExceeded(let expected): return (request.budgetExceeded ?? false) == expected
        }
    }
}
