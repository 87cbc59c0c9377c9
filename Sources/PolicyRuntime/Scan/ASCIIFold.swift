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

    /// Whether `text` reads `word` (lower-case ASCII) from `start`, ignoring ASCII case.
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard start >= 0, start + word.count <= text.count else { return false }
        for offset in word.indices where table[Int(text[start + offset])] != word[offset] { return false }
        return true
    }

    /// The same for a literal word.
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { matches(text, start, $0) }
    }

    /// The same for a word held in an array.
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: [UInt8]) -> Bool {
        word.withUnsafeBufferPointer { matches(text, start, $0) }
    }

    /// Whether `text` contains `word` (lower-case ASCII) anywhere, ignoring ASCII case.
    static func contains(_ text: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard word.count <= text.count else { return false }
        return word.withUnsafeBufferPointer { word in (0...(text.count - word.count)).contains { matches(text, $0, word) } }
    }
}
