import Foundation

/// Where a trail's records are (docs/audit.md, "Files"): `audit-SEQ.jsonl`, SEQ being the first
/// record's `seq` in 12 digits, so that the names sort in chain order; one record per line.
enum AuditFiles {
    static let prefix = "audit-"
    static let suffix = ".jsonl"

    /// The name of the file whose first record has `seq`.
    static func name(firstSeq: Int) -> String {
        let digits = String(firstSeq)
        return prefix + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + suffix
    }

    /// Whether a name is a trail file's.
    static func isTrailFile(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.utf8.count == prefix.utf8.count + 12 + suffix.utf8.count
            && name.dropFirst(prefix.count).prefix(12).allSatisfy(\.isASCII) && Int(name.dropFirst(prefix.count).prefix(12)) != nil
    }

    /// The trail's files in `directory`, in chain order.
    static func list(_ directory: String) throws(AuditError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw AuditError(.io, "cannot read the audit directory `\(directory)`")
        }
        return names.filter(isTrailFile).sorted()
    }

    /// A record line's fields; nil when the line is not a JSON object.
    static func fields(ofLine line: ArraySlice<UInt8>) -> [JSONTree.Member]? {
        guard let tree = try? JSONTree.parse(Array(line)), case .object(let members, _) = tree else { return nil }
        return members
    }

    /// A record's `seq`, `prev`, `kid` and `mac`, when it has all four in their forms.
    static func chainFields(_ fields: [JSONTree.Member]) -> (seq: Int, prev: String, kid: String, mac: String)? {
        var seq: Int?, prev: String?, kid: String?, mac: String?
        for field in fields {
            switch field.key {
            case "seq": seq = field.value.integerValue
            case "prev": if case .string(let text, _) = field.value { prev = text }
            case "kid": if case .string(let text, _) = field.value { kid = text }
            case "mac": if case .string(let text, _) = field.value { mac = text }
            default: break
            }
        }
        guard let seq, seq >= 1, let prev, AuditChain.isMAC(prev), let kid, let mac, AuditChain.isMAC(mac) else { return nil }
        return (seq, prev, kid, mac)
    }
}
