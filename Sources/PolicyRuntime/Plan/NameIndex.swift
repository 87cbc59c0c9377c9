/// A read-only map from the policy's names (roles, models, features, operations) to their indexes,
/// looked up by UTF-8 bytes.
///
/// Every request looks up three or more names; `Dictionary<String, Int>` hashes each with SipHash,
/// which costs more than the rest of a role check. This table hashes eight bytes per multiply and
/// compares bytes. A request chooses only the key, never the table's contents, so probe lengths
/// are bounded by the policy's own clustering (at most half the slots are used).
struct NameIndex: Sendable {
    /// Entry number per slot, or -1 for an empty slot; the count is a power of two.
    private let slots: [Int32]
    /// Every name's bytes, one after another; entry `i` spans `starts[i]..<starts[i + 1]`.
    private let bytes: [UInt8]
    private let starts: [Int]
    /// The index each entry maps to.
    private let values: [Int]

    /// Builds the table from a dictionary.
    init(_ map: [String: Int]) {
        var slotCount = 8
        while slotCount < map.count * 2 { slotCount *= 2 }
        var slots = [Int32](repeating: -1, count: slotCount)
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var values: [Int] = []
        for (name, value) in map.sorted(by: { $0.value < $1.value }) {
            let utf8 = Array(name.utf8)
            var slot = utf8.withUnsafeBufferPointer { NameIndex.hash($0) } & (slotCount - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
            slots[slot] = Int32(values.count)
            bytes.append(contentsOf: utf8)
            starts.append(bytes.count)
            values.append(value)
        }
        self.slots = slots
        self.bytes = bytes
        self.starts = starts
        self.values = values
    }

    /// The index of `name`, or nil when the policy does not declare it.
    subscript(name: String) -> Int? {
        if let found = name.utf8.withContiguousStorageIfAvailable({ lookup($0) }) { return found }
        return Array(name.utf8).withUnsafeBufferPointer { lookup($0) }
    }

    /// The index of the name spelled by `key`'s bytes.
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = NameIndex.hash(key) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            let start = starts[entry]
            let length = starts[entry + 1] - start
            if length == key.count {
                let equal = bytes.withUnsafeBufferPointer { stored in
                    for offset in 0..<length where stored[start + offset] != key[offset] { return false }
                    return true
                }
                if equal { return values[entry] }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Eight bytes per step, mixed by multiplication; the length is mixed in so prefixes differ.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return Int(truncatingIfNeeded: state >> 1) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= key.count {
            state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            state ^= state >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < key.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        state = (state ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 29
        return Int(truncatingIfNeeded: state >> 1)
    }
}
