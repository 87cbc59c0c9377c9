/// JSON string escapes (RFC 8259 §7), shared by the request reader and the compiler's JSON
/// reader so that both accept and reject exactly the same escapes.
package enum JSONEscape {
    /// Decodes the escape whose backslash is at `index` into `out` and moves `index` past it.
    /// - Returns: nil on success, or what is wrong (`index` then points at the problem).
    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int, into out: inout [UInt8]) -> String? {
        guard index + 1 < bytes.count else { return "unterminated escape in a string" }
        let letter = bytes[index + 1]
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(letter)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            index += 2
            guard var scalar = hex4(bytes, at: &index) else { return "invalid unicode escape" }
            if scalar >= 0xD800, scalar < 0xDC00 {
                // A high surrogate must be followed by `\u` and a low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    return "unpaired surrogate in a string"
                }
                index += 2
                guard let low = hex4(bytes, at: &index), low >= 0xDC00, low < 0xE000 else { return "unpaired surrogate in a string" }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00, scalar < 0xE000 {
                return "unpaired surrogate in a string"
            }
            guard let unicode = Unicode.Scalar(scalar) else { return "invalid unicode escape" }
            UTF8.encode(unicode) { out.append($0) }
            return nil
        default:
            return "invalid escape in a string"
        }
        index += 2
        return nil
    }

    /// Four hex digits at `index`, moving past them; nil if they are not there.
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
