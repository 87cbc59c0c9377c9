import Foundation

/// Validates JSON against the subset of JSON Schema (draft 2020-12) that
/// `schema/policy.schema.json` uses, so the tests hold the published schema to the documents
/// the compiler really writes. Unknown keywords fail loudly rather than being ignored.
struct SchemaValidator {
    let root: JSONValue

    private static let known: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
        "additionalProperties", "items", "enum", "const", "oneOf", "minimum", "maximum", "minLength", "minItems",
        "pattern", "propertyNames",
    ]

    /// Every violation as `path: problem`; empty when the document is valid.
    func validate(_ value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, against: root, at: "$", into: &problems)
        return problems
    }

    private func resolve(_ schema: JSONValue) -> [String: JSONValue] {
        guard case .object(var object) = schema else { return [:] }
        while case .string(let reference)? = object["$ref"] {
            let name = String(reference.dropFirst("#/$defs/".count))
            guard case .object(let root) = root, case .object(let definitions)? = root["$defs"],
                  case .object(let target)? = definitions[name] else { return ["unresolved": .string(reference)] }
            object = target
        }
        return object
    }

    private func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    private func check(_ value: JSONValue, against rawSchema: JSONValue, at path: String, into problems: inout [String]) {
        let schema = resolve(rawSchema)
        if case .string(let reference)? = schema["unresolved"] {
            problems.append("\(path): unresolved $ref \(reference)")
            return
        }
        for key in schema.keys where !SchemaValidator.known.contains(key) {
            problems.append("\(path): schema keyword `\(key)` is not supported by the test validator")
        }
        if let type = schema["type"] {
            var allowed: [String] = []
            if case .string(let name) = type { allowed = [name] }
            if case .array(let names) = type { allowed = names.compactMap { if case .string(let n) = $0 { return n } else { return nil } } }
            let actual = typeName(value)
            if !allowed.contains(actual), !(actual == "integer" && allowed.contains("number")) {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), found \(actual)")
                return
            }
        }
        if let constant = schema["const"], constant != value { problems.append("\(path): expected constant \(constant)") }
        if case .array(let options)? = schema["enum"], !options.contains(value) { problems.append("\(path): \(value) is not allowed") }
        if case .array(let options)? = schema["oneOf"] {
            let matches = options.filter { option in
                var scratch: [String] = []
                check(value, against: option, at: path, into: &scratch)
                return scratch.isEmpty
            }.count
            if matches != 1 { problems.append("\(path): matches \(matches) of the oneOf alternatives, expected exactly 1") }
        }
        switch value {
        case .integer(let number):
            if case .integer(let minimum)? = schema["minimum"], number < minimum { problems.append("\(path): below minimum \(minimum)") }
            if case .integer(let maximum)? = schema["maximum"], number > maximum { problems.append("\(path): above maximum \(maximum)") }
        case .string(let text):
            if case .integer(let minimum)? = schema["minLength"], text.count < minimum { problems.append("\(path): shorter than \(minimum)") }
            if case .string(let pattern)? = schema["pattern"],
               text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): `\(text)` does not match \(pattern)")
            }
        case .array(let items):
            if case .integer(let minimum)? = schema["minItems"], items.count < minimum { problems.append("\(path): fewer than \(minimum) items") }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(index)]", into: &problems) }
            }
        case .object(let members):
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = schema["properties"] { properties = declared }
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where members[name] == nil { problems.append("\(path): missing `\(name)`") }
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertyNames = schema["propertyNames"] { check(.string(name), against: propertyNames, at: "\(path) key", into: &problems) }
                if let property = properties[name] {
                    check(member, against: property, at: "\(path).\(name)", into: &problems)
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append("\(path): unexpected property `\(name)`")
                    } else if case .object = additional {
                        check(member, against: additional, at: "\(path).\(name)", into: &problems)
                    }
                }
            }
        default:
            break
        }
    }
}
