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
    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = []
        for range in ranges { insert(range) }
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

    /// Adds a range, keeping the ranges sorted and merged.
    mutating func insert(_ range: ClosedRange<UInt32>) {
        var merged = range
        var kept: [ClosedRange<UInt32>] = []
        kept.reserveCapacity(ranges.count + 1)
        for existing in ranges {
            if existing.upperBound + 1 < merged.lowerBound || merged.upperBound + 1 < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            }
        }
        kept.append(merged)
        kept.sort { $0.lowerBound < $1.lowerBound }
        ranges = kept
        asciiLow = 0
        asciiHigh = 0
        for range in ranges where range.lowerBound < 128 {
            for scalar in range.lowerBound...min(range.upperBound, 127) {
                if scalar < 64 { asciiLow |= 1 << UInt64(scalar) } else { asciiHigh |= 1 << UInt64(scalar - 64) }
            }
        }
    }

    /// Adds every range of another set.
    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
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

    /// The set with the other case of every letter added: ASCII letters, and for other scalars
    /// their simple (one-scalar) lower, upper and title case mappings.
    func caseFolded() -> ScalarSet {
        var result = self
        for range in ranges {
            // ASCII letters: shift the overlap with A–Z and a–z by 32.
            for (from, to, shift) in [(UInt32(0x41), UInt32(0x5A), Int64(32)), (UInt32(0x61), UInt32(0x7A), Int64(-32))] {
                let low = max(range.lowerBound, from)
                let high = min(range.upperBound, to)
                if low <= high { result.insert(UInt32(Int64(low) + shift)...UInt32(Int64(high) + shift)) }
            }
            // Other scalars: only for small ranges, so a class like [^a] stays cheap to build.
            guard range.upperBound >= 128, range.count <= 512 else { continue }
            for value in max(range.lowerBound, 128)...range.upperBound {
                guard let scalar = Unicode.Scalar(value) else { continue }
                for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping, scalar.properties.titlecaseMapping] {
                    let scalars = mapping.unicodeScalars
                    if scalars.count == 1, let other = scalars.first { result.insert(other.value...other.value) }
                }
            }
        }
        return result
    }

    static let digits = ScalarSet([0x30...0x39])
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20])
    /// `.`: anything but a line feed.
    static let anyButNewline = ScalarSet([0...0x09, 0x0B...0x10FFFF])
}
