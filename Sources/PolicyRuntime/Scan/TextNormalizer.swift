/// Builds the normalized view (see ``NormalizedText``) and normalizes literal patterns the same way.
package enum TextNormalizer {
    /// The normalized view of a text, or nil when nothing in it changes (then the text is its
    /// own view and nothing is copied).
    /// - Complexity: O(n); 16 bytes at a time over ASCII text, one table look-up per other scalar.
    static func normalize(_ text: UnsafeBufferPointer<UInt8>) -> NormalizedText? {
        var index = nextSpecial(text, from: 0)
        guard index < text.count else { return nil }
        let table = NormalizationTable.shared
        var bytes: [UInt8] = []
        var segments: [NormalizedText.Segment] = []
        var copyStart = 0
        var changed = false
        // Where the scalars after a run of separators end, and whether a word follows there: a
        // run is looked at once however long it is.
        var lookaheadEnd = -1
        var wordFollows = false
        func flushCopy() {
            guard copyStart < index else { return }
            if bytes.isEmpty { bytes.reserveCapacity(text.count + 16) }
            segments.append(.init(viewStart: bytes.count, originalStart: copyStart, originalEnd: index, copied: true))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[copyStart..<index]))
        }
        while index < text.count {
            let (value, length) = LinearRegex.decode(text, at: index)
            // An invalid byte is copied with its neighbours.
            let entry = length == 1 && value >= 0x80 ? NormalizationTable.Entry(bits: 0) : table.entry(value)
            switch entry.kind {
            case .kept:
                index += length
            case .replaced, .removed, .separator:
                flushCopy()
                changed = true
                var space = false
                if entry.kind == .separator {
                    if index >= lookaheadEnd { (lookaheadEnd, wordFollows) = wordAfter(text, from: index + length, table) }
                    space = !(wordFollows && endsWithWord(bytes, table))
                }
                if entry.kind == .replaced || space {
                    segments.append(.init(viewStart: bytes.count, originalStart: index, originalEnd: index + length, copied: false))
                    if space { bytes.append(0x20) } else { bytes.append(contentsOf: table.replacement(entry)) }
                }
                index += length
                copyStart = index
            }
            index = nextSpecial(text, from: index)
        }
        // Nothing replaced or dropped: the text is its own view.
        guard changed else { return nil }
        flushCopy()
        return NormalizedText(bytes: bytes, segments: segments)
    }

    /// Where the separators and removed scalars from `start` on end, and whether the scalar
    /// there starts with a letter or digit.
    private static func wordAfter(_ text: UnsafeBufferPointer<UInt8>, from start: Int,
                                  _ table: NormalizationTable) -> (end: Int, word: Bool) {
        var index = start
        while index < text.count {
            let (value, length) = LinearRegex.decode(text, at: index)
            if length == 1, value >= 0x80 { return (index, false) }
            let entry = table.entry(value)
            switch entry.kind {
            case .removed, .separator: index += length
            case .kept, .replaced: return (index, entry.startsWord)
            }
        }
        return (index, false)
    }

    /// Whether the view so far ends with a letter or digit. Its last scalar is ASCII or one the
    /// table keeps, whose entry says.
    private static func endsWithWord(_ bytes: [UInt8], _ table: NormalizationTable) -> Bool {
        bytes.withUnsafeBufferPointer { view in
            guard let start = LinearRegex.previousStart(view, before: view.count) else { return false }
            let (value, length) = LinearRegex.decode(view, at: start)
            return start + length == view.count && (length > 1 || value < 0x80) && table.entry(value).startsWord
        }
    }

    /// The offset of the first byte from `index` on that the view may change (or the end): a
    /// byte that is not ASCII, DEL, or a control other than tab, LF and CR. Sixteen bytes at a
    /// time (``SpecialBytes``).
    @inline(__always)
    private static func nextSpecial(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        guard let base = text.baseAddress else { return text.count }
        let raw = UnsafeRawPointer(base)
        let special = SpecialBytes()
        var position = index
        // Thirty-two bytes a step with the coarse test (which a tab or a CR also trips), the
        // exact one only where it trips.
        while position + 32 <= text.count {
            let first = raw.loadUnaligned(fromByteOffset: position, as: ByteVector.self)
            let second = raw.loadUnaligned(fromByteOffset: position + 16, as: ByteVector.self)
            let firstCoarse = special.coarseLanes(first)
            let secondCoarse = special.coarseLanes(second)
            if ByteMasks.isAnySet(firstCoarse | secondCoarse) {
                let lanes = UInt32(ByteMasks.laneBits(special.lanes(first, coarse: firstCoarse)))
                    | ByteMasks.laneBits(special.lanes(second, coarse: secondCoarse)) << 16
                if lanes != 0 { return position + lanes.trailingZeroBitCount }
            }
            position += 32
        }
        while position + 16 <= text.count {
            let lanes = special.lanes(raw.loadUnaligned(fromByteOffset: position, as: ByteVector.self))
            if ByteMasks.isAnySet(lanes) { return position + ByteMasks.laneBits(lanes).trailingZeroBitCount }
            position += 16
        }
        while position < text.count, !isSpecial(text[position]) { position += 1 }
        return position
    }

    /// ``isSpecial(_:)`` sixteen bytes at a time.
    struct SpecialBytes {
        private let firstNonSpecial = SIMD16<Int8>(repeating: 0x21)
        private let one = ByteVector(repeating: 1)
        private let tab = ByteVector(repeating: 0x09)
        private let lineFeed = ByteVector(repeating: 0x0A)
        private let carriageReturn = ByteVector(repeating: 0x0D)

        /// A superset of the special lanes: bytes below 0x20, DEL and up (one signed compare:
        /// adding 1 takes 0x7F–0xFF below zero and 0x00–0x1F to 0x01–0x20), other than LF. Tab
        /// and CR are the rest; a line break, in every line of prose, does not trip it.
        @inline(__always)
        func coarseLanes(_ block: ByteVector) -> ByteMask {
            unsafeBitCast(unsafeBitCast(block &+ one, to: SIMD16<Int8>.self) .< firstNonSpecial, to: ByteMask.self)
                & ~ByteMasks.equal(block, lineFeed)
        }

        /// The lanes of `block` whose byte ``isSpecial(_:)``, given its ``coarseLanes(_:)``.
        @inline(__always)
        func lanes(_ block: ByteVector, coarse: ByteMask) -> ByteMask {
            coarse & ~(ByteMasks.equal(block, tab) | ByteMasks.equal(block, carriageReturn))
        }

        /// The lanes of `block` whose byte ``isSpecial(_:)``.
        @inline(__always)
        func lanes(_ block: ByteVector) -> ByteMask { lanes(block, coarse: coarseLanes(block)) }
    }

    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D)
    }

    /// A literal pattern in the same form, ASCII-folded as the matchers fold, so a pattern written
    /// with an accent or a look-alike still meets the text it was written for.
    package static func normalizePattern(_ pattern: [UInt8]) -> [UInt8] {
        ASCIIFold.fold(pattern.withUnsafeBufferPointer { normalize($0)?.bytes } ?? pattern)
    }
}
