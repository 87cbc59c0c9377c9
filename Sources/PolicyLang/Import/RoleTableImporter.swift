import PolicyRuntime

/// Converts the guide's JSON role table (`enterprise-ai-policy.json`) into `.pol` source, so a
/// team can adopt the language from what it already has.
///
/// Accepted: `{"roles": {NAME: ROLE, …}}` or a bare `{NAME: ROLE, …}`, where ROLE has `models`
/// (strings), `features`, `requires_approval` (names), `max_context_size` (a non-negative
/// integer), `audit_level` (standard, detailed or comprehensive) and `blocked_patterns`
/// (strings). Any other key, or a value of the wrong kind, is an error at its position: an
/// import that silently dropped a restriction would grant more than the original did.
///
/// The output declares every model (with its provider when the id names a known family), the
/// features and operations used, and one role per entry, in canonical layout.
public enum RoleTableImporter {
    /// A problem with the input, at a byte offset of it.
    public struct Failure: Error, Sendable {
        /// What is wrong.
        public let message: String
        /// Where (byte offset into the JSON).
        public let offset: Int
    }

    private struct Role {
        var name: String
        var models: [String] = []
        var features: [String] = []
        var approvals: [String] = []
        var maxContext: String?
        var audit: String?
        var blocked: [String] = []
    }

    /// The `.pol` source for a role table, formatted.
    /// - Parameter policyName: the name in the `policy "…" version 1` header.
    /// - Throws: ``Failure`` for bad JSON or a value the language cannot express.
    public static func convert(_ json: [UInt8], policyName: String) throws(Failure) -> String {
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(json)
        } catch {
            throw Failure(message: "invalid JSON: \(error.message)", offset: error.offset)
        }
        guard case .object(var members, _) = tree else {
            throw Failure(message: "expected an object of roles, found \(tree.kindName)", offset: tree.offset)
        }
        if members.count == 1, members[0].key == "roles" {
            guard case .object(let roles, _) = members[0].value else {
                throw Failure(message: "`roles` must be an object, found \(members[0].value.kindName)", offset: members[0].value.offset)
            }
            members = roles
        }
        let roles = try members.map { member throws(Failure) in try role(member.key, member.keyOffset, member.value) }
        return render(roles, policyName: policyName)
    }

    private static func role(_ name: String, _ offset: Int, _ value: JSONTree) throws(Failure) -> Role {
        guard isName(name) else {
            throw Failure(message: "role name \"\(name)\" is not a name (letters, digits and `_`, not starting with a digit)", offset: offset)
        }
        guard case .object(let properties, _) = value else {
            throw Failure(message: "role `\(name)` must be an object, found \(value.kindName)", offset: value.offset)
        }
        var role = Role(name: name)
        for member in properties {
            let (key, keyOffset, property) = (member.key, member.keyOffset, member.value)
            switch key {
            case "models": role.models = try strings(property, "`models` of role `\(name)`")
            case "features": role.features = try names(property, "`features` of role `\(name)`")
            case "requires_approval": role.approvals = try names(property, "`requires_approval` of role `\(name)`")
            case "blocked_patterns": role.blocked = try strings(property, "`blocked_patterns` of role `\(name)`")
            case "max_context_size":
                guard case .number(let text, _) = property, let tokens = Int(text), tokens > 0,
                      tokens <= CompiledPolicy.maximumInteger else {
                    throw Failure(message: "`max_context_size` of role `\(name)` must be a positive whole number of tokens, "
                                  + "at most \(CompiledPolicy.maximumInteger)", offset: property.offset)
                }
                role.maxContext = quantity(tokens)
            case "audit_level":
                guard case .string(let level, _) = property, Vocabulary.auditLevels.contains(level) else {
                    throw Failure(message: "`audit_level` of role `\(name)` must be one of \(Vocabulary.auditLevels.joined(separator: ", "))",
                                  offset: property.offset)
                }
                role.audit = level
            default:
                let known = ["models", "features", "max_context_size", "audit_level", "requires_approval", "blocked_patterns"]
                throw Failure(message: "unknown key \"\(key)\" in role `\(name)`" + (Suggestion.closest(to: key, in: known).map { "; did you mean \"\($0)\"?" } ?? ""),
                              offset: keyOffset)
            }
        }
        return role
    }

    private static func strings(_ value: JSONTree, _ what: String) throws(Failure) -> [String] {
        guard case .array(let items, _) = value else { throw Failure(message: "\(what) must be an array of strings", offset: value.offset) }
        var result: [String] = []
        for item in items {
            // The quoted form must fit the language's string limit.
            guard case .string(let text, _) = item, !text.isEmpty, quoted(text).utf8.count <= Limits.maxStringBytes else {
                let found = if case .string(let text, _) = item { text.isEmpty ? "an empty string" : "a string over 64 KiB" } else { item.kindName }
                throw Failure(message: "\(what) must hold non-empty strings, found \(found)", offset: item.offset)
            }
            if !result.contains(text) { result.append(text) }
        }
        return result
    }

    private static func names(_ value: JSONTree, _ what: String) throws(Failure) -> [String] {
        guard case .array(let items, _) = value else { throw Failure(message: "\(what) must be an array of names", offset: value.offset) }
        for item in items {
            guard case .string(let text, _) = item, isName(text) else {
                let found = if case .string(let text, _) = item { "\"\(text)\"" } else { item.kindName }
                throw Failure(message: "\(what) must hold names (letters, digits and `_`), found \(found)", offset: item.offset)
            }
        }
        return try strings(value, what)
    }

    private static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(0x30...0x39).contains(first), text.utf8.count <= 256 else { return false }
        return text.utf8.allSatisfy { ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// `200000` as `200k`, `1000000` as `1M`.
    private static func quantity(_ tokens: Int) -> String {
        if tokens > 0, tokens % 1_000_000 == 0 { return "\(tokens / 1_000_000)M" }
        if tokens > 0, tokens % 1_000 == 0 { return "\(tokens / 1_000)k" }
        return String(tokens)
    }

    /// The provider a model id's family belongs to, when it is recognisable.
    private static func provider(of model: String) -> String? {
        let families = [("claude", "anthropic"), ("gpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("gemini", "google"),
                        ("llama", "meta"), ("mistral", "mistral"), ("mixtral", "mistral"), ("command", "cohere")]
        let lowered = model.lowercased()
        return families.first { lowered.hasPrefix($0.0) }?.1
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func render(_ roles: [Role], policyName: String) -> String {
        func ordered(_ lists: [[String]]) -> [String] {
            var seen = Set<String>()
            return lists.joined().filter { seen.insert($0).inserted }
        }
        let models = ordered(roles.map(\.models))
        let features = ordered(roles.map(\.features))
        let operations = ordered(roles.map(\.approvals))
        var text = "# Imported from the JSON role table by `policyc import`.\n"
        text += "policy \(quoted(policyName)) version 1\n\n"
        for model in models {
            text += "model \(quoted(model)) {\n"
            if let provider = provider(of: model) { text += "  provider \(provider)\n" }
            text += "}\n\n"
        }
        if !features.isEmpty { text += "features " + features.joined(separator: ", ") + "\n" }
        if !operations.isEmpty { text += "operations " + operations.joined(separator: ", ") + "\n" }
        for role in roles {
            text += "\nrole \(role.name) {\n"
            if !role.models.isEmpty { text += "  models " + role.models.map(quoted).joined(separator: ", ") + "\n" }
            if !role.features.isEmpty { text += "  features " + role.features.joined(separator: ", ") + "\n" }
            if let limit = role.maxContext { text += "  max_context \(limit)\n" }
            if let audit = role.audit { text += "  audit \(audit)\n" }
            if !role.approvals.isEmpty { text += "  requires_approval " + role.approvals.joined(separator: ", ") + "\n" }
            if !role.blocked.isEmpty { text += "  block " + role.blocked.map(quoted).joined(separator: ", ") + "\n" }
            text += "}\n"
        }
        // The text above is generated from checked names and quoted strings, so it parses.
        return (try? SourceFormatter.format(SourceFile(path: "import.pol", text: text))) ?? text
    }
}
