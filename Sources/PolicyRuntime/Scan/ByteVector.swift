/// Sixteen text bytes compared at once: the block the scanners classify (SSE2 on x86-64, NEON
/// on ARM).
///
/// Build constants once per scan, as stored vectors (``ByteVector/init(repeating:)``), and
/// compare vector with vector: the standard library's operators that take a scalar
/// (`block .== 0x2D`) compile to lane-by-lane generic code, about a hundred times slower.
typealias ByteVector = SIMD16<UInt8>

/// The lanes of a ``ByteVector`` comparison: 0xFF where it holds, 0 where not, combined with
/// the ordinary `&`, `|` and `~` and read as two 64-bit words (``isAnySet(_:)``,
/// ``laneBits(_:)``).
typealias ByteMask = ByteVector

/// Comparisons into ``ByteMask``s, and masks read as integers.
enum ByteMasks {
    /// No lane (computed: a stored global would be checked for initialization at every use).
    @inline(__always)
    static var none: ByteMask { ByteMask(repeating: 0) }

    /// The lanes where `a` and `b` are equal.
    @inline(__always)
    static func equal(_ a: ByteVector, _ b: ByteVector) -> ByteMask { unsafeBitCast(a .== b, to: ByteMask.self) }

    /// The lanes where `a` is above `b` (unsigned).
    @inline(__always)
    static func greater(_ a: ByteVector, _ b: ByteVector) -> ByteMask { unsafeBitCast(a .> b, to: ByteMask.self) }

    /// The lanes where `a` is below `b` (unsigned).
    @inline(__always)
    static func less(_ a: ByteVector, _ b: ByteVector) -> ByteMask { unsafeBitCast(a .< b, to: ByteMask.self) }

    /// Whether any lane is true: two 64-bit tests.
    @inline(__always)
    static func isAnySet(_ mask: ByteMask) -> Bool {
        let halves = unsafeBitCast(mask, to: (UInt64, UInt64).self)
        return halves.0 | halves.1 != 0
    }

    /// Bit `i` set when lane `i` of the mask is true.
    @inline(__always)
    static func laneBits(_ mask: ByteMask) -> UInt32 {
        // A true lane is 0xFF, a false one 0.
        let halves = unsafeBitCast(mask, to: (UInt64, UInt64).self)
        // Keeps one bit per byte, then gathers them into the top byte (byte i to bit 56 + i).
        let low = ((halves.0 & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56
        let high = ((halves.1 & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56
        return UInt32(truncatingIfNeeded: low | high << 8)
    }

    /// The lanes of `block` within `lower...lower + span` (unsigned, one subtraction and one
    /// comparison).
    @inline(__always)
    static func inRange(_ block: ByteVector, _ lower: ByteVector, _ span: ByteVector) -> ByteMask {
        unsafeBitCast((block &- lower) .<= span, to: ByteMask.self)
    }
}
