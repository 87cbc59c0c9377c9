/// Finds every occurrence of many literal patterns in one pass, ASCII case-insensitively.
///
/// A hashed-block multi-pattern matcher (Wu–Manber): a window as long as the shortest pattern
/// slides over the text; the hash of its last `B` bytes gives how far it may jump without
/// skipping a match, and only when it may not jump are the patterns of that hash compared.
/// On ordinary text the window moves several bytes per step, so the scan is sub-linear in
/// practice and linear in the worst case (O(n × patterns sharing a hash)).
///
/// The matcher is immutable and `Sendable`; scanning allocates nothing.
public struct LiteralMatcher: Sendable {
    /// One pattern as given.
    public struct Pattern: Sendable, Equatable {
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
    /// How far the window may move for each block hash.
    private let shifts: [UInt8]
    /// For each block hash with shift 0, the patterns whose window ends in that block:
    /// `bucketStarts[h]..<bucketStarts[h + 1]` indexes `bucketPatterns`.
    private let bucketStarts: [Int32]
    private let bucketPatterns: [Int32]

    /// Builds the matcher. Empty patterns are ignored (they would match everywhere).
    /// - Complexity: O(total pattern length + table size).
    public init(_ patterns: [Pattern]) {
        let folded = patterns.map { Pattern(ASCIIFold.fold($0.bytes), wholeWord: $0.wholeWord) }
        self.patterns = folded
        let lengths = folded.map(\.bytes.count).filter { $0 > 0 }
        let window = lengths.min() ?? 0
        self.window = window
        // Longer blocks make rarer hashes (longer jumps); a block never exceeds the window.
        let blockSize = min(3, max(window, 1))
        self.blockSize = blockSize
        let tableSize = 1 << LiteralMatcher.tableBits
        let defaultShift = UInt8(clamping: max(window - blockSize + 1, 0))
        var shifts = [UInt8](repeating: defaultShift, count: tableSize)
        var buckets = [[Int32]](repeating: [], count: tableSize)
        if window > 0 {
            for (index, pattern) in folded.enumerated() where !pattern.bytes.isEmpty {
                let bytes = pattern.bytes
                // Every block inside the pattern's first `window` bytes limits the jump.
                for end in (blockSize - 1)..<window {
                    let hash = LiteralMatcher.hash(LiteralMatcher.blockWord(bytes, end: end, blockSize: blockSize))
                    shifts[hash] = min(shifts[hash], UInt8(clamping: window - 1 - end))
                }
                let last = LiteralMatcher.hash(LiteralMatcher.blockWord(bytes, end: window - 1, blockSize: blockSize))
                buckets[last].append(Int32(index))
            }
        }
        self.shifts = shifts
        var starts = [Int32](repeating: 0, count: tableSize + 1)
        var flat: [Int32] = []
        for hash in 0..<tableSize {
            starts[hash] = Int32(flat.count)
            flat.append(contentsOf: buckets[hash])
        }
        starts[tableSize] = Int32(flat.count)
        self.bucketStarts = starts
        self.bucketPatterns = flat
    }

    /// Convenience: plain literals, none whole-word.
    public init(literals: [String]) {
        self.init(literals.map { Pattern(Array($0.utf8)) })
    }

    /// Size of the shift table: 64 KiB of jumps, which stays in the L2 cache.
    private static let tableBits = 16

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
    private static func hash(_ word: UInt32) -> Int {
        Int((word &* 0x9E37_79B1) >> UInt32(32 - tableBits))
    }

    /// Calls `onMatch(pattern, start, end)` for every occurrence, in order of `start`
    /// (overlapping occurrences included). Returning false from `onMatch` stops the scan.
    public func scan(_ text: UnsafeBufferPointer<UInt8>, _ onMatch: (Int, Int, Int) -> Bool) {
        let count = text.count
        guard window > 0, count >= window, let base = text.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let block = blockSize
        let blockMask: UInt32 = block >= 4 ? 0xFFFF_FFFF : (UInt32(1) << (8 * UInt32(block))) &- 1
        ASCIIFold.table.withUnsafeBufferPointer { fold in
            shifts.withUnsafeBufferPointer { shifts in
                bucketStarts.withUnsafeBufferPointer { starts in
                    bucketPatterns.withUnsafeBufferPointer { bucket in
                        var position = window - 1
                        while position < count {
                            // The block ends at `position`; read the word that starts at its first byte.
                            // Near the end of the text, where a 4-byte load would overrun, build it by hand.
                            let first = position - block + 1
                            var word: UInt32
                            if first + 4 <= count {
                                word = raw.loadUnaligned(fromByteOffset: first, as: UInt32.self)
                            } else {
                                word = 0
                                for offset in 0..<block { word |= UInt32(base[first + offset]) << (8 * UInt32(offset)) }
                            }
                            word = (word | 0x2020_2020) & blockMask
                            let hash = Int((word &* 0x9E37_79B1) >> UInt32(32 - LiteralMatcher.tableBits))
                            let shift = Int(shifts[hash])
                            if shift > 0 {
                                position += shift
                                continue
                            }
                            let start = position - window + 1
                            for slot in Int(starts[hash])..<Int(starts[hash + 1]) {
                                let index = Int(bucket[slot])
                                if matches(index, at: start, in: base, count: count, fold: fold),
                                   !onMatch(index, start, start + patterns[index].bytes.count) {
                                    return
                                }
                            }
                            position += 1
                        }
                    }
                }
            }
        }
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
