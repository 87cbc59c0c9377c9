/// JSON form of conditions, documented in docs/compiled-format.md:
/// `{"const": true}`, `{"all": […]}`, `{"any": […]}`, `{"not": …}`, or a test object with an `op`.
extension Condition: Codable {
    private enum Key: String, CodingKey {
        case const, all, any, not, op, field, value, values, text, wholeWord = "whole_word"
        case detectors, patterns, minCount = "min_count"
    }

    /// Decodes a condition, rejecting unknown shapes with a message naming the problem.
    public init(from decoder: Decoder) throws {
        let object = try decoder.container(keyedBy: Key.self)
        if let flag = try object.decodeIfPresent(Bool.self, forKey: .const) {
            self = .constant(flag)
        } else if let parts = try object.decodeIfPresent([Condition].self, forKey: .all) {
            self = .all(parts)
        } else if let parts = try object.decodeIfPresent([Condition].self, forKey: .any) {
            self = .any(parts)
        } else if let part = try object.decodeIfPresent(Condition.self, forKey: .not) {
            self = .not(part)
        } else {
            let op = try object.decode(String.self, forKey: .op)
            let field = try object.decode(String.self, forKey: .field)
            switch op {
            case "in":
                self = .oneOf(field: field, values: try object.decode([ScalarValue].self, forKey: .values))
            case "includes":
                self = .includes(field: field, value: try object.decode(String.self, forKey: .value))
            case "text_contains":
                self = .textContains(field: field, text: try object.decode(String.self, forKey: .text),
                                     wholeWord: try object.decode(Bool.self, forKey: .wholeWord))
            case "has":
                self = .has(field: field, detectors: try object.decode([String].self, forKey: .detectors),
                            patterns: try object.decode([String].self, forKey: .patterns),
                            minCount: try object.decode(Int.self, forKey: .minCount))
            case "is_true":
                self = .isTrue(field: field)
            default:
                guard let comparison = ComparisonOperator(rawValue: op) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .op, in: object, debugDescription: "unknown condition operator `\(op)`")
                }
                self = .compare(field: field, op: comparison, value: try object.decode(ScalarValue.self, forKey: .value))
            }
        }
    }

    /// Encodes the condition in its documented JSON form.
    public func encode(to encoder: Encoder) throws {
        var object = encoder.container(keyedBy: Key.self)
        switch self {
        case .constant(let flag):
            try object.encode(flag, forKey: .const)
        case .all(let parts):
            try object.encode(parts, forKey: .all)
        case .any(let parts):
            try object.encode(parts, forKey: .any)
        case .not(let part):
            try object.encode(part, forKey: .not)
        case .compare(let field, let op, let value):
            try object.encode(op.rawValue, forKey: .op)
            try object.encode(field, forKey: .field)
            try object.encode(value, forKey: .value)
        case .oneOf(let field, let values):
            try object.encode("in", forKey: .op)
            try object.encode(field, forKey: .field)
            try object.encode(values, forKey: .values)
        case .includes(let field, let value):
            try object.encode("includes", forKey: .op)
            try object.encode(field, forKey: .field)
            try object.encode(value, forKey: .value)
        case .textContains(let field, let text, let wholeWord):
            try object.encode("text_contains", forKey: .op)
            try object.encode(field, forKey: .field)
            try object.encode(text, forKey: .text)
            try object.encode(wholeWord, forKey: .wholeWord)
        case .has(let field, let detectors, let patterns, let minCount):
            try object.encode("has", forKey: .op)
            try object.encode(field, forKey: .field)
            try object.encode(detectors, forKey: .detectors)
            try object.encode(patterns, forKey: .patterns)
            try object.encode(minCount, forKey: .minCount)
        case .isTrue(let field):
            try object.encode("is_true", forKey: .op)
            try object.encode(field, forKey: .field)
        }
    }
}
