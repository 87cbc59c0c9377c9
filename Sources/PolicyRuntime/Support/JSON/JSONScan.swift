/// Byte-level helpers shared by the JSON readers (the tree parser and the request reader).
package enum JSONScan {
    /// The end of the run of plain string bytes (printable ASCII other than `"` and `\`) that
    /// starts at `position`: 16 bytes per step, so long ASCII strings cost a few instructions
    /// per 16 bytes; a control byte, a quote, a backslash or a non-ASCII byte ends the run.
    @inline(__always)
    package static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        var index = position
        let count = bytes.count
        guard let base = bytes.baseAddress else { return index }
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20)
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C)
        let high = SIMD16<UInt8>(repeating: 0x80)
        while index + 16 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let special = (chunk .< space) .| (chunk .== quote) .| (chunk .== backslash) .| (chunk .>= high)
            let lanes = unsafeBitCast(special, to: (UInt64, UInt64).self)
            if lanes.0 != 0 { return index + lanes.0.trailingZeroBitCount >> 3 }
            if lanes.1 != 0 { return index + 8 + lanes.1.trailingZeroBitCount >> 3 }
            index += 16
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x80 { break }
            index += 1
        }
        return index
    }

    /// Whether `byte` is JSON white space.
    @inline(__always)
    package static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
