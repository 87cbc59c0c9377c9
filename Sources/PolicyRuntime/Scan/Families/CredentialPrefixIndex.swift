import Foundation

/// Finds the rows of ``CredentialFamilies/table`` at the scanner's anchors, so that breadth costs
/// no extra pass over the text.
///
/// Every prefix contains an *anchor* byte — one the scanner already stops at (``isAnchor(_:)``:
/// `_ - .`, digits, capitals). A prefix is keyed by its first anchor and the bytes around it: the
/// two bytes before it (`hf_` → `hf_`), or, when the anchor is one of its first two bytes, its
/// first three bytes (`AKIA` → `AKI`). At an anchor the scanner asks `forEachMatch`, which
/// forms the keys that byte can end or start, tests each in a 64-Kibit filter (one load, a
/// miss for nearly every `_` of snake_case code) and only on a hit verifies the candidate
/// prefixes, their bodies and validations.
struct CredentialPrefixIndex: Sendable {
    /// One prefix of one row.
    struct Entry: Sendable {
        let family: Int
        let prefix: [UInt8]
        /// Offset of the prefix's first anchor byte.
        let anchor: Int
    }

    /// Where a key sits relative to the anchor: it starts `back` bytes before it and is `length` long.
    private struct Alignment: Sendable, Hashable {
        let back: Int
        let length: Int
    }

    let families: [CredentialFamily]
    private let entries: [Entry]
    /// The alignments keys take for each anchor byte (indexed by byte).
    private let alignments: [[Alignment]]
    private let filter: [UInt64]
    private let candidates: [UInt32: [Int]]

    /// Bytes the scanner stops at (its word-at-a-time test; ``DetectorScanner``): `( ) * +`,
    /// `- .`, `0x30`–`0x5F` (digits, `: ; < = > ? @`, capitals, `[ \ ] ^ _`) and non-ASCII.
    static func isAnchor(_ byte: UInt8) -> Bool {
        (0x28...0x2B).contains(byte) || byte == 0x2D || byte == 0x2E || (0x30...0x5F).contains(byte) || byte >= 0x80
    }

    init(_ families: [CredentialFamily]) {
        self.families = families
        var entries: [Entry] = []
        var alignments = [[Alignment]](repeating: [], count: 256)
        var filter = [UInt64](repeating: 0, count: 1024)
        var candidates: [UInt32: [Int]] = [:]
        for (index, family) in families.enumerated() {
            for prefix in family.prefixes {
                let bytes = Array(prefix.utf8)
                // A test checks every prefix has an anchor; one without would never be found.
                guard let anchor = bytes.firstIndex(where: CredentialPrefixIndex.isAnchor) else { continue }
                let start = anchor >= 2 ? anchor - 2 : 0
                let alignment = Alignment(back: anchor - start, length: min(3, bytes.count - start))
                if !alignments[Int(bytes[anchor])].contains(alignment) { alignments[Int(bytes[anchor])].append(alignment) }
                let key = CredentialPrefixIndex.key(bytes[start..<start + alignment.length], alignment)
                let bit = CredentialPrefixIndex.hash(key)
                filter[bit >> 6] |= 1 << UInt64(bit & 63)
                candidates[key, default: []].append(entries.count)
                entries.append(Entry(family: index, prefix: bytes, anchor: anchor))
            }
        }
        self.entries = entries
        self.alignments = alignments
        self.filter = filter
        self.candidates = candidates
    }

    /// Whether some prefix has `byte` as its anchor: the scanner skips the lookup otherwise.
    @inline(__always) func isTrigger(_ byte: UInt8) -> Bool { !alignments[Int(byte)].isEmpty }

    private static func key<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ alignment: Alignment) -> UInt32 {
        var key = UInt32(alignment.back << 2 | alignment.length) << 24
        for (offset, byte) in bytes.enumerated() { key |= UInt32(byte) << UInt32(8 * offset) }
        return key
    }

    @inline(__always) private static func hash(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> 16)
    }

    /// Calls `report` with every credential whose prefix has its anchor at `index`, the longest
    /// prefix first when several rows match the same token.
    func forEachMatch(in text: UnsafeBufferPointer<UInt8>, anchor index: Int, _ report: (Finding) -> Void) {
        var best: Finding?
        var bestLength = 0
        for alignment in alignments[Int(text[index])] {
            let start = index - alignment.back
            guard start >= 0, start + alignment.length <= text.count else { continue }
            let key = CredentialPrefixIndex.key(UnsafeBufferPointer(rebasing: text[start..<start + alignment.length]), alignment)
            let bit = CredentialPrefixIndex.hash(key)
            guard filter[bit >> 6] >> UInt64(bit & 63) & 1 != 0, let list = candidates[key] else { continue }
            for entryIndex in list {
                let entry = entries[entryIndex]
                guard entry.prefix.count > bestLength, let found = match(entry, in: text, prefixStart: index - entry.anchor) else { continue }
                best = found
                bestLength = entry.prefix.count
            }
        }
        if let best { report(best) }
    }

    /// The token of `entry`'s row whose prefix starts at `prefixStart`, if the text has one there.
    private func match(_ entry: Entry, in text: UnsafeBufferPointer<UInt8>, prefixStart: Int) -> Finding? {
        let family = families[entry.family]
        let prefixEnd = prefixStart + entry.prefix.count
        guard prefixStart >= 0, prefixEnd <= text.count else { return nil }
        for offset in 0..<entry.prefix.count where text[prefixStart + offset] != entry.prefix[offset] { return nil }
        // The lead, then the token must stand alone before it.
        var start = prefixStart
        if let lead = family.lead {
            while start > 0, prefixStart - start < lead.count.upperBound, lead.bytes.contains(text[start - 1]) { start -= 1 }
            guard lead.count.contains(prefixStart - start) else { return nil }
        }
        if start > 0 {
            // `-` and `.` join words into identifiers (`my-sk-…`, `a.hvs.…`); `=`, `/`, `+` and the
            // like delimit a value (`KEY=…`, `https://hooks…`) even where a body allows them.
            let before = text[start - 1]
            let joins = before == UInt8(ascii: "-") || before == UInt8(ascii: ".")
            guard !ByteClass.isWord(before), !(joins && family.body.contains(before)) else { return nil }
        }
        // The body: at most one byte more than the longest allowed is read, so a longer run fails.
        let bodyEnd = ByteClass.run(text, from: prefixEnd, limit: family.length.upperBound + 1, family.body.contains)
        guard family.length.contains(bodyEnd - prefixEnd) else { return nil }
        var end = bodyEnd
        var lastRun = family.body
        if let tail = family.tail {
            let separator = Array(tail.separator.utf8)
            var tailEnd: Int?
            if end + separator.count <= text.count, separator.indices.allSatisfy({ text[end + $0] == separator[$0] }) {
                let runStart = end + separator.count
                let runEnd = ByteClass.run(text, from: runStart, limit: tail.length.upperBound + 1, tail.bytes.contains)
                if tail.length.contains(runEnd - runStart) { tailEnd = runEnd }
            }
            if let tailEnd {
                end = tailEnd
                lastRun = tail.bytes
            } else if !tail.optional {
                return nil
            }
        }
        if let suffix = family.suffix {
            let bytes = Array(suffix.utf8)
            guard end + bytes.count <= text.count else { return nil }
            for offset in bytes.indices where text[end + offset] != bytes[offset] { return nil }
            end += bytes.count
        }
        if end < text.count {
            let after = text[end]
            guard !ByteClass.isWord(after), !lastRun.contains(after) else { return nil }
        }
        let body = UnsafeBufferPointer(rebasing: text[prefixEnd..<bodyEnd])
        guard !Placeholder.looksFake(body), CredentialPrefixIndex.validates(body, family.validation) else { return nil }
        return Finding(detector: family.detector, start: start, end: end, family: family.name)
    }

    private static func validates(_ body: UnsafeBufferPointer<UInt8>, _ validation: CredentialFamily.Validation) -> Bool {
        switch validation {
        case .none:
            return true
        case .entropy(let minimum):
            return Entropy.bitsPerByte(body) >= minimum
        case .lettersAndDigits:
            return body.contains(where: ByteClass.isDigit) && body.contains(where: ByteClass.isLetter)
        }
    }
}

/// Shannon entropy of a byte string, in bits per byte: random base64 keys come out near 5–6,
/// words and code near 3–4.
enum Entropy {
    static func bitsPerByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        guard !bytes.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for byte in bytes { counts[Int(byte)] &+= 1 }
            let total = Double(bytes.count)
            var bits = 0.0
            for count in counts where count > 0 {
                let share = Double(count) / total
                bits -= share * log2(share)
            }
            return bits
        }
    }
}
