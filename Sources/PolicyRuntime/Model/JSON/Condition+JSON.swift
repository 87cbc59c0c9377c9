/// The JSON form of conditions (docs/compiled-format.md, "Conditions"): `{"const": true}`,
/// `{"all": […]}`, `{"any": […]}`, `{"not": …}`, or a test object with an `op`. Each form has
/// exactly its keys; anything else is refused with its path.
extension Condition {
    private enum ConstKey: String, CaseIterable { case const }
    private enum AllKey: String, CaseIterable { case all }
    private enum AnyKey: String, CaseIterable { case any }
    private enum NotKey: String, CaseIterable { case not }
    private enum CompareKey: String, CaseIterable { case op, field, value }
    private enum InKey: String, CaseIterable { case op, field, values }
    private enum IncludesKey: String, CaseIterable { case op, field, value }
    private enum TextContainsKey: String, CaseIterable { case op, field, text, wholeWord = "whole_word" }
    private enum HasKey: String, CaseIterable { case op, field, detectors, patterns, minCount = "min_count" }
    private enum IsTrueKey: String, CaseIterable { case op, field }

    /// Condition operators besides the comparisons.
    private static let testOperators = ["in", "includes", "text_contains", "has", "is_true"]

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        guard case .object(let members, _) = value else {
            throw DocumentValue.error(path, "expected a condition object, found \(value.kindName)")
        }
        func parts(_ value: JSONTree?, _ partsPath: String) throws(CompiledPolicyError) -> [Condition] {
            try DocumentValue.array(value ?? .null(), partsPath) { (item, itemPath) throws(CompiledPolicyError) in
                try Condition(document: item, path: itemPath)
            }
        }
        let form = members.first { ["const", "all", "any", "not", "op"].contains($0.key) }?.key
        switch form {
        case "const":
            self = .constant(try DocumentObject<ConstKey>(value, path).bool(.const))
        case "all":
            let object = try DocumentObject<AllKey>(value, path)
            self = .all(try parts(object.value(.all), object.child(.all)))
        case "any":
            let object = try DocumentObject<AnyKey>(value, path)
            self = .any(try parts(object.value(.any), object.child(.any)))
        case "not":
            let object = try DocumentObject<NotKey>(value, path)
            self = .not(try Condition(document: object.value(.not) ?? .null(), path: object.child(.not)))
        case "op":
            self = try Condition.test(value, members, path)
        default:
            throw DocumentValue.error(path, "a condition needs one of the keys \"const\", \"all\", \"any\", \"not\" or \"op\"")
        }
    }

    private static func test(_ value: JSONTree, _ members: [JSONTree.Member], _ path: String) throws(CompiledPolicyError) -> Condition {
        let opValue = members.first { $0.key == "op" }!.value
        guard case .string(let op, _) = opValue else {
            throw DocumentValue.error(path + ".op", "expected a condition operator, found \(opValue.kindName)")
        }
        switch op {
        case "in":
            let object = try DocumentObject<InKey>(value, path)
            return .oneOf(field: try object.string(.field), values: try object.array(.values) { (item, itemPath) throws(CompiledPolicyError) in
                try scalar(item, itemPath)
            })
        case "includes":
            let object = try DocumentObject<IncludesKey>(value, path)
            return .includes(field: try object.string(.field), value: try object.string(.value))
        case "text_contains":
            let object = try DocumentObject<TextContainsKey>(value, path)
            return .textContains(field: try object.string(.field), text: try object.string(.text), wholeWord: try object.bool(.wholeWord))
        case "has":
            let object = try DocumentObject<HasKey>(value, path)
            return .has(field: try object.string(.field), detectors: try object.strings(.detectors), patterns: try object.strings(.patterns),
                        minCount: try object.integer(.minCount, in: DocumentValue.positive))
        case "is_true":
            return .isTrue(field: try DocumentObject<IsTrueKey>(value, path).string(.field))
        default:
            guard let comparison = ComparisonOperator(rawValue: op) else {
                throw DocumentValue.error(path + ".op", "unknown condition operator \(JSONWriter.quoted(op)); expected "
                                          + (ComparisonOperator.words + testOperators).map { "`\($0)`" }.joined(separator: ", "))
            }
            let object = try DocumentObject<CompareKey>(value, path)
            return .compare(field: try object.string(.field), op: comparison,
                            value: try scalar(object.value(.value) ?? .null(), object.child(.value)))
        }
    }

    /// A condition's literal: a string, a whole number or a boolean.
    private static func scalar(_ value: JSONTree, _ path: String) throws(CompiledPolicyError) -> ScalarValue {
        switch value {
        case .string(let text, _): return .string(text)
        case .bool(let flag, _): return .boolean(flag)
        case .number: return .integer(try DocumentValue.integer(value, path, in: -DocumentValue.maximumInteger...DocumentValue.maximumInteger))
        default: throw DocumentValue.error(path, "expected a string, a whole number or a boolean, found \(value.kindName)")
        }
    }

    var documentJSON: JSONTree {
        func scalar(_ value: ScalarValue) -> JSONTree {
            switch value {
            case .string(let text): return .string(text)
            case .integer(let number): return .integer(number)
            case .boolean(let flag): return .bool(flag)
            }
        }
        switch self {
        case .constant(let flag): return .keyed([(ConstKey.const, .bool(flag))])
        case .all(let parts): return .keyed([(AllKey.all, .array(parts.map(\.documentJSON)))])
        case .any(let parts): return .keyed([(AnyKey.any, .array(parts.map(\.documentJSON)))])
        case .not(let part): return .keyed([(NotKey.not, part.documentJSON)])
        case .compare(let field, let op, let value):
            return .keyed([(CompareKey.op, .word(op)), (.field, .string(field)), (.value, scalar(value))])
        case .oneOf(let field, let values):
            return .keyed([(InKey.op, .string("in")), (.field, .string(field)), (.values, .array(values.map(scalar)))])
        case .includes(let field, let value):
            return .keyed([(IncludesKey.op, .string("includes")), (.field, .string(field)), (.value, .string(value))])
        case .textContains(let field, let text, let wholeWord):
            return .keyed([(TextContainsKey.op, .string("text_contains")), (.field, .string(field)), (.text, .string(text)),
                           (.wholeWord, .bool(wholeWord))])
        case .has(let field, let detectors, let patterns, let minCount):
            return .keyed([(HasKey.op, .string("has")), (.field, .string(field)), (.detectors, .strings(detectors)),
                           (.patterns, .strings(patterns)), (.minCount, .integer(minCount))])
        case .isTrue(let field):
            return .keyed([(IsTrueKey.op, .string("is_true")), (.field, .string(field))])
        }
    }
}
