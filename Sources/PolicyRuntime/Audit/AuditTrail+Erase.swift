import Foundation

/// What an erasure did: the receipt `policyc audit erase` prints, also appended to the trail.
public struct AuditErasureReceipt: Sendable, Equatable {
    /// HMAC-SHA256(key, "policylang-audit-subject-1" LF user id) in hex: names the subject without
    /// keeping the id (whoever holds the key and the id can check it).
    public var subject: String
    /// Records whose identity and content were erased now.
    public var recordsErased: Int
    /// Files rewritten.
    public var filesRewritten: Int
    /// Records checked afterwards for any member whose value is the user's id (0 found, or the
    /// erasure fails).
    public var recordsChecked: Int
    /// The `seq` of the receipt's own record in the trail.
    public var receiptSeq: Int
}

extension AuditTrail {
    /// Erases a user (GDPR right to erasure): in every record whose `user` is `userID`, the
    /// identity, prompt and response groups are replaced by their digests (`erased_identity`,
    /// `erased_prompt`, `erased_response`), so each record keeps its MAC and place and the chain
    /// still verifies.
    /// Each changed file is written aside, synced and renamed over the old one (atomic per file);
    /// running it again after a crash finishes what was left. Then every record is checked for a
    /// member whose value still is the id, and a receipt is appended to the trail.
    ///
    /// Runs as the trail's writer: appends wait while it runs, so a gateway need not stop.
    /// - Throws: ``AuditError``: a file that cannot be rewritten (`io`), a line that is not a
    ///   record (`badInput`), or the id still found after erasing (`tampered`: a member the
    ///   trail does not know as personal holds it — the receipt says where).
    public func erase(user userID: String, at time: Int) throws(AuditError) -> AuditErasureReceipt {
        try exclusively { () throws(AuditError) -> AuditErasureReceipt in
            // Every file erased in memory first, and checked for completeness, before any is
            // rewritten: an erasure that would leave the id somewhere changes nothing.
            var erased = 0
            var changed: [(name: String, bytes: [UInt8])] = []
            var checked = 0
            for name in try AuditFiles.list(directory) {
                let path = directory + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else { throw AuditError(.io, "cannot read `\(path)`") }
                var bytes = [UInt8](data)
                let count = try AuditTrail.eraseRecords(of: userID, in: &bytes, key: key)
                if let found = try AuditTrail.membersNaming(userID, in: bytes, path: path, checked: &checked) {
                    throw AuditError(.tampered, "\(found) would still hold the user's id after erasing (it is not a personal field the trail erases); nothing was changed")
                }
                if count > 0 {
                    erased += count
                    changed.append((name, bytes))
                }
            }
            for file in changed { try replaceFile(file.name, with: file.bytes) }
            let rewritten = changed.count
            let subject = Hex.encode(key.mac(Array("policylang-audit-subject-1\n\(userID)".utf8)))
            let entry = try AuditEntry(kind: "erasure", time: time, fields: [
                .init("subject", .string(subject)), .init("records_erased", .integer(erased)),
                .init("files_rewritten", .integer(rewritten)), .init("records_checked", .integer(checked)),
            ])
            let seq = try appendHoldingWriter(entry)
            return AuditErasureReceipt(subject: subject, recordsErased: erased, filesRewritten: rewritten, recordsChecked: checked, receiptSeq: seq)
        }
    }

    /// Erases the identity and content of the records of `userID` in a file's bytes; returns how
    /// many records changed.
    static func eraseRecords(of userID: String, in bytes: inout [UInt8], key: AuditKey) throws(AuditError) -> Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var changed = 0
        try AuditFiles.forEachLine(bytes) { (_: Int, range: Range<Int>) throws(AuditError) in
            let line = Array(bytes[range])
            if AuditTrail.userValue(of: line) == userID {
                var erased = line
                for group in AuditChain.Group.allCases { erased = try AuditChain.erasing(group, in: erased, key: key) }
                out += erased
                changed += 1
            } else {
                out += line
            }
            if range.upperBound < bytes.count { out.append(0x0A) }
        }
        if changed > 0 { bytes = out }
        return changed
    }

    /// The `user` member's string value of a record line, if it has one.
    static func userValue(of line: [UInt8]) -> String? {
        AuditLineScanner.string("user", inLine: line)
    }

    /// Where a member of a record still has `userID` as its value (a string, or an array's
    /// string), if anywhere: `FILE:LINE member`.
    static func membersNaming(_ userID: String, in bytes: [UInt8], path: String, checked: inout Int) throws(AuditError) -> String? {
        var found: String?
        try AuditFiles.forEachLine(bytes) { (number: Int, range: Range<Int>) throws(AuditError) in
            guard found == nil, !range.isEmpty else { return }
            guard let tree = try? JSONTree.parse(Array(bytes[range])), case .object(let members, _) = tree else {
                throw AuditError(.badInput, "\(path):\(number): not an audit record")
            }
            checked += 1
            if let member = members.first(where: { !AuditTrail.vocabularyFields.contains($0.key) && AuditTrail.names(userID, $0.value) }) {
                found = "\(path):\(number) `\(member.key)`"
            }
        }
        return found
    }

    /// Fields whose values come from fixed vocabularies or the trail itself, never a user's id:
    /// an id that happens to equal `allow` or `decision` is not found in them.
    static let vocabularyFields: Set<String> = [
        "seq", "prev", "kid", "mac", "kind", "time", "action", "outcome", "reasons", "audit_level", "risk_percent",
        "settlement", "policy", "detections", "erased_identity", "erased_prompt", "erased_response",
    ]

    private static func names(_ userID: String, _ value: JSONTree) -> Bool {
        switch value {
        case .string(let text, _): return text == userID
        case .array(let items, _): return items.contains { names(userID, $0) }
        case .object(let members, _): return members.contains { names(userID, $0.value) }
        default: return false
        }
    }
}
