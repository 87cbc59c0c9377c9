import Foundation

/// Where a pruned trail now starts (docs/audit.md, "Pruning"): the first kept record's `seq`
/// and `prev`, sealed with a MAC, in `audit.anchor`. Without it, records missing from the start
/// of a trail are deletion; with it, they are records the retention period removed.
struct AuditAnchor: Equatable, Sendable {
    var seq: Int
    var prev: String
    var kid: String

    static let fileName = "audit.anchor"

    static func seal(seq: Int, prev: String, key: AuditKey) -> String {
        Hex.encode(key.mac(Array("policylang-audit-anchor-1\n\(seq)\n\(prev)".utf8)))
    }

    /// Writes the anchor aside and renames it into place, durably.
    func write(in directory: String, key: AuditKey) throws(AuditError) {
        var line: [UInt8] = []
        JSONTree.object([
            .init("seq", .integer(seq)), .init("prev", .string(prev)), .init("kid", .string(kid)),
            .init("amac", .string(AuditAnchor.seal(seq: seq, prev: prev, key: key))),
        ]).writeCanonical(into: &line)
        line.append(0x0A)
        if let problem = POSIXFile.replace(directory + "/" + AuditAnchor.fileName, with: line, asideSuffix: AuditTrail.asideSuffix) {
            throw AuditError(.io, problem)
        }
    }

    /// The anchor in `directory`, if there is one.
    /// - Throws: ``AuditError``: `tampered` for one whose MAC does not match, `badKey` for one
    ///   sealed with a key not given.
    static func read(directory: String, keys: [AuditKey]) throws(AuditError) -> AuditAnchor? {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        guard let tree = try? JSONTree.parse(bytes), case .object(let members, _) = tree else {
            throw AuditError(.tampered, "\(path): not an anchor")
        }
        var fields: [String: JSONTree] = [:]
        for member in members { fields[member.key] = member.value }
        guard fields.count == 4, let seq = fields["seq"]?.integerValue, seq >= 1, case .string(let prev, _)? = fields["prev"],
              case .string(let kid, _)? = fields["kid"], case .string(let amac, _)? = fields["amac"] else {
            throw AuditError(.tampered, "\(path): not an anchor")
        }
        guard let key = keys.first(where: { $0.id == kid }) else {
            throw AuditError(.badKey, "\(path): sealed with key id \(kid), which is not among the keys given")
        }
        guard HMACSHA256.equalInConstantTime(Array(seal(seq: seq, prev: prev, key: key).utf8), Array(amac.utf8)) else {
            throw AuditError(.tampered, "\(path): its MAC does not match: the anchor was changed")
        }
        return AuditAnchor(seq: seq, prev: prev, kid: kid)
    }
}
