/// A set of Unicode scalars as sorted, disjoint, non-adjacent ranges, with a bitmap for ASCII so
/// that the common case is one shift and mask.
struct ScalarSet: Sendable, Equatable, Hashable {
    /// Inclusive ranges, sorted and merged.
    private(set) var ranges: [ClosedRange<UInt32>]
    /// Bits for 0..<128.
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0

    /// The empty set.
    init() { ranges = [] }

    /// A set of ranges (any order, may overlap).
    /// - Complexity: O(n log n) for n ranges: sorted and merged once.
    init(_ ranges: [ClosedRange<UInt32>]) {
        var merged: [ClosedRange<UInt32>] = []
        merged.reserveCapacity(ranges.count)
        let isSorted = zip(ranges, ranges.dropFirst()).allSatisfy { $0.lowerBound <= $1.lowerBound }
        for range in isSorted ? ranges : ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                if range.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound...range.upperBound }
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
        computeASCIIBits()
    }

    /// One scalar, folded under `caseInsensitive` (a literal: the parser's commonest set).
    init(scalar value: UInt32, caseInsensitive: Bool) {
        if caseInsensitive, value < 128 {
            self = ScalarSet.foldedASCII[Int(value)]
        } else {
            ranges = [value...value]
            computeASCIIBits()
            if caseInsensitive { self = caseFolded() }
        }
    }

    /// Every scalar but these.
    func inverted() -> ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return ScalarSet(result)
    }

    /// Derives the ASCII bitmap from `ranges`.
    private mutating func computeASCIIBits() {
        asciiLow = 0
        asciiHigh = 0
        for range in ranges where range.lowerBound < 128 {
            for scalar in range.lowerBound...min(range.upperBound, 127) {
                if scalar < 64 { asciiLow |= 1 << UInt64(scalar) } else { asciiHigh |= 1 << UInt64(scalar - 64) }
            }
        }
    }

    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return asciiLow & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return asciiHigh & (1 << UInt64(scalar - 64)) != 0 }
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < scalar { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(scalar)
    }

    /// The set with every scalar's simple case-folding orbit added (``CaseOrbits``): `k` brings
    /// `K` and U+212A KELVIN SIGN, `σ` brings `ς` and `Σ` — the relation RE2 uses for `(?i)`.
    ///
    /// Only the table's members inside each range are visited, never the range scalar by scalar,
    /// so folding `[\x{0}-\x{10FFFF}]` costs the same few thousand steps as any large class.
    /// - Complexity: O((r + m) log t + m log m): r ranges, t table entries, m orbit members met.
    func caseFolded() -> ScalarSet {
        // The common case, a literal ASCII scalar, from a table built once.
        if ranges.count == 1, ranges[0].lowerBound == ranges[0].upperBound, ranges[0].lowerBound < 128 {
            return ScalarSet.foldedASCII[Int(ranges[0].lowerBound)]
        }
        return foldedByTable()
    }

    /// Each ASCII scalar's orbit as a set.
    private static let foldedASCII: [ScalarSet] = (0..<128).map { ScalarSet([UInt32($0)...UInt32($0)]).foldedByTable() }

    /// `caseFolded()` without the ASCII shortcut (which it builds).
    private func foldedByTable() -> ScalarSet {
        var added: [ClosedRange<UInt32>] = ranges
        let scalars = CaseOrbits.scalars
        for range in ranges {
            var index = CaseOrbits.firstIndex(atLeast: range.lowerBound)
            while index < scalars.count, scalars[index] <= range.upperBound {
                // Walk the orbit; its members outside the range are the ones that add anything.
                var member = CaseOrbits.next[index]
                while member != scalars[index] {
                    if !range.contains(member) { added.append(member...member) }
                    member = CaseOrbits.next[CaseOrbits.index(of: member)]
                }
                index += 1
            }
        }
        return added.count == ranges.count ? self : ScalarSet(added)
    }

    static let digits = ScalarSet([0x30...0x39])
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20])
    /// `.`: anything but a line feed.
    static let anyButNewline = ScalarSet([0...0x09, 0x0B...0x10FFFF])
}
