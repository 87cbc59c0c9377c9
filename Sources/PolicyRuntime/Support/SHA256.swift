/// SHA-256 (FIPS 180-4), written here because the project takes no package dependencies.
///
/// Used for the compiled policy's source digest. Streaming: feed bytes with ``update(_:)``,
/// then call ``finalize()`` once.
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of an unfinished block, kept inline (no allocation per digest).
    private var pending = SIMD64<UInt8>(repeating: 0)
    private var pendingCount = 0
    private var totalBytes: UInt64 = 0

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Starts a new digest.
    public init() {}

    /// The hex digest of `bytes` in one call.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return Hex.encode(hasher.finalize())
    }

    /// Adds bytes to the message.
    /// - Complexity: O(n); whole 64-byte blocks are compressed straight from the input.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Adds raw bytes to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        totalBytes &+= UInt64(buffer.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, buffer.count)
            let start = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                for index in 0..<take { block[start + index] = buffer[index] }
            }
            pendingCount += take
            offset = take
            if pendingCount == 64 {
                var block = pending
                withUnsafeBytes(of: &block) { compress($0.baseAddress!) }
                pendingCount = 0
            }
        }
        while buffer.count - offset >= 64 {
            compress(buffer.baseAddress! + offset)
            offset += 64
        }
        if offset < buffer.count {
            let rest = buffer.count - offset
            withUnsafeMutableBytes(of: &pending) { block in
                for index in 0..<rest { block[index] = buffer[offset + index] }
            }
            pendingCount = rest
        }
    }

    /// Pads the message and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var block = pending
        let used = pendingCount
        withUnsafeMutableBytes(of: &block) { bytes in
            bytes[used] = 0x80
            for index in (used + 1)..<64 { bytes[index] = 0 }
        }
        if used >= 56 {
            withUnsafeBytes(of: &block) { compress($0.baseAddress!) }
            block = SIMD64<UInt8>(repeating: 0)
        }
        withUnsafeMutableBytes(of: &block) { bytes in
            for index in 0..<8 { bytes[56 + index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(56 - 8 * index)) }
        }
        withUnsafeBytes(of: &block) { compress($0.baseAddress!) }
        pendingCount = 0
        var digest = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: state) { words in
            for index in 0..<8 {
                let word = words.load(fromByteOffset: 4 * index, as: UInt32.self)
                for byte in 0..<4 { digest[index * 4 + byte] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * byte)) }
            }
        }
        return digest
    }

    private mutating func compress(_ block: UnsafeRawPointer) {
        SHA256.roundConstants.withUnsafeBufferPointer { constants in
            compress(block, constants.baseAddress!)
        }
    }

    /// One 64-byte block. The schedule is kept as a rolling window of 16 words and the rounds are
    /// unrolled eight at a time, so the working variables rotate by name instead of being shuffled
    /// through a tuple each round.
    private mutating func compress(_ block: UnsafeRawPointer, _ k: UnsafePointer<UInt32>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { buffer in
            let w = buffer.baseAddress!
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            var (a, b, c, d, e, f, g, h) = state
            @inline(__always)
            func word(_ i: Int) -> UInt32 {
                guard i >= 16 else { return w[i] }
                let w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15]
                let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
                let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
                let value = w[i & 15] &+ s0 &+ w[(i - 7) & 15] &+ s1
                w[i & 15] = value
                return value
            }
            @inline(__always)
            func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
                       _ h: inout UInt32, _ i: Int) {
                let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ word(i)
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                d = d &+ t1
                h = t1 &+ t2
            }
            var i = 0
            while i < 64 {
                round(a, b, c, &d, e, f, g, &h, i)
                round(h, a, b, &c, d, e, f, &g, i + 1)
                round(g, h, a, &b, c, d, e, &f, i + 2)
                round(f, g, h, &a, b, c, d, &e, i + 3)
                round(e, f, g, &h, a, b, c, &d, i + 4)
                round(d, e, f, &g, h, a, b, &c, i + 5)
                round(c, d, e, &f, g, h, a, &b, i + 6)
                round(b, c, d, &e, f, g, h, &a, i + 7)
                i += 8
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }

    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
