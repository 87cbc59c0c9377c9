/// The candidate finder for small pattern sets (a role's blocked patterns): for each pattern, the
/// two of its bytes that are rarest in ordinary text, compared 16 text positions at a time.
///
/// A hashed-block matcher moves a few bytes per step on such sets, because English bigrams are
/// common inside the patterns too; comparing a rare byte pair with SIMD instructions looks at
/// every position at a fraction of the cost, and a position is verified only when both of a
/// pattern's rare bytes are where they belong (about once per kilobyte of prose). The idea is the
/// "packed pair" prefilter of memchr's memmem, extended to a few patterns.
///
/// Matching is ASCII case-insensitive: text and pattern bytes are compared after `| 0x20`, which
/// merges each letter with its upper case (and a few punctuation pairs, which verification then
/// rejects).
struct RarePairFilter: Sendable {
    /// Sets larger than this go to the hashed-block matcher: the filter's cost grows with each pattern.
    static let maximumPatterns = 8

    /// One pattern's chosen bytes: where they are in it, and what they are (`| 0x20`), as
    /// scalars and in every lane. One array of these, so a scan touches one buffer.
    private struct Pair {
        let firstOffset: Int
        let secondOffset: Int
        let first: ByteVector
        let second: ByteVector
        let firstScalar: UInt8
        let secondScalar: UInt8
    }

    private let pairs: [Pair]
    /// The largest second offset: a block at `position` reads up to `position + 15 + reach`.
    private let reach: Int

    /// Chooses the pairs; `patterns` are folded and non-empty.
    init(patterns: [[UInt8]]) {
        pairs = patterns.map { pattern in
            let (a, b) = RarePairFilter.rarestPair(pattern)
            return Pair(firstOffset: a, secondOffset: b, first: SIMD16(repeating: pattern[a] | 0x20),
                        second: SIMD16(repeating: pattern[b] | 0x20), firstScalar: pattern[a] | 0x20,
                        secondScalar: pattern[b] | 0x20)
        }
        reach = pairs.map(\.secondOffset).max() ?? 0
    }

    /// Calls `candidate(position, pattern)`, in order of position and then pattern, for every
    /// position where the pattern's two bytes are present; returning false stops the search.
    /// Candidates whose pattern would run past the end are still reported (the caller verifies).
    @inline(__always)
    func forEachCandidate(_ text: UnsafeBufferPointer<UInt8>, _ candidate: (Int, Int) -> Bool) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        // Whole blocks in place, while a block's loads stay inside the text.
        let inPlace = count >= 16 + reach ? (count - 16 - reach) / 16 + 1 : 0
        var stopped = false
        scanBlocks(UnsafeRawPointer(base), blocks: inPlace) { lane in
            stopped = !reportPatterns(at: lane, base, count, candidate)
            return !stopped
        }
        let done = inPlace * 16
        guard !stopped, done < count else { return }
        // The rest through a zero-padded copy, so it too is read 16 positions at a time (padding
        // can only produce candidates past the end, which verification rejects).
        let rest = count - done
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rest + 16 + reach) { padded in
            guard let copy = padded.baseAddress else { return }
            copy.initialize(from: base + done, count: rest)
            (copy + rest).initialize(repeating: 0, count: 16 + reach)
            scanBlocks(UnsafeRawPointer(copy), blocks: (rest + 15) / 16) { lane in
                done + lane >= count || reportPatterns(at: done + lane, base, count, candidate)
            }
        }
    }

    /// Compares `blocks` blocks of 16 positions from `raw`, calling `lane(offset)` for each
    /// position (from `raw`) where some pattern's pair may be; stops when it returns false.
    @inline(__always)
    private func scanBlocks(_ raw: UnsafeRawPointer, blocks: Int, _ lane: (Int) -> Bool) {
        let fold = ByteVector(repeating: 0x20)
        pairs.withUnsafeBufferPointer { pairs in
            var position = 0
            var remaining = blocks
            // Two blocks per round, so each pair's constants are loaded once per 32 positions.
            while remaining >= 2 {
                var hit = ByteMasks.none
                var hit2 = ByteMasks.none
                for pair in pairs {
                    let a = position &+ pair.firstOffset
                    let b = position &+ pair.secondOffset
                    let x = raw.loadUnaligned(fromByteOffset: a, as: ByteVector.self) | fold
                    let y = raw.loadUnaligned(fromByteOffset: b, as: ByteVector.self) | fold
                    let x2 = raw.loadUnaligned(fromByteOffset: a &+ 16, as: ByteVector.self) | fold
                    let y2 = raw.loadUnaligned(fromByteOffset: b &+ 16, as: ByteVector.self) | fold
                    hit = hit | (ByteMasks.equal(x, pair.first) & ByteMasks.equal(y, pair.second))
                    hit2 = hit2 | (ByteMasks.equal(x2, pair.first) & ByteMasks.equal(y2, pair.second))
                }
                if ByteMasks.isAnySet(hit | hit2) {
                    var lanes = ByteMasks.laneBits(hit) | ByteMasks.laneBits(hit2) << 16
                    while lanes != 0 {
                        if !lane(position &+ lanes.trailingZeroBitCount) { return }
                        lanes &= lanes &- 1
                    }
                }
                position &+= 32
                remaining &-= 2
            }
            if remaining == 1 {
                var hit = ByteMasks.none
                for pair in pairs {
                    let x = raw.loadUnaligned(fromByteOffset: position &+ pair.firstOffset, as: ByteVector.self)
                    let y = raw.loadUnaligned(fromByteOffset: position &+ pair.secondOffset, as: ByteVector.self)
                    hit = hit | (ByteMasks.equal(x | fold, pair.first) & ByteMasks.equal(y | fold, pair.second))
                }
                var lanes = ByteMasks.isAnySet(hit) ? ByteMasks.laneBits(hit) : 0
                while lanes != 0 {
                    if !lane(position &+ lanes.trailingZeroBitCount) { return }
                    lanes &= lanes &- 1
                }
            }
        }
    }

    /// Reports the patterns whose pair is present at `start`; false when the caller stopped.
    @inline(__always)
    private func reportPatterns(at start: Int, _ base: UnsafePointer<UInt8>, _ count: Int,
                                _ candidate: (Int, Int) -> Bool) -> Bool {
        for (index, pair) in pairs.enumerated() {
            let b = start + pair.secondOffset
            guard b < count else { continue }
            if base[start + pair.firstOffset] | 0x20 == pair.firstScalar, base[b] | 0x20 == pair.secondScalar,
               !candidate(start, index) {
                return false
            }
        }
        return true
    }
    /// The two positions whose bytes are least likely together in text (a one-byte pattern uses
    /// its byte twice). Ties go to the earlier pair, so the choice is deterministic.
    static func rarestPair(_ pattern: [UInt8]) -> (Int, Int) {
        guard pattern.count > 1 else { return (0, 0) }
        var best = (0, 1)
        var bestCost = Int.max
        for a in 0..<(pattern.count - 1) {
            for b in (a + 1)..<pattern.count {
                var cost = commonness(pattern[a]) * commonness(pattern[b])
                // The same byte twice is a weaker filter (one common byte satisfies both often).
                if pattern[a] | 0x20 == pattern[b] | 0x20 { cost *= 4 }
                if cost < bestCost {
                    bestCost = cost
                    best = (a, b)
                }
            }
        }
        return best
    }

    /// How common a byte (after `| 0x20`) is in prose and code, on a rough 1–100 scale.
    static func commonness(_ byte: UInt8) -> Int { Int(commonnessTable[Int(byte | 0x20)]) }

    private static let commonnessTable: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        // Space, then letters from the most to the least frequent in English text.
        let byLetterFrequency = Array(" etaoinshrdlcumwfgypbvkjxqz".utf8)
        if let rank = byLetterFrequency.firstIndex(of: UInt8(value)) { return UInt8(100 - rank * 3) }
        switch value {
        case 0x30...0x39: return 25                          // digits
        case 0x2A, 0x2C, 0x2E: return 20                     // newline (`\n | 0x20`), `,` `.`
        case 0x2D, 0x7F: return 8                            // `-` `_` (common in code, rare in prose)
        case 0x80...0xFF: return 15                          // non-ASCII (other scripts' text)
        default: return 5
        }
    }
}
