/// How records are sealed and chained (docs/audit.md, "The chain").
///
/// A record line is `{"seq":N,"prev":"…","kid":"…","mac":"…"` followed by the other members in
/// ascending key order, values in RFC 8785 form, and `}`. Its MAC is
///
///     HMAC-SHA256(key, "policylang-audit-1" LF seq LF prev LF kid LF identity prompt response body)
///
/// where `body` is SHA-256 of every member that is not personal, each as written (`"key":value`)
/// and followed by LF, and `identity`, `prompt` and `response` are the digests of the groups of
/// personal members: HMAC-SHA256(key, "policylang-audit-group-1" LF group LF, then each of the
/// group's members as written followed by LF). Erasing a group removes its members and keeps its digest
/// as `"erased_<group>":"<hex>"`, so the chain still verifies; keyed, the digest reveals nothing
/// of what was erased, not even of a short value such as an IP address. Everything the MAC covers
/// is the line's own bytes: verifying needs no tree and no re-serialization.
enum AuditChain {
    /// The `prev` of the first record.
    static let genesis = String(repeating: "0", count: 64)

    /// The groups of personal members, each erased whole: a right-to-erasure request erases all
    /// three; a retention period may erase the prompt or the response (the retention block sets
    /// them apart).
    enum Group: Int, CaseIterable, Sendable {
        /// Who: `user`, `session`, `ip_address`, `user_agent`, `files_accessed`, `files_modified`.
        case identity
        /// What they sent: `prompt` and `prompt_digest`.
        case prompt
        /// What they got: `response` and `response_digest`.
        case response

        /// The group's name in the MAC input and in its erased member.
        var name: String { Group.names[rawValue] }

        /// The member an erased group leaves.
        var erasedKey: String { Group.erasedKeys[rawValue] }

        /// The group's members.
        var fields: [String] { Group.members[rawValue] }

        private static let names = ["identity", "prompt", "response"]
        private static let erasedKeys = names.map { "erased_" + $0 }
        private static let members = [
            ["user", "session", "ip_address", "user_agent", "files_accessed", "files_modified"],
            ["prompt", "prompt_digest"],
            ["response", "response_digest"],
        ]
    }

    /// A record's members written and digested, not yet chained: what a caller prepares before
    /// the writer gives it a place in the chain.
    struct SealedBody: Sendable {
        /// `,"key":value` for each member, in key order.
        var members: [UInt8]
        /// The members fed to the digests; the writer finishes them with the record's `seq`.
        var digester: Digester
    }

    /// What a member is to the MAC.
    enum Kind {
        case plain
        case personal(Group)
        case erased(Group)
    }

    /// A member's kind, by its key (asked of every member of every record: a few comparisons of
    /// short strings).
    static func kind(_ key: String) -> Kind {
        for group in Group.allCases {
            if group.fields.contains(key) { return .personal(group) }
            if key == group.erasedKey { return .erased(group) }
        }
        return .plain
    }

    /// Digests of a record's parts, fed member by member. The groups' digests are taken at the
    /// end, with the record's `seq` in them: a digest an erasure leaves belongs to its record and
    /// cannot be moved to another whose group holds the same values.
    struct Digester: Sendable {
        /// Per group: its members as written, each followed by LF; the digest an erased member
        /// gives; whether it had members.
        private struct GroupState: Sendable {
            var bytes: [UInt8] = []
            var erased: [UInt8]?
            var present = false
        }

        private var groups = Group.allCases.map { _ in GroupState() }
        private var body = SHA256()

        /// Adds a member, `"key":value` as written.
        mutating func add(key: String, member: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(AuditError) {
            switch AuditChain.kind(key) {
            case .personal(let group):
                groups[group.rawValue].present = true
                groups[group.rawValue].bytes.append(contentsOf: member)
                groups[group.rawValue].bytes.append(0x0A)
            case .erased(let group):
                // Lower-case hex only, as written: one spelling per digest.
                let digest = value.count == 66 && value.first == 0x22 && value.last == 0x22
                    && value[1..<65].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
                    ? Hex.decode(String(decoding: value[1..<65], as: UTF8.self)) : nil
                guard let digest, groups[group.rawValue].erased == nil else {
                    throw AuditError(.badInput, "`\(key)` must be given once, as 64 lower-case hex digits")
                }
                groups[group.rawValue].erased = digest
            case .plain:
                body.update(member)
                withUnsafeBytes(of: UInt8(0x0A)) { body.update($0) }
            }
        }

        /// The groups' digests and the body's, 32 bytes each, for the record at `seq`.
        func finish(seq: Int, key: AuditKey) throws(AuditError) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(32 * (groups.count + 1))
            for group in Group.allCases {
                let state = groups[group.rawValue]
                if let erased = state.erased {
                    guard !state.present else {
                        throw AuditError(.badInput, "a record with `\(group.erasedKey)` keeps no \(group.name) member")
                    }
                    out += erased
                } else {
                    out += AuditChain.groupDigest(group, seq: seq, members: state.bytes, key: key)
                }
            }
            var body = self.body
            out += body.finalize()
            return out
        }
    }

    /// A group's digest: HMAC-SHA256(key, "policylang-audit-group-1" LF group LF seq LF members).
    static func groupDigest(_ group: Group, seq: Int, members: [UInt8], key: AuditKey) -> [UInt8] {
        var stream = key.stream()
        stream.update(Array("policylang-audit-group-1\n\(group.name)\n\(seq)\n".utf8))
        stream.update(members)
        return stream.finalize()
    }

    /// Writes and digests an entry's fields (in the caller's thread: only the MAC is left to the
    /// writer).
    static func seal(_ fields: [JSONTree.Member], key: AuditKey) throws(AuditError) -> SealedBody {
        var members: [UInt8] = []
        members.reserveCapacity(512)
        var ranges: [(key: String, member: Range<Int>, value: Range<Int>)] = []
        for field in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            members.append(UInt8(ascii: ","))
            let start = members.count
            JSONTree.writeString(field.key, into: &members)
            members.append(UInt8(ascii: ":"))
            let valueStart = members.count
            field.value.writeCanonical(into: &members)
            ranges.append((field.key, start..<members.count, valueStart..<members.count))
        }
        var digester = Digester()
        var failure: AuditError?
        members.withUnsafeBytes { all in
            for range in ranges {
                do throws(AuditError) {
                    try digester.add(key: range.key, member: UnsafeRawBufferPointer(rebasing: all[range.member]),
                                     value: UnsafeRawBufferPointer(rebasing: all[range.value]))
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        return SealedBody(members: members, digester: digester)
    }

    /// The MAC of a record at `seq` after `prev`, from its parts' digests.
    static func mac(seq: Int, prev: String, kid: String, digests: [UInt8], key: AuditKey) -> String {
        var message = Array("policylang-audit-1\n\(seq)\n\(prev)\n\(kid)\n".utf8)
        message += digests
        return Hex.encode(key.mac(message))
    }

    /// The record's line, with its line feed.
    static func line(seq: Int, prev: String, kid: String, mac: String, body: SealedBody, into out: inout [UInt8]) {
        out += Array("{\"seq\":\(seq),\"prev\":\"\(prev)\",\"kid\":\"\(kid)\",\"mac\":\"\(mac)\"".utf8)
        out += body.members
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
    }

    /// The MAC a scanned line should carry under `key`.
    static func expectedMAC(_ line: AuditLineScanner.Line, bytes: UnsafeBufferPointer<UInt8>, key: AuditKey) throws(AuditError) -> String {
        var digester = Digester()
        let raw = UnsafeRawBufferPointer(bytes)
        for member in line.members {
            try digester.add(key: member.key, member: UnsafeRawBufferPointer(rebasing: raw[member.range]),
                             value: UnsafeRawBufferPointer(rebasing: raw[member.valueStart..<member.range.upperBound]))
        }
        return mac(seq: line.seq, prev: line.prev, kid: line.kid, digests: try digester.finish(seq: line.seq, key: key), key: key)
    }
}

extension AuditChain {
    /// A record line with a group of personal members erased: the members removed and the
    /// group's digest kept as `"erased_<group>":"<hex>"`, in key order, so that the record keeps
    /// its MAC and its place in the chain. A group already erased, or with no members, is left
    /// as it is. (What `policyc audit erase` and `prune` will do to each record they touch.)
    /// - Throws: ``AuditError`` (`badInput`) for a line that is not a record.
    static func erasing(_ group: Group, in line: [UInt8], key: AuditKey) throws(AuditError) -> [UInt8] {
        try line.withUnsafeBufferPointer { (bytes: UnsafeBufferPointer<UInt8>) throws(AuditError) -> [UInt8] in
            guard let scanned = try? AuditLineScanner.read(bytes) else { throw AuditError(.badInput, "not an audit record") }
            // Only a record the key vouches for is rewritten: erasing a forged line would hand its
            // forger the digest of whatever it holds.
            guard scanned.ordered, scanned.kid == key.id, (try? expectedMAC(scanned, bytes: bytes, key: key)) == scanned.mac else {
                throw AuditError(.tampered, "seq \(scanned.seq) does not verify under this key; run `policyc audit verify`")
            }
            var members: [UInt8] = []
            var kept: [AuditLineScanner.Member] = []
            var erasedAny = false
            for member in scanned.members {
                switch kind(member.key) {
                case .personal(let owner) where owner == group:
                    members.append(contentsOf: bytes[member.range])
                    members.append(0x0A)
                    erasedAny = true
                case .erased(let owner) where owner == group:
                    return line
                default:
                    kept.append(member)
                }
            }
            guard erasedAny else { return line }
            let tombstoneKey = group.erasedKey
            let digest = groupDigest(group, seq: scanned.seq, members: members, key: key)
            let tombstone = Array(",\"\(tombstoneKey)\":\"\(Hex.encode(digest))\"".utf8)
            let headerEnd = scanned.members.first.map { $0.range.lowerBound - 1 } ?? (bytes.count - 1)
            var out = Array(bytes[..<headerEnd])
            var placed = false
            for member in kept {
                if !placed, !member.key.utf8.lexicographicallyPrecedes(tombstoneKey.utf8) {
                    out += tombstone
                    placed = true
                }
                out += bytes[member.range.lowerBound - 1..<member.range.upperBound]
            }
            if !placed { out += tombstone }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}
