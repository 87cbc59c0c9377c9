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
    static let classes: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
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

    /// Calls `body(start, end, decoded)` for each run that decodes, in order, within the budget;
    /// runs for which `skip(start, end)` is true are not decoded.
    ///
    /// Eight bytes are classified at a time (base64 or not, all lanes in a few arithmetic steps)
    /// while counting the good bytes in a row; only a count reaching ``minimumLength`` stops
    /// the scan to measure and decode the run.
    static func forEach(in text: UnsafeBufferPointer<UInt8>, skip: (Int, Int) -> Bool = { _, _ in false },
                        _ body: (Int, Int, [UInt8]) -> Void) {
        let count = text.count
        guard count >= minimumLength, let base = text.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var budget = maximumDecodedBytes
        var index = 0
        var good = 0  // good bytes in a row just before `index`
        classes.withUnsafeBufferPointer { classes in
            while index < count, budget > 0 {
                var candidate: Int?
                if index + 8 <= count {
                    let bad = badLanes(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    if bad == 0 {
                        good += 8
                        index += 8
                        if good >= minimumLength { candidate = index - good }
                    } else {
                        // Good bytes before the first bad one end the current run.
                        let leading = bad.trailingZeroBitCount >> 3
                        if good + leading >= minimumLength { candidate = index - good }
                        // Good bytes after the last bad one start the next.
                        good = bad.leadingZeroBitCount >> 3
                        index += 8
                    }
                } else {
                    if classes[Int(text[index])] != 0 {
                        good += 1
                        if good >= minimumLength { candidate = index + 1 - good }
                    } else {
                        good = 0
                    }
                    index += 1
                }
                guard let start = candidate else { continue }
                // Measure the whole run from its start.
                var allHex = true
                var runEnd = start
                while runEnd < count {
                    let kind = classes[Int(text[runEnd])]
                    if kind == 0 { break }
                    allHex = allHex && kind == 3
                    runEnd += 1
                }
                // MIME-wrapped base64 (`base64` writes 76 columns, PEM and MIME 64): lines of one
                // width continue the run across their line breaks, so a secret split by a wrap is
                // decoded whole.
                var wrapped: [UInt8]?
                let width = runEnd - start
                if width == 64 || width == 76 {
                    // Copied only once a continuation line is seen: a SHA-256 digest is 64 wide too.
                    var lines: [UInt8] = []
                    var lineEnd = runEnd
                    while lines.count < maximumDecodedBytes * 2 {
                        var next = lineEnd
                        if next < count, text[next] == UInt8(ascii: "\r") { next += 1 }
                        guard next < count, text[next] == UInt8(ascii: "\n") else { break }
                        next += 1
                        var end = next
                        while end < count, end - next < width, classes[Int(text[end])] != 0 {
                            allHex = allHex && classes[Int(text[end])] == 3
                            end += 1
                        }
                        // A line shorter than the width must end the block (padding may follow).
                        guard end > next, end - next == width || end >= count || classes[Int(text[end])] == 0 else { break }
                        if lines.isEmpty { lines.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<runEnd])) }
                        lines.append(contentsOf: UnsafeBufferPointer(rebasing: text[next..<end]))
                        lineEnd = end
                        if end - next < width { break }
                    }
                    if lineEnd > runEnd {
                        wrapped = lines
                        runEnd = lineEnd
                    }
                }
                var end = runEnd
                while end < count, end - runEnd < 2, text[end] == UInt8(ascii: "=") { end += 1 }
                index = end
                good = 0
                if skip(start, end) { continue }
                // Only what the budget has room for is decoded (a finding still covers the whole run).
                func decodeWithin(_ run: UnsafeBufferPointer<UInt8>, hex isHex: Bool) -> [UInt8]? {
                    let characters = isHex ? budget * 2 : (budget + 2) / 3 * 4
                    return decode(run.count > characters ? UnsafeBufferPointer(rebasing: run[..<characters]) : run, hex: isHex)
                }
                let decoded: [UInt8]?
                if let wrapped {
                    decoded = wrapped.withUnsafeBufferPointer { decodeWithin($0, hex: allHex && $0.count % 2 == 0) }
                } else if runEnd - start > 2, text[start] == UInt8(ascii: "0"), text[start + 1] | 0x20 == UInt8(ascii: "x"),
                          (start + 2..<runEnd).allSatisfy({ classes[Int(text[$0])] == 3 }) {
                    // `0x`-prefixed hex.
                    decoded = decodeWithin(UnsafeBufferPointer(rebasing: text[start + 2..<runEnd]), hex: (runEnd - start) % 2 == 0)
                } else {
                    let run = UnsafeBufferPointer(rebasing: text[start..<runEnd])
                    decoded = decodeWithin(run, hex: allHex && run.count % 2 == 0)
                }
                if let decoded {
                    let used = decoded.count <= budget ? decoded : Array(decoded.prefix(budget))
                    budget -= used.count
                    body(start, end, used)
                }
            }
        }
    }

    /// The text a run encodes, or nil when it is not text. Secrets are text: a run that decodes
    /// to binary (a key's DER body, an image) is not rescanned — and most are told apart before
    /// decoding.
    private static func decode(_ run: UnsafeBufferPointer<UInt8>, hex isHex: Bool) -> [UInt8]? {
        guard encodesText(run, hex: isHex), let decoded = isHex ? hex(run) : base64(run), !decoded.isEmpty,
              isMostlyText(decoded) else { return nil }
        return decoded
    }

    /// The high bit of each byte lane that is not a base64 or hex character (digits, letters,
    /// `+ / - _`), computed for all eight lanes with carry-free arithmetic on 7-bit values.
    @inline(__always)
    static func badLanes(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        @inline(__always) func between(_ value: UInt64, _ from: UInt64, _ to: UInt64) -> UInt64 {
            (value &+ (0x80 &- from) &* 0x0101_0101_0101_0101) & ~(value &+ (0x7F &- to) &* 0x0101_0101_0101_0101)
        }
        let folded = low | 0x2020_2020_2020_2020
        let good = between(low, 0x30, 0x39) | between(folded, 0x61, 0x7A) | between(low, 0x2B, 0x2B) | between(low, 0x2D, 0x2D)
            | between(low, 0x2F, 0x2F) | between(low, 0x5F, 0x5F)
        return ~(good & ~word) & high
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

    /// Standard or URL-safe base64 (a run holds only their characters); nil when a length
    /// cannot be base64.
    private static func base64(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        run.count % 4 == 1 ? nil : Base64URL.decode(run)
    }
}
