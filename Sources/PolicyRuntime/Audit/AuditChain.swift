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

    /// A member's kind, by its key (asked of every member of every record: dispatched on the
    /// key's length, then one comparison).
    static func kind(_ key: String) -> Kind {
        switch key.utf8.count {
        case 4: if key == "user" { return .personal(.identity) }
        case 6: if key == "prompt" { return .personal(.prompt) }
        case 7: if key == "session" { return .personal(.identity) }
        case 8: if key == "response" { return .personal(.response) }
        case 10: if key == "ip_address" || key == "user_agent" { return .personal(.identity) }
        case 13: if key == "prompt_digest" { return .personal(.prompt) } else if key == "erased_prompt" { return .erased(.prompt) }
        case 14: if key == "files_accessed" || key == "files_modified" { return .personal(.identity) }
        case 15:
            if key == "response_digest" { return .personal(.response) }
            if key == "erased_identity" { return .erased(.identity) }
            if key == "erased_response" { return .erased(.response) }
        default: break
        }
        return .plain
    }

    /// Digests of a record's parts, fed member by member. The groups' digests include the
    /// record's `seq`: a digest an erasure leaves belongs to its record and cannot be moved to
    /// another whose group holds the same values. A writer seals a record before it has a `seq`,
    /// so its group members are kept until ``finish(seq:key:)``; a verifier knows the `seq` first
    /// and feeds them straight into the groups' MACs (``init(seq:key:)``), keeping nothing.
    struct Digester: Sendable {
        /// Per group: its members as written, each followed by LF (or the MAC they are fed to);
        /// the digest an erased member gives; whether it had members.
        private struct GroupState: Sendable {
            var bytes: [UInt8] = []
            var stream: HMACSHA256.PreparedKey.Stream?
            var erased: [UInt8]?
            var present = false
        }

        private var groups: [GroupState]
        private var body = SHA256()
        /// The `seq` the group MACs were started for (streaming only).
        private let seq: Int?

        /// A digester that keeps the group members until the record's `seq` is known.
        init() {
            groups = Group.allCases.map { _ in GroupState() }
            seq = nil
        }

        /// A digester for the record at `seq`, feeding the group members straight to their MACs.
        init(seq: Int, key: AuditKey) {
            groups = Group.allCases.map { group in
                var stream = key.stream()
                AuditChain.startGroupDigest(group, seq: seq, in: &stream)
                return GroupState(stream: stream)
            }
            self.seq = seq
        }

        /// Adds a member, `"key":value` as written.
        mutating func add(key: String, member: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(AuditError) {
            switch AuditChain.kind(key) {
            case .personal(let group):
                groups[group.rawValue].present = true
                if groups[group.rawValue].stream != nil {
                    groups[group.rawValue].stream!.update(member)
                    withUnsafeBytes(of: UInt8(0x0A)) { groups[group.rawValue].stream!.update($0) }
                } else {
                    groups[group.rawValue].bytes.append(contentsOf: member)
                    groups[group.rawValue].bytes.append(0x0A)
                }
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

        /// Feeds the groups' digests and the body's, 32 bytes each, for the record at `seq`, to `out`.
        func finish(seq: Int, key: AuditKey, into out: inout HMACSHA256.PreparedKey.Stream) throws(AuditError) {
            precondition(self.seq == nil || self.seq == seq, "a digester started for one seq finished for another")
            for group in Group.allCases {
                let state = groups[group.rawValue]
                if let erased = state.erased {
                    guard !state.present else {
                        throw AuditError(.badInput, "a record with `\(group.erasedKey)` keeps no \(group.name) member")
                    }
                    out.update(erased)
                } else if var stream = state.stream {
                    out.update(stream.finalize())
                } else {
                    out.update(AuditChain.groupDigest(group, seq: seq, members: state.bytes, key: key))
                }
            }
            var body = self.body
            out.update(body.finalize())
        }
    }

    /// Starts a group's digest: HMAC-SHA256(key, "policylang-audit-group-1" LF group LF seq LF …).
    static func startGroupDigest(_ group: Group, seq: Int, in stream: inout HMACSHA256.PreparedKey.Stream) {
        stream.update(groupPrefix)
        update(&stream, group.name)
        stream.update(lineFeed)
        update(&stream, seq)
    }

    private static let groupPrefix = Array("policylang-audit-group-1\n".utf8)
    private static let macPrefix = Array("policylang-audit-1\n".utf8)
    private static let lineFeed: [UInt8] = [0x0A]

    /// Adds a string's UTF-8 to a MAC.
    private static func update(_ stream: inout HMACSHA256.PreparedKey.Stream, _ text: String) {
        var text = text
        text.withUTF8 { stream.update(UnsafeRawBufferPointer($0)) }
    }

    /// Adds a number in decimal and a line feed to a MAC, without building a string.
    private static func update(_ stream: inout HMACSHA256.PreparedKey.Stream, _ number: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 24
            buffer[end - 1] = 0x0A
            end -= 1
            var value = number.magnitude
            repeat {
                end -= 1
                buffer[end] = UInt8(0x30 + value % 10)
                value /= 10
            } while value > 0
            if number < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            stream.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[end...])))
        }
    }

    /// A group's digest: HMAC-SHA256(key, "policylang-audit-group-1" LF group LF seq LF members).
    static func groupDigest(_ group: Group, seq: Int, members: [UInt8], key: AuditKey) -> [UInt8] {
        var stream = key.stream()
        startGroupDigest(group, seq: seq, in: &stream)
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

    /// The MAC of a record at `seq` after `prev`, whose members `digester` took, in hex.
    static func mac(seq: Int, prev: String, kid: String, digester: Digester, key: AuditKey) throws(AuditError) -> String {
        var stream = key.stream()
        stream.update(macPrefix)
        update(&stream, seq)
        update(&stream, prev)
        stream.update(lineFeed)
        update(&stream, kid)
        stream.update(lineFeed)
        try digester.finish(seq: seq, key: key, into: &stream)
        return Hex.encode(stream.finalize())
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
        var digester = Digester(seq: line.seq, key: key)
        let raw = UnsafeRawBufferPointer(bytes)
        for member in line.members {
            try digester.add(key: member.key, member: UnsafeRawBufferPointer(rebasing: raw[member.range]),
                             value: UnsafeRawBufferPointer(rebasing: raw[member.valueStart..<member.range.upperBound]))
        }
        return try mac(seq: line.seq, prev: line.prev, kid: line.kid, digester: digester, key: key)
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
