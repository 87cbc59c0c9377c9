/// A fixed-size set of small integers, for model, feature, operation and pattern membership
/// tests in one load and a mask.
struct BitSet: Sendable, Equatable {
    private var words: [UInt64]

    /// An empty set able to hold `0..<capacity`.
    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: max(1, (capacity + 63) / 64))
    }

    /// A set holding `members`, able to hold `0..<capacity`.
    init<Members: Sequence>(capacity: Int, members: Members) where Members.Element == Int {
        self.init(capacity: capacity)
        for member in members { insert(member) }
    }

    mutating func insert(_ member: Int) {
        words[member >> 6] |= 1 << UInt64(member & 63)
    }

    @inline(__always)
    func contains(_ member: Int) -> Bool {
        let word = member >> 6
        return word < words.count && words[word] & (1 << UInt64(member & 63)) != 0
    }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
}
