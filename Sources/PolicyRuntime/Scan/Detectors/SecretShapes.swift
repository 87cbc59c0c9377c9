/// Secrets recognised by their shape after a keyword trigger.
enum SecretShapes {
    /// A PEM block `-----BEGIN … PRIVATE KEY-----` (or OpenPGP's `-----BEGIN PGP PRIVATE KEY BLOCK-----`) through its END line (or the end of the text
    /// when it is cut off: a truncated key is still a leaked key). Public keys and certificates
    /// do not match.
    static func privateKey(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Finding? {
        let labelStart = start + 11
        var index = labelStart
        while index < text.count, index - labelStart < 40, text[index] != 0x2D, text[index] != 0x0A { index += 1 }
        guard index + 5 <= text.count, (0..<5).allSatisfy({ text[index + $0] == 0x2D }) else { return nil }
        let label = Array(UnsafeBufferPointer(rebasing: text[labelStart..<index]))
        // `RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`…, and OpenPGP's `PGP PRIVATE KEY BLOCK`.
        guard (label.count >= 11 && Array(label.suffix(11)) == Array("PRIVATE KEY".utf8))
                || (label.count >= 17 && Array(label.suffix(17)) == Array("PRIVATE KEY BLOCK".utf8)) else { return nil }
        // A key has a body: a header line quoted in prose or code (`-----BEGIN … PRIVATE KEY-----`
        // in a comment) is not a leak.
        guard hasKeyBody(text, from: index + 5) else { return nil }
        // Find the matching END marker.
        let endMarker = Array("-----END ".utf8)
        var scan = index + 5
        while scan + endMarker.count <= text.count {
            if text[scan] == 0x2D, (0..<endMarker.count).allSatisfy({ text[scan + $0] == endMarker[$0] }) {
                var close = scan + endMarker.count
                while close < text.count, text[close] != 0x0A, close - scan < 60 {
                    if close + 5 <= text.count, (0..<5).allSatisfy({ text[close + $0] == 0x2D }) {
                        return Finding(detector: .privateKey, start: start, end: close + 5)
                    }
                    close += 1
                }
                return Finding(detector: .privateKey, start: start, end: close)
            }
            scan += 1
        }
        return Finding(detector: .privateKey, start: start, end: text.count)
    }

    /// Whether a run of base64 that looks like key material — 12 or more characters with a digit,
    /// `+` or `/`, or both cases — follows within the next 512 bytes, before any END marker
    /// (encrypted PEM puts `Proc-Type:` and `DEK-Info:` lines first).
    static func hasKeyBody(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        let limit = min(text.count, start + 512)
        while index < limit {
            if text[index] == 0x2D, index + 5 <= text.count, (0..<5).allSatisfy({ text[index + $0] == 0x2D }) { return false }
            let runEnd = ByteClass.run(text, from: index) { ByteClass.isAlnum($0) || $0 == 0x2B || $0 == 0x2F }
            if runEnd - index >= 12 {
                let run = UnsafeBufferPointer(rebasing: text[index..<runEnd])
                if run.contains(where: { ByteClass.isDigit($0) || $0 == 0x2B || $0 == 0x2F })
                    || (run.contains(where: ByteClass.isUpper) && run.contains { (0x61...0x7A).contains($0) }) {
                    return true
                }
            }
            index = max(runEnd, index + 1)
        }
        return false
    }

    /// Three base64url parts separated by dots whose first part decodes to a JSON object
    /// naming an algorithm (`{"alg":…}`). An unsigned token (`"alg":"none"`) has an empty third
    /// part and still carries its claims: `eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.`.
    static func jwt(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Finding? {
        guard ByteClass.boundaryBefore(text, start) || text[start - 1] == 0x2E else { return nil }
        guard text[start] == 0x65, text[start + 1] == 0x79, text[start + 2] == 0x4A else { return nil }  // "eyJ" = base64 of `{"`
        let headerEnd = ByteClass.run(text, from: start, ByteClass.isBase64URL)
        guard headerEnd - start >= 10, headerEnd < text.count, text[headerEnd] == 0x2E else { return nil }
        let payloadEnd = ByteClass.run(text, from: headerEnd + 1, ByteClass.isBase64URL)
        guard payloadEnd - headerEnd > 4, payloadEnd < text.count, text[payloadEnd] == 0x2E else { return nil }
        let signatureEnd = ByteClass.run(text, from: payloadEnd + 1, ByteClass.isBase64URL)
        let unsigned = signatureEnd == payloadEnd + 1
        guard unsigned || signatureEnd - payloadEnd > 8 else { return nil }
        guard let header = Base64URL.decode(UnsafeBufferPointer(rebasing: text[start..<headerEnd])),
              header.first == 0x7B, header.last == 0x7D, header.withUnsafeBufferPointer({ ByteClass.contains($0, "\"alg\"") || ByteClass.contains($0, "\"typ\"") }) else {
            return nil
        }
        if unsigned, !namesNoAlgorithm(header) { return nil }
        return Finding(detector: .jwt, start: start, end: signatureEnd)
    }

    /// Whether a JWT header says `"alg": "none"` (any case, any spacing around the colon).
    static func namesNoAlgorithm(_ header: [UInt8]) -> Bool {
        let key = Array("\"alg\"".utf8)
        guard header.count >= key.count else { return false }
        for start in 0...(header.count - key.count) where header[start..<start + key.count].elementsEqual(key) {
            var index = start + key.count
            while index < header.count, ByteClass.isSpace(header[index]) { index += 1 }
            guard index < header.count, header[index] == 0x3A else { continue }
            index += 1
            while index < header.count, ByteClass.isSpace(header[index]) { index += 1 }
            let value = Array("\"none\"".utf8)
            guard index + value.count <= header.count else { return false }
            return header[index..<index + value.count].map { ASCIIFold.table[Int($0)] } == value
        }
        return false
    }

}

/// Base64url decoding (padding optional), for JWT headers.
enum Base64URL {
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2D, 0x2B: value = 62
            case 0x5F, 0x2F: value = 63
            case 0x3D: continue
            default: return nil
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}
