import Foundation

/// The view of a text that blocked patterns, pattern lists, regexes and detectors see, so that
/// look-alike and invisible characters cannot hide a match (docs/runtime.md, "Normalization"):
///
/// 1. default-ignorable code points are removed: zero-width spaces and joiners, soft hyphens,
///    bidirectional controls, variation selectors, invisible tag characters (which the
///    `injection.hidden_text` detector reports from the original text);
/// 2. compatibility forms become what NFKC makes of them when that is ASCII: fullwidth forms
///    (`ｐｒｏｄ` → `prod`), mathematical alphanumerics (`𝐩𝐫𝐨𝐝` → `prod`), enclosed and
///    super/subscript letters and digits, the ideographic space;
/// 3. Cyrillic and Greek letters that look like Latin ones become those (`prоd` with a Cyrillic
///    `о` → `prod`), from Unicode's confusables for these scripts; accents go: combining marks
///    are removed and accented Latin letters become their base letter (`prodúction` → `production`);
/// 4. letters are lower-cased (Unicode's lower-case mapping, and `ß`/`ẞ` to `ss` as full case
///    folding does; the matchers fold ASCII themselves).
///
/// Every byte of the view remembers the original scalar it came from, so a match maps back to
/// byte offsets in the original. An all-ASCII text is its own view: it is not copied.
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
        // One SIMD pass finds the first byte that is not ASCII; an ASCII text stops there.
        guard text.count < 1 << 31, let normalized = TextNormalizer.normalize(text) else { return body(text, nil) }
        return normalized.bytes.withUnsafeBufferPointer { body($0, normalized) }
    }
}

/// Builds the normalized view (see ``NormalizedText``) and normalizes literal patterns the same way.
package enum TextNormalizer {
    /// The normalized view of a text, or nil when nothing in it changes (then the text is its
    /// own view and nothing is copied).
    static func normalize(_ text: UnsafeBufferPointer<UInt8>) -> NormalizedText? {
        var bytes: [UInt8] = []
        var segments: [NormalizedText.Segment] = []
        var index = 0
        var copyStart = 0
        var changed = false
        func flushCopy() {
            guard copyStart < index else { return }
            if bytes.isEmpty { bytes.reserveCapacity(text.count) }
            segments.append(.init(viewStart: bytes.count, originalStart: copyStart, originalEnd: index, copied: true))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[copyStart..<index]))
        }
        while index < text.count {
            index = nextNonASCII(text, from: index)
            guard index < text.count else { break }
            let (value, length) = LinearRegex.decode(text, at: index)
            // An invalid byte, or a scalar that stays itself, is copied with its neighbours.
            guard length > 1, let replacement = map(value) else {
                index += length
                continue
            }
            flushCopy()
            changed = true
            if !replacement.isEmpty {
                segments.append(.init(viewStart: bytes.count, originalStart: index, originalEnd: index + length, copied: false))
                bytes.append(contentsOf: replacement)
            }
            index += length
            copyStart = index
        }
        // Nothing replaced or dropped: the text is its own view.
        guard changed else { return nil }
        flushCopy()
        return NormalizedText(bytes: bytes, segments: segments)
    }

    /// The offset of the first byte from `index` on that is not ASCII (or the end), 16 at a time.
    @inline(__always)
    private static func nextNonASCII(_ text: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        guard let base = text.baseAddress else { return text.count }
        let raw = UnsafeRawPointer(base)
        var position = index
        while position + 16 <= text.count {
            let halves = unsafeBitCast(raw.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self), to: (UInt64, UInt64).self)
            let low = halves.0 & 0x8080_8080_8080_8080
            let high = halves.1 & 0x8080_8080_8080_8080
            if low != 0 { return position + low.trailingZeroBitCount >> 3 }
            if high != 0 { return position + 8 + high.trailingZeroBitCount >> 3 }
            position += 16
        }
        while position < text.count, text[position] < 0x80 { position += 1 }
        return position
    }

    /// A literal pattern in the same form, so a pattern written with an accent or a look-alike
    /// still meets the text it was written for.
    package static func normalizePattern(_ pattern: [UInt8]) -> [UInt8] {
        let folded = ASCIIFold.fold(pattern)
        guard folded.contains(where: { $0 >= 0x80 }) else { return folded }
        return ASCIIFold.fold(folded.withUnsafeBufferPointer { normalize($0)?.bytes } ?? folded)
    }

    /// What a non-ASCII scalar becomes: nil to keep it, `[]` to drop it, else the bytes.
    static func map(_ value: UInt32) -> [UInt8]? {
        if value < UInt32(common.count) { return common[Int(value)] }
        return slowMap(value)
    }

    /// `map` for every scalar of the Basic Multilingual Plane (Latin, Greek, Cyrillic, CJK, the
    /// usual zero-width characters; a few milliseconds, once); the rest is computed when met.
    private static let common: [[UInt8]?] = (0..<0x10000).map { $0 < 0x80 ? nil : slowMap($0) }

    private static func slowMap(_ value: UInt32) -> [UInt8]? {
        guard let scalar = Unicode.Scalar(value) else { return nil }
        if scalar.properties.isDefaultIgnorableCodePoint { return [] }
        if let compatible = compatibility[value] { return compatible }
        if let latin = confusables[value] { return [latin] }
        // Accents: combining marks go, and a Latin letter with marks becomes its base letter
        // (`prodúction`, `PRODUCTİON`).
        if (0x0300...0x036F).contains(value) { return [] }
        if value < 0x0250 {
            let parts = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
            if let base = parts.first, base.isASCII, parts.count > 1,
               parts.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) {
                return [UInt8(base.value) | (base.properties.isAlphabetic ? 0x20 : 0)]
            }
        }
        // Case folding: `ß` and `ẞ` fold to `ss` (a full folding lower case does not do);
        // everything else to its lower-case mapping, which may be more than one scalar (`İ`).
        if value == 0x00DF || value == 0x1E9E { return Array("ss".utf8) }
        guard scalar.properties.changesWhenLowercased else { return nil }
        let lower = scalar.properties.lowercaseMapping
        guard lower.unicodeScalars.count != 1 || lower.unicodeScalars.first != scalar else { return nil }
        return Array(lower.utf8)
    }

    /// NFKC's ASCII results for the compatibility blocks that are used to dodge filters.
    private static let compatibility: [UInt32: [UInt8]] = {
        var table: [UInt32: [UInt8]] = [:]
        let ranges: [ClosedRange<UInt32>] = [0x2070...0x209F, 0x2460...0x24FF, 0x3000...0x3000, 0xFB00...0xFB06, 0xFF01...0xFF5E, 0x1D400...0x1D7FF,
                                              0x1F130...0x1F189]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let decomposed = String(Character(scalar)).decomposedStringWithCompatibilityMapping
                let utf8 = Array(decomposed.utf8)
                if !utf8.isEmpty, utf8.count <= 4, utf8.allSatisfy({ $0 < 0x80 }) { table[value] = ASCIIFold.fold(utf8) }
            }
        }
        return table
    }()

    /// Cyrillic and Greek letters that look like Latin ones (Unicode's confusables for these
    /// scripts, the unambiguous ones), to the Latin letter in lower case.
    private static let confusables: [UInt32: UInt8] = {
        let pairs: [(UInt32, Character)] = [
            // Cyrillic lower case
            (0x0430, "a"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0441, "c"), (0x0443, "y"), (0x0445, "x"),
            (0x0455, "s"), (0x0456, "i"), (0x0458, "j"), (0x04BB, "h"), (0x04CF, "l"), (0x0501, "d"), (0x051B, "q"),
            (0x051D, "w"),
            // Cyrillic upper case
            (0x0410, "a"), (0x0412, "b"), (0x0415, "e"), (0x041A, "k"), (0x041C, "m"), (0x041D, "h"), (0x041E, "o"),
            (0x0420, "p"), (0x0421, "c"), (0x0422, "t"), (0x0423, "y"), (0x0425, "x"), (0x0405, "s"), (0x0406, "i"),
            (0x0408, "j"), (0x04BA, "h"), (0x04C0, "i"),
            // Greek
            (0x03B1, "a"), (0x03BF, "o"), (0x03BD, "v"), (0x03C1, "p"), (0x03B9, "i"), (0x03BA, "k"), (0x03C5, "u"),
            (0x03C7, "x"), (0x0391, "a"), (0x0392, "b"), (0x0395, "e"), (0x0396, "z"), (0x0397, "h"), (0x0399, "i"),
            (0x039A, "k"), (0x039C, "m"), (0x039D, "n"), (0x039F, "o"), (0x03A1, "p"), (0x03A4, "t"), (0x03A5, "y"),
            (0x03A7, "x"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, $0.1.asciiValue!) })
    }()
}
