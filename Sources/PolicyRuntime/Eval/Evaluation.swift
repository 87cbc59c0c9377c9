/// What one request's scan found, per text field: detector findings and literal hits.
struct ScanResults {
    /// A literal of the plan's matcher found in a text.
    struct LiteralHit {
        let literal: Int
        let start: Int
        let end: Int
        let location: TextLocation
    }

    /// A detector finding, with where in the field it is.
    struct Located {
        let finding: Finding
        let location: TextLocation
    }

    /// One field's results.
    private struct Field {
        var findings: [Located] = []
        var literals: [LiteralHit] = []

        mutating func removeDuplicates() {
            literals.sort { ($0.location, $0.start, $0.end, $0.literal) < ($1.location, $1.start, $1.end, $1.literal) }
            var kept: [LiteralHit] = []
            for hit in literals {
                if let last = kept.last, last.location == hit.location, last.start == hit.start, last.end == hit.end,
                   last.literal == hit.literal { continue }
                kept.append(hit)
            }
            literals = kept
            findings.sort {
                ($0.location, $0.finding.start, $0.finding.detector.rawValue) < ($1.location, $1.finding.start, $1.finding.detector.rawValue)
            }
            findings = Finding.mergingOverlaps(findings, finding: \.finding, sameGroup: { $0.location == $1.location },
                                               replacing: { Located(finding: $1, location: $0.location) })
        }
    }

    // Empty until the first hit, then one per field (by raw value): a request whose texts
    // need no scanning, or have nothing in them, carries one empty array and allocates nothing.
    private var fields: [Field] = []

    private mutating func append(to field: TextField, _ body: (inout Field) -> Void) {
        if fields.isEmpty { fields = Array(repeating: Field(), count: TextField.all.count) }
        body(&fields[field.rawValue])
    }

    subscript(findings field: TextField) -> [Located] {
        fields.isEmpty ? [] : fields[field.rawValue].findings
    }

    subscript(literals field: TextField) -> [LiteralHit] {
        fields.isEmpty ? [] : fields[field.rawValue].literals
    }

    /// Whether the field has any finding or literal hit.
    func hasAny(in field: TextField) -> Bool {
        !fields.isEmpty && (!fields[field.rawValue].findings.isEmpty || !fields[field.rawValue].literals.isEmpty)
    }

    /// Appends in place.
    mutating func append(_ located: Located, to field: TextField) {
        append(to: field) { $0.findings.append(located) }
    }

    /// Appends in place.
    mutating func append(_ hit: LiteralHit, to field: TextField) {
        append(to: field) { $0.literals.append(hit) }
    }

    /// Merges the hits a field's texts found twice (joined and part by part; see
    /// ``Request/forEachScanText(in:_:)``): equal literal hits once, overlapping findings of one
    /// detector in one place as one. Leaves the hits ordered by place and start.
    mutating func removeDuplicates(in field: TextField) {
        guard !fields.isEmpty else { return }
        fields[field.rawValue].removeDuplicates()
    }
}

/// Everything a condition may read about one request, resolved once.
struct EvaluationContext {
    let request: Request
    let modelID: String?
    let cost: Int
    var riskPercent: Int
    let scan: ScanResults

    /// A field's value for conditions.
    enum Value {
        /// A number, or nil when the request does not carry it (then every comparison on it is
        /// false: an absent timestamp is not "hour 0").
        case integer(Int?)
        /// A string; absent strings read as "".
        case string(String)
        case list([String])
        case bool(Bool)
        /// A text field, which conditions read through the scan.
        case text
    }

    /// The value of a field. The switch is exhaustive: a field added to ``RequestField`` does not
    /// build until evaluation says how it is read.
    func value(_ field: RequestField) -> Value {
        switch field {
        case .userID: return .string(request.userID ?? "")
        case .role: return .string(request.role ?? "")
        case .team: return .string(request.team ?? "")
        case .department: return .string(request.department ?? "")
        case .sessionID: return .string(request.sessionID ?? "")
        case .action: return .string(request.action.rawValue)
        case .model: return .string(modelID ?? request.model ?? "")
        case .feature: return .string(request.feature ?? "")
        case .contextTokens: return .integer(request.contextTokens)
        case .tokensIn: return .integer(request.tokensIn)
        case .tokensOut: return .integer(request.tokensOut)
        case .cost: return .integer(cost)
        case .operations: return .list(request.operations)
        case .filesAccessed: return .list(request.filesAccessed)
        case .filesModified: return .list(request.filesModified)
        case .filesAccessedCount: return .integer(request.filesAccessed.count)
        case .filesModifiedCount: return .integer(request.filesModified.count)
        case .ipAddress: return .string(request.ipAddress ?? "")
        case .userAgent: return .string(request.userAgent ?? "")
        case .hour: return .integer(request.timestamp?.utcHour)
        case .weekday: return .string(request.timestamp?.weekday.rawValue ?? "")
        case .prompt, .system, .messages, .response: return .text
        case .budgetUsed: return .integer(request.budgetUsedPercent)
        case .budgetExceeded: return .bool(request.budgetExceeded ?? false)
        case .riskScore: return .integer(riskPercent)
        }
    }

    private func integer(_ field: RequestField) -> Int? {
        if case .integer(let number) = value(field) { return number }
        return nil
    }

    private func string(_ field: RequestField) -> String {
        if case .string(let text) = value(field) { return text }
        return ""
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
        case .includes(let field, let value):
            if case .list(let items) = self.value(field) { return items.contains(value) }
            return false
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
        case .boolean(let field, let expected):
            if case .bool(let flag) = value(field) { return flag == expected }
            return false
        }
    }

    /// Evaluates a condition and records every node's value, pre-order. Parts are all evaluated
    /// (no short cut), which gives the same result since conditions have no side effects.
    func trace(_ condition: PlannedCondition) -> EvaluationTrace.ConditionTrace {
        var values: [Bool] = []
        let holds = record(condition, into: &values)
        return EvaluationTrace.ConditionTrace(holds: holds, values: values)
    }

    private func record(_ condition: PlannedCondition, into values: inout [Bool]) -> Bool {
        let slot = values.count
        values.append(false)
        let result: Bool
        switch condition {
        case .all(let parts):
            var all = true
            for part in parts where !record(part, into: &values) { all = false }
            result = all
        case .any(let parts):
            var any = false
            for part in parts where record(part, into: &values) { any = true }
            result = any
        case .not(let inner):
            result = !record(inner, into: &values)
        default:
            result = holds(condition)
        }
        values[slot] = result
        return result
    }
}
