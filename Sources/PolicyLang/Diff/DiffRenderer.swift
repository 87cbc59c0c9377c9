import PolicyRuntime

/// Prints a ``PolicyDiff`` for people (grouped by role; grants `+` in green, revocations `-` in
/// red, other changes `~`) or as JSON.
public enum DiffRenderer {
    /// The text form; `color` adds ANSI colours.
    public static func text(_ diff: PolicyDiff, color: Bool) -> String {
        func paint(_ line: String, _ direction: PolicyDiff.Direction) -> String {
            let sign: String
            let code: String
            switch direction {
            case .grant: (sign, code) = ("+", "32")
            case .revoke: (sign, code) = ("-", "31")
            case .change: (sign, code) = ("~", "33")
            }
            return color ? "\u{1B}[\(code)m\(sign) \(line)\u{1B}[0m\n" : "\(sign) \(line)\n"
        }
        var out = "policy \"\(diff.old.name)\" version \(diff.old.version) → \"\(diff.new.name)\" version \(diff.new.version)\n"
        if diff.isEmpty { return out + "no changes\n" }
        for role in diff.roles {
            out += "\nrole \(role.role)" + (role.status == "changed" ? "" : " (\(role.status))") + "\n"
            for change in role.access { out += "  " + paint(describe(change, role: role.role), change.direction) }
            for change in role.other { out += "  " + paint("\(role.role): \(change.description)", change.direction) }
        }
        if !diff.declarations.isEmpty {
            out += "\nrules, alerts, playbooks, budgets and rate limits\n"
            for change in diff.declarations {
                let details = change.details.isEmpty ? "" : ": " + change.details.joined(separator: ", ")
                out += "  " + paint("\(change.kind) \(change.name) \(change.status)\(details)", change.direction)
            }
        }
        let others = diff.roles.reduce(0) { $0 + $1.access.filter { $0.direction == .change }.count
            + $1.other.filter { $0.direction == .change }.count } + diff.declarations.filter { $0.direction == .change }.count
        out += "\n\(diff.grants) \(diff.grants == 1 ? "grant" : "grants"), \(diff.revocations) "
            + "\(diff.revocations == 1 ? "revocation" : "revocations"), \(others) other \(others == 1 ? "change" : "changes")\n"
        return out
    }

    /// `contractor · claude-3-haiku · ask_mode: context 20,001–50,000 now allowed`
    static func describe(_ change: PolicyDiff.AccessChange, role: String) -> String {
        var parts = [role, change.models?.joined(separator: ", ") ?? "any model", change.features?.joined(separator: ", ") ?? "any feature"]
        if let operation = change.operation { parts.append("with \(operation)") }
        var line = parts.joined(separator: " · ")
        let range = change.context
        switch (range.from, range.to) {
        case (0, nil): line += ":"
        case (0, let to?): line += ": context up to \(GroupedNumber.text(to))"
        case (let from, nil): line += ": context from \(GroupedNumber.text(from))"
        case (let from, let to?): line += ": context \(GroupedNumber.text(from))–\(GroupedNumber.text(to))"
        }
        return line + " " + phrase(change.old, change.new)
    }

    static func phrase(_ old: Decision.Outcome, _ new: Decision.Outcome) -> String {
        switch (old, new) {
        case (_, .allow): return old == .requireApproval ? "no longer needs approval" : "now allowed"
        case (_, .deny): return "now denied"
        case (.allow, .requireApproval): return "now needs approval"
        default: return "now needs approval instead of being denied"
        }
    }


    /// The JSON form: the identities, every change with its direction, and the counts.
    public static func json(_ diff: PolicyDiff) -> String {
        var out: [UInt8] = []
        func key(_ name: String) {
            JSONWriter.string(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ text: String) { JSONWriter.string(text, into: &out) }
        func list(_ items: [String]?) {
            guard let items else {
                out += Array("null".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(item)
            }
            out.append(UInt8(ascii: "]"))
        }
        func identity(_ policy: PolicyIdentity) {
            out.append(UInt8(ascii: "{"))
            key("name"); string(policy.name)
            out += Array(",\"version\":\(policy.version),".utf8)
            key("digest"); string(policy.digest)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("{\"old\":".utf8)
        identity(diff.old)
        out += Array(",\"new\":".utf8)
        identity(diff.new)
        out += Array(",\"roles\":[".utf8)
        for (index, role) in diff.roles.enumerated() {
            out += Array((index > 0 ? "," : "").utf8) + Array("{".utf8)
            key("role"); string(role.role)
            out.append(UInt8(ascii: ",")); key("status"); string(role.status)
            out += Array(",\"access\":[".utf8)
            for (position, change) in role.access.enumerated() {
                out += Array((position > 0 ? ",{" : "{").utf8)
                key("models"); list(change.models)
                out.append(UInt8(ascii: ",")); key("features"); list(change.features)
                out.append(UInt8(ascii: ",")); key("operation")
                if let operation = change.operation { string(operation) } else { out += Array("null".utf8) }
                out += Array(",\"context\":{\"from\":\(change.context.from),\"to\":\(change.context.to.map(String.init) ?? "null")},".utf8)
                key("old"); string(change.old.rawValue)
                out.append(UInt8(ascii: ",")); key("new"); string(change.new.rawValue)
                out.append(UInt8(ascii: ",")); key("direction"); string(change.direction.rawValue)
                out.append(UInt8(ascii: "}"))
            }
            out += Array("],\"other\":[".utf8)
            for (position, change) in role.other.enumerated() {
                out += Array((position > 0 ? ",{" : "{").utf8)
                key("change"); string(change.description)
                out.append(UInt8(ascii: ",")); key("direction"); string(change.direction.rawValue)
                out.append(UInt8(ascii: "}"))
            }
            out += Array("]}".utf8)
        }
        out += Array("],\"declarations\":[".utf8)
        for (index, change) in diff.declarations.enumerated() {
            out += Array((index > 0 ? ",{" : "{").utf8)
            key("kind"); string(change.kind)
            out.append(UInt8(ascii: ",")); key("name"); string(change.name)
            out.append(UInt8(ascii: ",")); key("status"); string(change.status)
            out.append(UInt8(ascii: ",")); key("details"); list(change.details)
            out.append(UInt8(ascii: ",")); key("direction"); string(change.direction.rawValue)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("],\"grants\":\(diff.grants),\"revocations\":\(diff.revocations)}\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
