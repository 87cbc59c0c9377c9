/// Long base64 and hex runs in a text, decoded, so secret detectors can look inside them: an AWS
/// key pasted as `QUtJQV...` is still an AWS key. Bounded: runs shorter than ``minimumLength``
/// are ignored, runs that decode to binary rather than text are skipped, at most
/// ``maximumDecodedBytes`` are decoded per text, and a blob found inside a decoded blob is
/// decoded again only down to ``maximumDepth`` levels.
enum EncodedBlobs {
    /// Shortest run considered: the base64 of 18 bytes.
    static let minimumLength = 24
    /// Decoded bytes per text, at most.
    static let maximumDecodedBytes = 64 * 1024
    /// Levels of blobs within blobs.
    static let maximumDepth = 2

    /// 1 for base64 (standard and URL-safe) characters, 2 more for hex digits.
    private static let classes: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        let byte = UInt8(value)
        var bits: UInt8 = 0
        switch byte {
        case 0x30...0x39: bits = 3
        case 0x41...0x46, 0x61...0x66: bits = 3
        case 0x47...0x5A, 0x67...0x7A, 0x2B, 0x2F, 0x2D, 0x5F: bits = 1
        default: bits = 0
        }
        return bits
    }

    /// Calls `body(start, end, decoded)` for each run that decodes, in order, within the budget.
    ///
    /// Finds windows of ``minimumLength`` base64 bytes by looking at the window's last byte first
    /// (as Horspool's search does): in prose that byte is usually a space or punctuation, and the
    /// whole window is skipped.
    static func forEach(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, [UInt8]) -> Void) {
        let count = text.count
        guard count >= minimumLength else { return }
        var budget = maximumDecodedBytes
        var index = 0
        classes.withUnsafeBufferPointer { classes in
            search: while index + minimumLength <= count, budget > 0 {
                // A window [index, index + 24) of base64 bytes, checked from its end.
                var probe = index + minimumLength - 1
                while probe >= index {
                    if classes[Int(text[probe])] == 0 {
                        index = probe + 1
                        continue search
                    }
                    probe -= 1
                }
                // The whole run around the window.
                let start = index
                var allHex = true
                var runEnd = start
                while runEnd < count {
                    let kind = classes[Int(text[runEnd])]
                    if kind == 0 { break }
                    allHex = allHex && kind == 3
                    runEnd += 1
                }
                var end = runEnd
                while end < count, end - runEnd < 2, text[end] == UInt8(ascii: "=") { end += 1 }
                index = end
                let run = UnsafeBufferPointer(rebasing: text[start..<runEnd])
                let isHex = allHex && run.count % 2 == 0
                // Secrets are text: a run that decodes to binary (a key's DER body, an image) is not
                // rescanned — and most are told apart before decoding.
                guard encodesText(run, hex: isHex) else { continue }
                if let decoded = isHex ? hex(run) : base64(run), !decoded.isEmpty, isMostlyText(decoded) {
                    let used = Array(decoded.prefix(budget))
                    budget -= used.count
                    body(start, end, used)
                }
            }
        }
    }

    /// Whether the run's first bytes can be ASCII: each byte's top bit is 0, which in base64 makes
    /// the first character of every group of four one of `A`–`f`, and in hex every other digit 0–7.
    private static func encodesText(_ run: UnsafeBufferPointer<UInt8>, hex: Bool) -> Bool {
        let step = hex ? 2 : 4
        var index = 0
        while index < min(run.count, 64) {
            let byte = run[index]
            if hex {
                if byte > UInt8(ascii: "7") { return false }
            } else if !((0x41...0x5A).contains(byte) || (0x61...0x66).contains(byte)) {
                return false
            }
            index += step
        }
        return true
    }

    /// At least 90% printable ASCII or white space.
    private static func isMostlyText(_ bytes: [UInt8]) -> Bool {
        let printable = bytes.reduce(0) { $0 + (($1 >= 0x20 && $1 < 0x7F) || $1 == 0x0A || $1 == 0x0D || $1 == 0x09 ? 1 : 0) }
        return printable * 10 >= bytes.count * 9
    }

    private static func hex(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        func value(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x61 + 10 }
        var out: [UInt8] = []
        out.reserveCapacity(run.count / 2)
        var index = 0
        while index + 1 < run.count {
            out.append(value(run[index]) << 4 | value(run[index + 1]))
            index += 2
        }
        return out
    }

    /// Standard or URL-safe base64, padding optional; nil when a length cannot be base64.
    private static func base64(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard run.count % 4 != 1 else { return nil }
        func value(_ byte: UInt8) -> UInt32 {
            switch byte {
            case 0x41...0x5A: return UInt32(byte - 0x41)
            case 0x61...0x7A: return UInt32(byte - 0x61 + 26)
            case 0x30...0x39: return UInt32(byte - 0x30 + 52)
            case 0x2B, 0x2D: return 62
            default: return 63  // `/` and `_`
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in run {
            accumulator = accumulator << 6 | value(byte)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}
