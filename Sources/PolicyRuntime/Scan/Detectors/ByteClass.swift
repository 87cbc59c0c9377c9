/// Byte predicates shared by the detectors.
enum ByteClass {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 0x61 < 6 }
    @inline(__always) static func isBase64URL(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 0x2D || byte == 0x5F }
    /// Letters, digits and `_`: what makes a "word" for boundary checks.
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 0x5F }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// Whether `position` starts a token: the start of the text or a non-word byte before it.
    @inline(__always) static func boundaryBefore(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        position == 0 || !isWord(text[position - 1])
    }

    /// Whether `position` ends a token: the end of the text or a non-word byte at it.
    @inline(__always) static func boundaryAfter(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        position >= text.count || !isWord(text[position])
    }

    /// Index after the run of bytes satisfying `predicate` starting at `position` (at most `limit` bytes).
    @inline(__always)
    static func run(_ text: UnsafeBufferPointer<UInt8>, from position: Int, limit: Int = Int.max, _ predicate: (UInt8) -> Bool) -> Int {
        var index = position
        let end = limit == Int.max ? text.count : min(text.count, position + limit)
        while index < end, predicate(text[index]) { index += 1 }
        return index
    }

    /// Whether `text` holds `literal` at `start`, byte for byte.
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard start >= 0, start + length <= text.count else { return false }
        for offset in 0..<length where text[start + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    /// Whether `text` holds `literal` anywhere, byte for byte.
    static func contains(_ text: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard length <= text.count else { return false }
        return (0...(text.count - length)).contains { matches(text, $0, literal) }
    }
}
