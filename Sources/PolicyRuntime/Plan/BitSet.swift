/// A fixed-size set of small integers, for model, feature, operation and pattern membership
/// tests in one load and a mask.
///
/// Members below 64 live in an inline word, so a set of a policy's detectors, models or features
/// (rarely more than 64) never allocates — the evaluator builds one per request.
struct BitSet: Sendable, Equatable {
    /// Members 0..<64.
    private var low: UInt64 = 0
    /// Members from 64 on, 64 per word; empty (no allocation) for capacities up to 64.
    private var high: [UInt64]

    /// An empty set able to hold `0..<capacity`.
    init(capacity: Int) {
        high = capacity > 64 ? [UInt64](repeating: 0, count: (capacity - 1) / 64) : []
    }

    /// A set holding `members`, able to hold `0..<capacity`.
    init<Members: Sequence>(capacity: Int, members: Members) where Members.Element == Int {
        self.init(capacity: capacity)
        for member in members { insert(member) }
    }

    mutating func insert(_ member: Int) {
        if member < 64 {
            low |= 1 << UInt64(member)
        } else {
            high[(member >> 6) - 1] |= 1 << UInt64(member & 63)
        }
    }

    @inline(__always)
    func contains(_ member: Int) -> Bool {
        if member < 64 { return member >= 0 && low & (1 << UInt64(member)) != 0 }
        let word = (member >> 6) - 1
        return word < high.count && high[word] & (1 << UInt64(member & 63)) != 0
    }

    /// Adds every member of `other` (a set of the same capacity).
    mutating func formUnion(_ other: BitSet) {
        low |= other.low
        for index in high.indices where index < other.high.count { high[index] |= other.high[index] }
    }

    var isEmpty: Bool { low == 0 && high.allSatisfy { $0 == 0 } }
}
