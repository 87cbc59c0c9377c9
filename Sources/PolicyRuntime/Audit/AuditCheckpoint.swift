import Foundation

/// The trail's checkpoint (docs/audit.md, "The checkpoint"): the newest record's `seq`, `mac` and
/// file, with a MAC of its own, so that cutting records off the end of the newest file — which
/// leaves a chain that is whole as far as it goes — is detected.
///
/// `audit.checkpoint` holds two slots of ``slotBytes`` bytes, written in turn after each batch, so
/// that a crash in the middle of writing one leaves the other whole: the valid slot with the
/// higher `seq` counts. A slot is canonical JSON padded with spaces and ended by a line feed.
struct AuditCheckpoint: Equatable, Sendable {
    var seq: Int
    var mac: String
    var file: String
    var kid: String

    static let fileName = "audit.checkpoint"
    static let slotBytes = 256

    /// The MAC that seals a checkpoint.
    static func seal(seq: Int, mac: String, file: String, key: AuditKey) -> String {
        Hex.encode(key.mac(Array("policylang-audit-checkpoint-1\n\(seq)\n\(mac)\n\(file)".utf8)))
    }

    /// The slot's bytes.
    func slot(key: AuditKey) -> [UInt8] {
        var out: [UInt8] = []
        JSONTree.object([
            .init("seq", .integer(seq)), .init("mac", .string(mac)), .init("file", .string(file)), .init("kid", .string(kid)),
            .init("cmac", .string(AuditCheckpoint.seal(seq: seq, mac: mac, file: file, key: key))),
        ]).writeCanonical(into: &out)
        out += [UInt8](repeating: UInt8(ascii: " "), count: max(0, AuditCheckpoint.slotBytes - 1 - out.count))
        out.append(0x0A)
        return out
    }

    /// Reads the checkpoint in `directory`: nil when there is none (or no slot was ever
    /// finished); the valid slot with the higher `seq` otherwise.
    /// - Throws: ``AuditError`` when slots are there but none is valid (`tampered`), or one was
    ///   sealed with a key not given (`badKey`).
    static func read(directory: String, keys: [AuditKey]) throws(AuditError) -> AuditCheckpoint? {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        var best: AuditCheckpoint?
        var damaged = 0
        var written = 0
        for start in stride(from: 0, to: bytes.count, by: slotBytes) {
            let slot = bytes[start..<min(bytes.count, start + slotBytes)]
            if slot.allSatisfy({ $0 == 0 }) { continue }
            written += 1
            guard let checkpoint = try parse(Array(slot), keys: keys) else {
                damaged += 1
                continue
            }
            if checkpoint.seq > best?.seq ?? -1 { best = checkpoint }
        }
        if best == nil, damaged > 0 {
            throw AuditError(.tampered, "\(path): no slot of the checkpoint is valid; it was changed or replaced")
        }
        return written == 0 ? nil : best
    }

    private static func parse(_ slot: [UInt8], keys: [AuditKey]) throws(AuditError) -> AuditCheckpoint? {
        guard slot.count == slotBytes, slot.last == 0x0A else { return nil }
        var end = slot.count - 1
        while end > 0, slot[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard let tree = try? JSONTree.parse(Array(slot[..<end])), case .object(let members, _) = tree else { return nil }
        var fields: [String: JSONTree] = [:]
        for member in members { fields[member.key] = member.value }
        guard fields.count == 5, let seq = fields["seq"]?.integerValue, case .string(let mac, _)? = fields["mac"],
              case .string(let file, _)? = fields["file"], case .string(let kid, _)? = fields["kid"],
              case .string(let cmac, _)? = fields["cmac"] else { return nil }
        guard let key = keys.first(where: { $0.id == kid }) else {
            throw AuditError(.badKey, "the checkpoint was sealed with key id \(kid), which is not among the keys given")
        }
        guard HMACSHA256.equalInConstantTime(Array(seal(seq: seq, mac: mac, file: file, key: key).utf8), Array(cmac.utf8)) else {
            return nil
        }
        return AuditCheckpoint(seq: seq, mac: mac, file: file, kid: kid)
    }
}
