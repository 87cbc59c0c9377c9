import Foundation

/// Finds the rows of ``CredentialFamilies/table`` at the scanner's anchors, so that breadth costs
/// no extra pass over the text.
///
/// Every prefix contains an *anchor* byte — one the scanner already stops at
/// (``AnchorClassifier``: `_ - .`, digits, capitals). A prefix is keyed by its first anchor and the bytes around it: the
/// two bytes before it (`hf_` → `hf_`), or, when the anchor is one of its first two bytes, its
/// first three bytes (`AKIA` → `AKI`). At an anchor the scanner asks `match`, which
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

    /// Where a key sits relative to the anchor: it starts `back` (0–2) bytes before it and is
    /// `length` (1–3) long. Numbered `back * 3 + length - 1`, so a byte's alignments are a mask.
    private struct Alignment: Sendable, Hashable {
        let back: Int
        let length: Int

        var code: Int { back * 3 + length - 1 }
        init(back: Int, length: Int) {
            self.back = back
            self.length = length
        }
        init(code: Int) {
            back = code / 3
            length = code % 3 + 1
        }
    }

    let families: [CredentialFamily]
    private let entries: [Entry]
    /// The alignments keys take for each anchor byte, as a mask of their codes (indexed by
    /// byte; a flat table, so the hot path reads a number rather than retaining an array).
    private let alignments: [UInt16]
    private let filter: [UInt64]
    private let candidates: [UInt32: [Int]]

    /// Whether the scanner stops at byte `index` of a prefix (``AnchorClassifier/stopsAt(_:previous:next:)``);
    /// a prefix is keyed by its first such byte. `afterWord`: the prefix may follow a letter or
    /// digit (its row has a lead of them), so its first byte counts only if it stops the
    /// scanner there too; other rows need a boundary before the token.
    static func stopsAt(_ bytes: [UInt8], _ index: Int, afterWord: Bool) -> Bool {
        let next = index + 1 < bytes.count ? bytes[index + 1] : nil
        let previous = index > 0 ? bytes[index - 1] : afterWord ? UInt8(ascii: "a") : nil
        return AnchorClassifier.stopsAt(bytes[index], previous: previous, next: next)
    }

    /// Whether a row's prefixes may follow a letter or digit.
    static func followsWords(_ family: CredentialFamily) -> Bool {
        guard let lead = family.lead else { return false }
        return (0...255).contains { ByteClass.isAlnum(UInt8($0)) && lead.bytes.contains(UInt8($0)) }
    }

    init(_ families: [CredentialFamily]) {
        self.families = families
        var entries: [Entry] = []
        var alignments = [UInt16](repeating: 0, count: 256)
        var filter = [UInt64](repeating: 0, count: 1024)
        var candidates: [UInt32: [Int]] = [:]
        for (index, family) in families.enumerated() {
            for prefix in family.prefixes {
                let bytes = Array(prefix.utf8)
                // A test checks every prefix has an anchor; one without would never be found.
                let afterWord = CredentialPrefixIndex.followsWords(family)
                guard let anchor = bytes.indices.first(where: { CredentialPrefixIndex.stopsAt(bytes, $0, afterWord: afterWord) }) else { continue }
                let start = anchor >= 2 ? anchor - 2 : 0
                let alignment = Alignment(back: anchor - start, length: min(3, bytes.count - start))
                alignments[Int(bytes[anchor])] |= 1 << UInt16(alignment.code)
                let key = bytes.withUnsafeBufferPointer { CredentialPrefixIndex.key($0, from: start, alignment) }
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


    /// The key of `alignment.length` bytes of `bytes` from `start` (in bounds).
    @inline(__always)
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ alignment: Alignment) -> UInt32 {
        var key = UInt32(alignment.code) << 24 | UInt32(bytes[start])
        if alignment.length > 1 { key |= UInt32(bytes[start + 1]) << 8 }
        if alignment.length > 2 { key |= UInt32(bytes[start + 2]) << 16 }
        return key
    }

    @inline(__always) private static func hash(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> 16)
    }

    /// The credential whose prefix has its anchor at `index`, the longest prefix when several
    /// rows match the same token. Nearly every anchor is dismissed by the filter without a call.
    @inline(__always)
    func match(in text: UnsafeBufferPointer<UInt8>, anchor index: Int) -> Finding? {
        var mask = alignments[Int(text[index])]
        var hit = false
        while mask != 0 {
            let alignment = Alignment(code: mask.trailingZeroBitCount)
            mask &= mask - 1
            let start = index - alignment.back
            guard start >= 0, start + alignment.length <= text.count else { continue }
            let bit = CredentialPrefixIndex.hash(CredentialPrefixIndex.key(text, from: start, alignment))
            if filter[bit >> 6] >> UInt64(bit & 63) & 1 != 0 { hit = true }
        }
        return hit ? verify(in: text, anchor: index) : nil
    }

    /// `match` past the filter: the candidates of every key the anchor forms, verified.
    private func verify(in text: UnsafeBufferPointer<UInt8>, anchor index: Int) -> Finding? {
        var best: Finding?
        var bestLength = 0
        var mask = alignments[Int(text[index])]
        while mask != 0 {
            let alignment = Alignment(code: mask.trailingZeroBitCount)
            mask &= mask - 1
            let start = index - alignment.back
            guard start >= 0, start + alignment.length <= text.count,
                  let list = candidates[CredentialPrefixIndex.key(text, from: start, alignment)] else { continue }
            for entryIndex in list {
                let entry = entries[entryIndex]
                guard entry.prefix.count > bestLength, let found = match(entry, in: text, prefixStart: index - entry.anchor) else { continue }
                best = found
                bestLength = entry.prefix.count
            }
        }
        return best
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
