/// The detector scanner's loop over a text: sixteen bytes at a time, the anchors
/// (``AnchorClassifier``) and, when injection detectors are on, where injection keys may be
/// (``InjectionKeyFilter``); a block with neither costs a few dozen vector instructions, and
/// the rest is handed to ``AnchorHandler`` and ``InjectionPhraseScanner``.
///
/// A block at `offset` reads from `offset - 1` (to know which lanes start a word) to
/// `offset + 16 + InjectionKeyFilter.reach`. Blocks whose reads stay inside the text are read
/// in place; the first block and the last ones go through a copy padded with a space before
/// and zeros after (a zero is no anchor and no key, so padding only makes candidates past the
/// end, which are dropped). The state lives in this value, not in captured variables, so
/// nothing in the loop is checked for exclusive access at run time.
struct BlockScan {
    private let phrases: InjectionPhraseScanner
    private let text: UnsafeBufferPointer<UInt8>
    private let enabled: BitSet
    private let wantsPhrases: Bool
    private let classifier = AnchorClassifier()
    private var anchors: AnchorHandler
    /// Where the long key verified last starts: two samples of one occurrence report it once.
    private var lastLongKeyStart = -1
    /// What the scan found, in no particular order.
    private(set) var findings: [Finding] = []

    init(scanner: DetectorScanner, text: UnsafeBufferPointer<UInt8>, enabled: BitSet) {
        phrases = scanner.phrases
        self.text = text
        self.enabled = enabled
        wantsPhrases = enabled.contains(DetectorID.instructionOverride.rawValue) || enabled.contains(DetectorID.jailbreak.rawValue)
        anchors = AnchorHandler(scanner: scanner, text: text, enabled: enabled)
    }

    /// Scans the whole text.
    mutating func run() {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let count = text.count
        let reach = InjectionKeyFilter.reach
        // Blocks at 16, 32, … in place while their reads stay inside the text.
        let inPlace = count >= 32 + reach ? (count - 32 - reach) / 16 + 1 : 0
        guard inPlace > 0 else {
            walkCopy(from: 0, blocks: (count + 15) / 16)
            return
        }
        walkCopy(from: 0, blocks: 1)
        let raw = UnsafeRawPointer(base + 16)
        if wantsPhrases {
            walk(raw, blocks: inPlace, origin: 16, phrases: true)
        } else {
            walk(raw, blocks: inPlace, origin: 16, phrases: false)
        }
        let done = 16 + inPlace * 16
        if done < count { walkCopy(from: done, blocks: (count - done + 15) / 16) }
    }

    /// Walks `blocks` blocks from `from` through a padded copy.
    private mutating func walkCopy(from: Int, blocks: Int) {
        guard let base = text.baseAddress else { return }
        let end = min(text.count, from + 16 * blocks + 16 + InjectionKeyFilter.reach)
        let capacity = 16 * blocks + 18 + InjectionKeyFilter.reach
        let phrases = wantsPhrases
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { padded in
            guard let copy = padded.baseAddress else { return }
            copy.initialize(to: from > 0 ? base[from - 1] : 0x20)
            (copy + 1).initialize(from: base + from, count: end - from)
            (copy + 1 + end - from).initialize(repeating: 0, count: capacity - 1 - (end - from))
            walk(UnsafeRawPointer(copy + 1), blocks: blocks, origin: from, phrases: phrases)
        }
    }

    /// Walks `blocks` blocks of `raw` (readable one byte before its start), whose first byte
    /// is `origin` in the text.
    @inline(__always)
    private mutating func walk(_ raw: UnsafeRawPointer, blocks: Int, origin: Int, phrases: Bool) {
        var offset = 0
        for _ in 0..<blocks {
            let block = raw.loadUnaligned(fromByteOffset: offset, as: ByteVector.self)
            let next = raw.loadUnaligned(fromByteOffset: offset &+ 1, as: ByteVector.self)
            let previous = raw.loadUnaligned(fromByteOffset: offset &- 1, as: ByteVector.self)
            let startsWord = ~classifier.alphanumerics(previous)
            let stops = classifier.anchors(block, next: next, startsWord: startsWord)
            var keys = ByteMasks.none
            var samples: UInt32 = 0
            if phrases {
                keys = self.phrases.filter.shortCandidates(raw, offset) & startsWord
                samples = self.phrases.filter.longSamples(raw, offset)
            }
            if ByteMasks.isAnySet(stops | keys) || samples != 0 {
                handle(origin &+ offset, stops: ByteMasks.laneBits(stops), keys: ByteMasks.laneBits(keys), samples: samples)
            }
            offset &+= 16
        }
    }

    /// The lanes of one block that need a look: anchors, short-key starts, long-key samples.
    private mutating func handle(_ position: Int, stops: UInt32, keys: UInt32, samples: UInt32) {
        let count = text.count
        var lanes = stops
        while lanes != 0 {
            let index = position &+ lanes.trailingZeroBitCount
            lanes &= lanes &- 1
            if index < count { anchors.handle(at: index, into: &findings) }
        }
        lanes = keys
        while lanes != 0 {
            let start = position &+ lanes.trailingZeroBitCount
            lanes &= lanes &- 1
            if start < count { checkShortKeys(at: start) }
        }
        lanes = samples
        while lanes != 0 {
            let sample = position &+ 5 &* lanes.trailingZeroBitCount
            lanes &= lanes &- 1
            checkLongKeys(sample: sample)
        }
    }

    private mutating func checkShortKeys(at start: Int) {
        for slot in phrases.filter.shortKeys(at: start, in: text) {
            if let found = phrases.finding(shortKey: phrases.filter.shortKey(slot), at: start, in: text, enabled: enabled) {
                findings.append(found)
            }
        }
    }

    private mutating func checkLongKeys(sample: Int) {
        let (slots, hash) = phrases.filter.longCandidates(sample: sample, in: text)
        for slot in slots {
            guard let (key, start) = phrases.filter.longKey(slot, hash: hash, sample: sample), start != lastLongKeyStart,
                  let found = phrases.finding(longKey: key, at: start, in: text, enabled: enabled) else { continue }
            findings.append(found)
            lastLongKeyStart = start
        }
    }
}
