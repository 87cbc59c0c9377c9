/// ASCII case folding by table: `A`–`Z` to `a`–`z`, every other byte unchanged.
///
/// Literal patterns match case-insensitively for ASCII letters; full Unicode case folding and
/// the other evasion defences are the normalizer's (TextNormalizer), applied before matching.
enum ASCIIFold {
    /// `table[b]` is `b` lower-cased.
    static let table: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        let byte = UInt8(value)
        return byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Folds a whole byte string.
    static func fold(_ bytes: [UInt8]) -> [UInt8] { bytes.map { table[Int($0)] } }

    /// Whether the byte is part of a word (ASCII letter, digit, `_`, or any non-ASCII byte, so a
    /// match inside a non-ASCII word is not taken for a whole word).
    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80
    }
}
