/// Finds every occurrence of many literal patterns in one pass, ASCII case-insensitively.
///
/// A hashed-block multi-pattern matcher (Wu–Manber): a window as long as the shortest pattern
/// slides over the text; the hash of its last `B` bytes gives how far it may jump without
/// skipping a match, and only when it may not jump are the patterns of that hash compared.
/// On ordinary text the window moves several bytes per step, so the scan is sub-linear in
/// practice and linear in the worst case (O(n × patterns sharing a hash)).
///
/// Sets of up to `RarePairFilter.maximumPatterns` patterns (a role's blocked patterns) are found
/// instead by comparing each pattern's two rarest bytes at 16 positions at once, which is several
/// times faster on prose than hashing blocks.
///
/// The matcher is immutable and `Sendable`; scanning allocates nothing.
public final class LiteralMatcher: Sendable {
    /// One pattern as given.
    public struct Pattern: Sendable, Hashable {
        /// The literal bytes (matched ASCII case-insensitively).
        public var bytes: [UInt8]
        /// Whether a match must start and end at word boundaries.
        public var wholeWord: Bool

        /// Creates a pattern.
        public init(_ bytes: [UInt8], wholeWord: Bool = false) {
            self.bytes = bytes
            self.wholeWord = wholeWord
        }
    }

    /// The patterns, folded, in the order given (a match reports its index here).
    public let patterns: [Pattern]
    /// Length of the shortest pattern: the window.
    private let window: Int
    /// Bytes hashed per step.
    private let blockSize: Int
    /// log2 of the shift table's size.
    private let tableBits: Int
    /// How far the window may move for each block hash.
    private let shifts: [UInt8]
    /// `hash << 32 | pattern` for each pattern, by the hash of the block that ends its window; sorted.
    private let candidates: [UInt64]
    /// For large sets, where windows that cannot jump are common: the first candidate of each
    /// hash (`tableSize + 1` entries), instead of a binary search. Empty for small sets.
    private let candidateStarts: [Int32]
    /// For small sets: the rare-pair filter over the non-empty patterns, and their indexes here.
    private let pairFilter: RarePairFilter?
    private let pairFilterPatterns: [Int]

    /// Builds the matcher. Empty patterns are ignored (they would match everywhere).
    /// - Complexity: O(total pattern length + table size).
    public convenience init(_ patterns: [Pattern]) {
        self.init(folded: patterns.map { Pattern(ASCIIFold.fold($0.bytes), wholeWord: $0.wholeWord) })
    }

    /// Builds the matcher from patterns already ASCII-folded (the plan folds them once).
    init(folded: [Pattern]) {
        self.patterns = folded
        let lengths = folded.map(\.bytes.count).filter { $0 > 0 }
        let window = lengths.min() ?? 0
        self.window = window
        let nonEmpty = folded.indices.filter { !folded[$0].bytes.isEmpty }
        if !nonEmpty.isEmpty, nonEmpty.count <= RarePairFilter.maximumPatterns {
            self.pairFilter = RarePairFilter(patterns: nonEmpty.map { folded[$0].bytes })
            self.pairFilterPatterns = nonEmpty
            (blockSize, tableBits, shifts, candidates, candidateStarts) = (0, 0, [], [], [])
            return
        }
        self.pairFilter = nil
        self.pairFilterPatterns = []
        // Longer blocks make rarer hashes (longer jumps); a block never exceeds the window.
        let blockSize = min(folded.count <= 16 ? 2 : (window >= 12 ? 4 : 3), max(window, 1))
        self.blockSize = blockSize
        // Size the table to the number of blocks: about 1/16 occupied, so most hashes allow a
        // full jump; 64 KiB at most, which stays in the L2 cache.
        let blocks = max(1, folded.count * max(1, window - blockSize + 1))
        var bits = 8
        while bits < 16, (1 << bits) < blocks * 16 { bits += 1 }
        self.tableBits = bits
        let tableSize = 1 << bits
        let defaultShift = UInt8(clamping: max(window - blockSize + 1, 0))
        var shifts = [UInt8](repeating: defaultShift, count: tableSize)
        var entries: [UInt64] = []
        if window > 0 {
            for (index, pattern) in folded.enumerated() where !pattern.bytes.isEmpty {
                let bytes = pattern.bytes
                // Every block inside the pattern's first `window` bytes limits the jump.
                for end in (blockSize - 1)..<window {
                    let hash = LiteralMatcher.hash(LiteralMatcher.blockWord(bytes, end: end, blockSize: blockSize), bits: bits)
                    shifts[hash] = min(shifts[hash], UInt8(clamping: window - 1 - end))
                }
                let last = LiteralMatcher.hash(LiteralMatcher.blockWord(bytes, end: window - 1, blockSize: blockSize), bits: bits)
                entries.append(UInt64(last) << 32 | UInt64(index))
            }
        }
        self.shifts = shifts
        // Sorted by hash then pattern: the candidates of a hash are one contiguous run, found by
        // binary search only when the window cannot jump (rare), and pattern order is kept.
        entries.sort()
        self.candidates = entries
        if folded.count > 64 {
            var starts = [Int32](repeating: Int32(entries.count), count: tableSize + 1)
            for (slot, entry) in entries.enumerated().reversed() { starts[Int(entry >> 32)] = Int32(slot) }
            // Hashes without candidates point at the next hash's run (which does not match them).
            for hash in stride(from: tableSize - 1, through: 0, by: -1) where starts[hash] == Int32(entries.count) {
                starts[hash] = starts[hash + 1]
            }
            self.candidateStarts = starts
        } else {
            self.candidateStarts = []
        }
    }

    /// Convenience: plain literals, none whole-word.
    public convenience init(literals: [String]) {
        self.init(literals.map { Pattern(Array($0.utf8)) })
    }


    /// The block ending at `end` as a little-endian word, each byte loosely folded with `| 0x20`
    /// (which merges letters with their upper case, and a few punctuation pairs — harmless for
    /// a hash, since candidates are verified exactly).
    @inline(__always)
    private static func blockWord(_ bytes: [UInt8], end: Int, blockSize: Int) -> UInt32 {
        var word: UInt32 = 0
        for offset in 0..<blockSize {
            word |= UInt32(bytes[end - blockSize + 1 + offset] | 0x20) << (8 * UInt32(offset))
        }
        return word
    }

    /// Multiplicative hash of a block word into the table.
    @inline(__always)
    private static func hash(_ word: UInt32, bits: Int) -> Int {
        Int((word &* 0x9E37_79B1) >> UInt32(32 - bits))
    }

    /// Calls `onMatch(pattern, start, end)` for every occurrence, in order of `start`
    /// (overlapping occurrences included). Returning false from `onMatch` stops the scan.
    public func scan(_ text: UnsafeBufferPointer<UInt8>, _ onMatch: (Int, Int, Int) -> Bool) {
        let count = text.count
        guard window > 0, count >= window, let base = text.baseAddress else { return }
        if let pairFilter {
            ASCIIFold.table.withUnsafeBufferPointer { fold in
                pairFilter.forEachCandidate(text) { start, filterIndex in
                    let index = pairFilterPatterns[filterIndex]
                    guard matches(index, at: start, in: base, count: count, fold: fold) else { return true }
                    return onMatch(index, start, start + patterns[index].bytes.count)
                }
            }
            return
        }
        let raw = UnsafeRawPointer(base)
        let block = blockSize
        let back = block - 1
        let hashShift = UInt32(32 - tableBits)
        let blockMask: UInt32 = block >= 4 ? 0xFFFF_FFFF : (UInt32(1) << (8 * UInt32(block))) &- 1
        // Window ends whose block can be read with one 4-byte load without overrunning the text.
        let fastLimit = count + block - 4
        let window = window
        ASCIIFold.table.withUnsafeBufferPointer { fold in
            shifts.withUnsafeBufferPointer { shifts in
                candidates.withUnsafeBufferPointer { candidates in
                    candidateStarts.withUnsafeBufferPointer { candidateStarts in
                        /// The hash of the block ending at `position` (one load; `position < fastLimit`).
                        @inline(__always) func fastHash(_ position: Int) -> Int {
                            let word = (raw.loadUnaligned(fromByteOffset: position &- back, as: UInt32.self) | 0x2020_2020) & blockMask
                            return Int((word &* 0x9E37_79B1) >> hashShift)
                        }
                        /// The same near the end of the text, byte by byte.
                        func slowHash(_ position: Int) -> Int {
                            var word: UInt32 = 0
                            for offset in 0..<block { word |= UInt32(base[position - back + offset]) << (8 * UInt32(offset)) }
                            return Int((((word | 0x2020_2020) & blockMask) &* 0x9E37_79B1) >> hashShift)
                        }
                        /// Verifies the patterns of `hash` at the window ending at `position`; false when stopped.
                        func verify(_ hash: Int, _ position: Int, _ report: (Int, Int, Int) -> Bool) -> Bool {
                            let start = position - window + 1
                            var slot = candidateStarts.isEmpty
                                ? LiteralMatcher.firstCandidate(candidates, hash: hash) : Int(candidateStarts[hash])
                            while slot < candidates.count, Int(candidates[slot] >> 32) == hash {
                                let index = Int(candidates[slot] & 0xFFFF_FFFF)
                                if matches(index, at: start, in: base, count: count, fold: fold),
                                   !report(index, start, start + patterns[index].bytes.count) {
                                    return false
                                }
                                slot += 1
                            }
                            return true
                        }
                        /// One stream over the window ends `from..<to`; false when stopped.
                        func stream(from: Int, to: Int) -> Bool {
                            var position = from
                            let fastEnd = min(to, fastLimit)
                            while position < to {
                                // The hot loop: jump while the block's hash allows it.
                                var shift = 0
                                var hash = 0
                                while position < fastEnd {
                                    hash = fastHash(position)
                                    shift = Int(shifts[hash])
                                    if shift == 0 { break }
                                    position &+= shift
                                }
                                if position >= to { break }
                                if position >= fastLimit {
                                    hash = slowHash(position)
                                    shift = Int(shifts[hash])
                                    if shift > 0 {
                                        position += shift
                                        continue
                                    }
                                }
                                if !verify(hash, position, onMatch) { return false }
                                position += 1
                            }
                            return true
                        }

                        guard count >= LiteralMatcher.twoStreamMinimum else {
                            _ = stream(from: window - 1, to: count)
                            return
                        }
                        // Two streams in lockstep, over the first and the second half of the
                        // starts: one stream's steps wait on a load, a multiply and a second
                        // load; two independent streams overlap those latencies. Matches of
                        // the second half wait (in order) until the first half is done.
                        let secondFrom = count / 2 + window - 1
                        var first = window - 1
                        var second = secondFrom
                        var waiting: [(Int, Int, Int)] = []
                        while first < secondFrom, second < fastLimit {
                            let firstHash = fastHash(first)
                            let secondHash = fastHash(second)
                            let firstShift = Int(shifts[firstHash])
                            let secondShift = Int(shifts[secondHash])
                            if firstShift != 0, secondShift != 0 {
                                first &+= firstShift
                                second &+= secondShift
                                continue
                            }
                            if firstShift == 0 {
                                if !verify(firstHash, first, onMatch) { return }
                                first += 1
                            } else {
                                first += firstShift
                            }
                            if secondShift == 0 {
                                _ = verify(secondHash, second) { pattern, start, end in
                                    waiting.append((pattern, start, end))
                                    return true
                                }
                                second += 1
                            } else {
                                second += secondShift
                            }
                        }
                        guard stream(from: first, to: secondFrom) else { return }
                        for match in waiting where !onMatch(match.0, match.1, match.2) { return }
                        _ = stream(from: second, to: count)
                    }
                }
            }
        }
    }

    /// Texts at least this long are scanned as two interleaved streams.
    static let twoStreamMinimum = 4096

    /// Index of the first candidate with `hash` (or of the next larger), by binary search.
    @inline(__always)
    private static func firstCandidate(_ candidates: UnsafeBufferPointer<UInt64>, hash: Int) -> Int {
        var low = 0
        var high = candidates.count
        let key = UInt64(hash) << 32
        while low < high {
            let middle = (low + high) / 2
            if candidates[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    @inline(__always)
    private func matches(_ index: Int, at start: Int, in text: UnsafePointer<UInt8>, count: Int,
                         fold: UnsafeBufferPointer<UInt8>) -> Bool {
        let pattern = patterns[index]
        let length = pattern.bytes.count
        guard start + length <= count else { return false }
        let equal = pattern.bytes.withUnsafeBufferPointer { bytes in
            for offset in 0..<length where fold[Int(text[start + offset])] != bytes[offset] { return false }
            return true
        }
        guard equal else { return false }
        if pattern.wholeWord {
            if start > 0, ASCIIFold.isWordByte(text[start - 1]), ASCIIFold.isWordByte(text[start]) { return false }
            let end = start + length
            if end < count, ASCIIFold.isWordByte(text[end]), ASCIIFold.isWordByte(text[end - 1]) { return false }
        }
        return true
    }

    /// Every match as `(pattern, start, end)`; for tests and tools.
    public func allMatches(in text: [UInt8]) -> [(pattern: Int, start: Int, end: Int)] {
        var found: [(pattern: Int, start: Int, end: Int)] = []
        text.withUnsafeBufferPointer { buffer in
            scan(buffer) { pattern, start, end in
                found.append((pattern, start, end))
                return true
            }
        }
        return found
    }
}
