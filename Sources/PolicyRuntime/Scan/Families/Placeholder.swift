/// Values that have a secret's shape but are written to stand for one: `AKIAXXXXXXXXXXXXXXXX`,
/// `ghp_xxxx…`, `sk-your-key-here`, AWS's documented `…EXAMPLE` keys. A leak detector that
/// flags them is noise in every README and tutorial a developer pastes.
enum Placeholder {
    /// Words that mark a stand-in, compared case-insensitively anywhere in the value.
    static let markers: [[UInt8]] = ["example", "xxxx", "your", "placeholder", "redacted", "sample", "dummy", "changeme",
                                     "insert", "replace", "0123456789", "123456789", "abcdefghij"].map { Array($0.utf8) }

    /// Whether `value` is a stand-in: it contains a marker word, a run of five or more of the same
    /// byte (`*****`, `00000`), or too few distinct bytes for a random key of its length (fewer
    /// than six, or than a third of its length when shorter).
    static func looksFake(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !value.isEmpty else { return true }
        var run = 1
        var seen: (UInt64, UInt64) = (0, 0)
        for index in value.indices {
            let byte = value[index]
            if index > 0 {
                run = byte == value[index - 1] ? run + 1 : 1
                if run >= 5 { return true }
            }
            let folded = ByteClass.isUpper(byte) ? byte | 0x20 : byte
            if folded < 64 { seen.0 |= 1 << UInt64(folded) } else if folded < 128 { seen.1 |= 1 << UInt64(folded - 64) }
        }
        let distinct = seen.0.nonzeroBitCount + seen.1.nonzeroBitCount
        if distinct < min(6, max(2, value.count / 3)) { return true }
        return markers.contains { contains(value, $0) }
    }

    /// Whether `value` contains `marker` (lower-case ASCII), ignoring ASCII case.
    static func contains(_ value: UnsafeBufferPointer<UInt8>, _ marker: [UInt8]) -> Bool {
        guard marker.count <= value.count else { return false }
        for start in 0...(value.count - marker.count) {
            var index = 0
            while index < marker.count {
                let byte = value[start + index]
                guard (ByteClass.isUpper(byte) ? byte | 0x20 : byte) == marker[index] else { break }
                index += 1
            }
            if index == marker.count { return true }
        }
        return false
    }
}
