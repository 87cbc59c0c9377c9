/// How records are chained (docs/audit.md, "The chain"): each carries `seq`, `prev` (the `mac` of
/// the record before it; 64 zeros for the first) and `mac` = HMAC-SHA256(key, "policylang-audit-1"
/// LF prev LF canonical record), where the canonical record is the record without `mac` in RFC
/// 8785 form with each personal field's value replaced by its digest. The digest of a field is
/// HMAC-SHA256(key, name NUL canonical value): an erased field keeps only it (`{"erased": hex}`),
/// so the chain verifies after erasure, and without the key it reveals nothing, even of a short
/// value such as an IP address.
enum AuditChain {
    /// The `prev` of the first record.
    static let genesis = String(repeating: "0", count: 64)
    /// What the MAC input starts with: names the construction, so that it can change.
    static let domain = Array("policylang-audit-1\n".utf8)

    /// The digest of a personal field's value.
    static func fieldDigest(_ name: String, _ value: JSONTree, key: AuditKey) -> String {
        var message = Array(name.utf8)
        message.append(0)
        value.writeCanonical(into: &message)
        return Hex.encode(key.mac(message))
    }

    /// The digest an erased field keeps, if `value` is one (`{"erased": "<64 hex>"}`).
    static func erasedDigest(_ value: JSONTree) -> String? {
        guard case .object(let members, _) = value, members.count == 1, members[0].key == "erased",
              case .string(let digest, _) = members[0].value, isMAC(digest) else { return nil }
        return digest
    }

    /// The MAC of a record's fields (everything but `mac`) after `prev`.
    static func mac(_ fields: [JSONTree.Member], prev: String, key: AuditKey) -> String {
        var covered: [JSONTree.Member] = []
        covered.reserveCapacity(fields.count)
        for field in fields where field.key != "mac" {
            if AuditEntry.personalFields.contains(field.key) {
                let digest = erasedDigest(field.value) ?? fieldDigest(field.key, field.value, key: key)
                covered.append(.init(field.key, .string(digest)))
            } else {
                covered.append(field)
            }
        }
        var message = domain
        message += Array(prev.utf8)
        message.append(0x0A)
        JSONTree.object(covered).writeCanonical(into: &message)
        return Hex.encode(key.mac(message))
    }

    /// Whether `text` has the form of a MAC: 64 lower-case hex digits.
    static func isMAC(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
