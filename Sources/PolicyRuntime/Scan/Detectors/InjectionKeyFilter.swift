/// Where the keys of ``InjectionPhrases`` may start, found inside the detector scanner's block
/// loop (no pass of their own): sixteen positions at a time, from the same memory the anchors
/// are read from.
///
/// - Short keys (fewer than ``InjectionPhrases/shortKeyLength`` letters: `rules`, `dan`) by their
///   first and third bytes where a word starts, compared at sixteen positions at once (a
///   "packed pair"; see ``RarePairFilter``): the same two vectors serve every key, and the pairs
///   sit in a fixed-size tuple, so a key costs four vector instructions per block. A word start
///   with the right first and third letters comes about once per kilobyte of English prose.
/// - Long keys (`instructions`, `unrestricted`) by sampling: a key of nine letters or more
///   covers a whole four-byte gram at one of the positions 0, 5 or 10 of some block (the gaps
///   are 5, 5 and 6), so three grams per block are hashed into a 64-Kibit set of the keys'
///   grams — three independent look-ups, where a skipping matcher waits on each jump — and a
///   hit names the keys and offsets to verify.
///
/// Matching folds ASCII case with `| 0x20` (which also merges a few punctuation pairs); every
/// candidate is verified exactly, so the filters only decide where to look.
struct InjectionKeyFilter: Sendable {
    /// One key: its bytes (lower case) and the phrases it starts, by index in the table.
    struct Key: Sendable {
        let bytes: [UInt8]
        let phrases: [Int]
    }

    /// The first and third bytes of some short keys (`| 0x20`) in every lane (`prompt` and
    /// `prompts` share one pair).
    private struct Pair: Sendable {
        let first: ByteVector
        let third: ByteVector

        /// A pair no folded text matches (every byte `| 0x20` is nonzero): an unused slot.
        static let never = Pair(first: ByteVector(repeating: 0), third: ByteVector(repeating: 0))
    }

    /// The number of pair slots the block loop compares; a test checks the table's short keys
    /// need no more.
    static let maximumShortPairs = 5
    /// The bytes a block reads past its sixteen for the pairs (the third byte's).
    static let reach = 2

    let shortKeys: [Key]
    let longKeys: [Key]
    private let pairs: (Pair, Pair, Pair, Pair, Pair)
    /// The pairs in use, for verification, and their keys: those of pair `i` are
    /// `pairKeys[pairKeyStarts[i]..<pairKeyStarts[i + 1]]`.
    private let usedPairs: [Pair]
    private let pairKeyStarts: [Int]
    private let pairKeys: [Int]
    /// One bit per 16-bit gram hash that some long key contains (8 KiB, in the L1 cache).
    private let gramSet: [UInt64]
    /// `hash << 16 | key << 8 | offset` for each gram of each long key, by the hash's top
    /// twelve bits: the bucket `b` is `gramEntries[gramStarts[b]..<gramStarts[b + 1]]`.
    private let gramStarts: [Int32]
    private let gramEntries: [UInt64]
    private let fold = ByteVector(repeating: 0x20)

    init(phrases: [InjectionPhrases.Phrase]) {
        var short: [String: [Int]] = [:]
        var long: [String: [Int]] = [:]
        for (index, phrase) in phrases.enumerated() {
            for key in phrase.keys {
                if key.utf8.count < InjectionPhrases.shortKeyLength {
                    short[key, default: []].append(index)
                } else {
                    long[key, default: []].append(index)
                }
            }
        }
        shortKeys = short.keys.sorted().map { Key(bytes: Array($0.utf8), phrases: short[$0]!) }
        longKeys = long.keys.sorted().map { Key(bytes: Array($0.utf8), phrases: long[$0]!) }
        var pairs: [Pair] = []
        var keysOfPairs: [[Int]] = []
        for (index, key) in shortKeys.enumerated() {
            // A test checks every short key has a third byte.
            let pair = Pair(first: ByteVector(repeating: key.bytes[0] | 0x20), third: ByteVector(repeating: key.bytes[2] | 0x20))
            if let same = pairs.firstIndex(where: { $0.first == pair.first && $0.third == pair.third }) {
                keysOfPairs[same].append(index)
            } else {
                pairs.append(pair)
                keysOfPairs.append([index])
            }
        }
        // A table change that needs more pairs must widen the tuple (the table test says so).
        precondition(pairs.count <= InjectionKeyFilter.maximumShortPairs, "more short-key pairs than the block loop compares")
        usedPairs = pairs
        pairKeys = keysOfPairs.flatMap { $0 }
        pairKeyStarts = keysOfPairs.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let slots = pairs + Array(repeating: Pair.never, count: max(0, InjectionKeyFilter.maximumShortPairs - pairs.count))
        self.pairs = (slots[0], slots[1], slots[2], slots[3], slots[4])
        var set = [UInt64](repeating: 0, count: 1 << 10)
        var entries: [UInt64] = []
        for (keyIndex, key) in longKeys.enumerated() {
            for offset in 0...(key.bytes.count - 4) {
                let gram = (0..<4).reduce(UInt32(0)) { $0 | UInt32(key.bytes[offset + $1]) << (8 * UInt32($1)) }
                let hash = InjectionKeyFilter.hash(gram)
                set[hash >> 6] |= 1 << UInt64(hash & 63)
                entries.append(UInt64(hash) << 16 | UInt64(keyIndex) << 8 | UInt64(offset))
            }
        }
        entries.sort()
        var starts = [Int32](repeating: 0, count: (1 << 12) + 1)
        for entry in entries { starts[Int(entry >> 20) + 1] += 1 }
        for bucket in 0..<(1 << 12) { starts[bucket + 1] += starts[bucket] }
        gramSet = set
        gramStarts = starts
        gramEntries = entries
    }

    /// The 16-bit hash of a gram folded with `| 0x20`.
    @inline(__always)
    private static func hash(_ gram: UInt32) -> Int {
        Int(((gram | 0x2020_2020) &* 0x9E37_79B1) >> 16)
    }

    /// The lanes of the block at `raw + position` where a short key's first and third bytes are
    /// in place (word starts are the caller's to require).
    @inline(__always)
    func shortCandidates(_ raw: UnsafeRawPointer, _ position: Int) -> ByteMask {
        let first = raw.loadUnaligned(fromByteOffset: position, as: ByteVector.self) | fold
        let third = raw.loadUnaligned(fromByteOffset: position &+ 2, as: ByteVector.self) | fold
        @inline(__always) func hits(_ pair: Pair) -> ByteMask { ByteMasks.equal(first, pair.first) & ByteMasks.equal(third, pair.third) }
        return hits(pairs.0) | hits(pairs.1) | hits(pairs.2) | hits(pairs.3) | hits(pairs.4)
    }

    /// Bit `i` set when the gram at sample `i` (at `5 × i`) of the block at `raw + position`
    /// may be a long key's.
    @inline(__always)
    func longSamples(_ raw: UnsafeRawPointer, _ position: Int) -> UInt32 {
        gramSet.withUnsafeBufferPointer { set in
            @inline(__always) func bit(_ offset: Int) -> UInt64 {
                let hash = InjectionKeyFilter.hash(raw.loadUnaligned(fromByteOffset: position &+ offset, as: UInt32.self))
                return set[hash &>> 6] &>> UInt64(hash & 63) & 1
            }
            return UInt32(truncatingIfNeeded: bit(0) | bit(5) << 1 | bit(10) << 2)
        }
    }

    /// The short keys whose first and third bytes are at `start` of `text`, as a range of
    /// ``shortKey(_:)`` (pairs differ in a byte, so one pair at most is in place).
    @inline(__always)
    func shortKeys(at start: Int, in text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        guard start + 2 < text.count else { return 0..<0 }
        let first = text[start] | 0x20
        let third = text[start + 2] | 0x20
        for (index, pair) in usedPairs.enumerated() where pair.first[0] == first && pair.third[0] == third {
            return pairKeyStarts[index]..<pairKeyStarts[index + 1]
        }
        return 0..<0
    }

    /// The short key in slot `slot` of a ``shortKeys(at:in:)`` range, as an index of ``shortKeys``.
    @inline(__always)
    func shortKey(_ slot: Int) -> Int { pairKeys[slot] }

    /// The entries whose gram hashes like the gram of `text` at `sample`, as a range of
    /// ``longKey(_:sample:in:)``, with that hash.
    @inline(__always)
    func longCandidates(sample: Int, in text: UnsafeBufferPointer<UInt8>) -> (slots: Range<Int>, hash: UInt64) {
        guard sample + 4 <= text.count else { return (0..<0, 0) }
        let gram = UInt32(text[sample]) | UInt32(text[sample + 1]) << 8 | UInt32(text[sample + 2]) << 16 | UInt32(text[sample + 3]) << 24
        let hash = UInt64(InjectionKeyFilter.hash(gram))
        let bucket = Int(hash >> 4)
        return (Int(gramStarts[bucket])..<Int(gramStarts[bucket + 1]), hash)
    }

    /// The long key of entry `slot` and where it would start, if the entry's gram has `hash`
    /// (an index of ``longKeys`` and a text offset).
    @inline(__always)
    func longKey(_ slot: Int, hash: UInt64, sample: Int) -> (key: Int, start: Int)? {
        let entry = gramEntries[slot]
        guard entry >> 16 == hash else { return nil }
        let start = sample - Int(entry & 0xFF)
        return start >= 0 ? (Int(entry >> 8 & 0xFF), start) : nil
    }
}
