/// The view of a text that blocked patterns, pattern lists, regexes and detectors see, so that
/// look-alike and invisible characters cannot hide a match (docs/runtime.md, "Normalization").
/// ASCII stays as it is, capitals included; each other scalar goes through Unicode's own data
/// (``NormalizationTable``, generated):
///
/// 1. default-ignorable code points are removed: zero-width spaces and joiners, soft hyphens,
///    bidirectional controls, variation selectors, invisible tag characters (which the
///    `injection.hidden_text` detector reports from the original text);
/// 2. the full compatibility decomposition (NFKD) is taken and non-spacing marks are removed:
///    `ｐｒｏｄ`, `𝐩𝐫𝐨𝐝`, `ᵖʳᵒᵈ` → `prod`, `prọduction` → `production`, `Ａ` → `A`;
/// 3. look-alikes of ASCII (Unicode's confusables, filtered) become the ASCII they look like,
///    in their case: Cyrillic `А` → `A`, `а` → `a`, `ı` → `i`, `‐` → `-`;
/// 4. the other letters are case-folded (`Ж` → `ж`, `ß` → `ss`), since the matchers fold only
///    ASCII themselves;
/// 5. controls (but tab, LF, CR) and blank look-alikes are removed inside a word and become a
///    space elsewhere.
///
/// Every byte of the view remembers the original scalar it came from, so a match maps back to
/// byte offsets in the original. A text that nothing changes, such as any ASCII text without
/// control characters, is its own view: it is not copied.
struct NormalizedText {
    /// A stretch of the view and where it came from: either copied unchanged (offsets shift by a
    /// constant) or the replacement of one original scalar (every byte maps to that scalar).
    struct Segment {
        /// Offsets fit 32 bits: texts are far below 2 GiB (the request reader caps them).
        private let view: UInt32
        private let start: UInt32
        /// The original end, with the top bit set for a copied stretch.
        private let endAndKind: UInt32

        init(viewStart: Int, originalStart: Int, originalEnd: Int, copied: Bool) {
            view = UInt32(truncatingIfNeeded: viewStart)
            start = UInt32(truncatingIfNeeded: originalStart)
            endAndKind = UInt32(truncatingIfNeeded: originalEnd) | (copied ? 0x8000_0000 : 0)
        }

        var viewStart: Int { Int(view) }
        var originalStart: Int { Int(start) }
        var originalEnd: Int { Int(endAndKind & 0x7FFF_FFFF) }
        var copied: Bool { endAndKind & 0x8000_0000 != 0 }
    }

    /// The bytes to scan.
    let bytes: [UInt8]
    /// Sorted by `viewStart`; the first starts at 0. Only changes cost a segment, so an
    /// ASCII-heavy text maps back through a handful of them.
    let segments: [Segment]

    /// The original byte range of the view's range `start..<end`.
    func original(_ start: Int, _ end: Int) -> (Int, Int) {
        func position(_ offset: Int, closing: Bool) -> Int {
            guard !segments.isEmpty else { return offset }
            // The last segment starting at or before `offset` (for an end, before `offset`).
            var low = 0
            var high = segments.count - 1
            let key = closing ? offset - 1 : offset
            while low < high {
                let middle = (low + high + 1) / 2
                if segments[middle].viewStart <= key { low = middle } else { high = middle - 1 }
            }
            let segment = segments[low]
            if segment.copied { return segment.originalStart + (offset - segment.viewStart) }
            return closing ? segment.originalEnd : segment.originalStart
        }
        guard end > start else {
            let at = start < bytes.count ? position(start, closing: false) : (segments.last.map { $0.copied
                ? $0.originalStart + (bytes.count - $0.viewStart) : $0.originalEnd } ?? start)
            return (at, at)
        }
        return (position(start, closing: false), position(end, closing: true))
    }

    /// Calls `body` with the view of `text` and the map back (nil when the text is its own view).
    static func withView<Result>(of text: UnsafeBufferPointer<UInt8>,
                                 _ body: (UnsafeBufferPointer<UInt8>, NormalizedText?) -> Result) -> Result {
        // One SIMD pass finds the first byte that may change (not ASCII, or a control); a text
        // without one stops there.
        guard text.count < 1 << 31, let normalized = TextNormalizer.normalize(text) else { return body(text, nil) }
        return normalized.bytes.withUnsafeBufferPointer { body($0, normalized) }
    }
}
