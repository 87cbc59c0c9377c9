@testable import PolicyRuntime
import XCTest

/// SHA-1 against the FIPS 180 / RFC 3174 test vectors; Redis names cached scripts by this digest.
final class SHA1Tests: XCTestCase {
    func testFIPS180Vectors() {
        XCTAssertEqual(SHA1.hex(Array("abc".utf8)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(SHA1.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        XCTAssertEqual(SHA1.hex([UInt8]()), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// The padding changes shape at 55, 56 and 64 bytes, and streamed input must not depend on
    /// where the chunks fall.
    func testStreamingMatchesOneShotAcrossBlockBoundaries() {
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200] {
            let whole = SHA1.hex(message[0..<length])
            for chunk in [1, 3, 63, 64, 65] {
                var hasher = SHA1()
                var offset = 0
                while offset < length {
                    hasher.update(message[offset..<min(length, offset + chunk)])
                    offset += chunk
                }
                XCTAssertEqual(Hex.encode(hasher.finalize()), whole, "length \(length), chunk \(chunk)")
            }
        }
        // RFC 3174's fourth vector: "01234567" repeated 80 times (640 bytes, ten blocks).
        let repeated = Array(String(repeating: "0123456701234567012345670123456701234567012345670123456701234567", count: 10).utf8)
        XCTAssertEqual(SHA1.hex(repeated), "dea356a2cddd90c7a7ecedc5ebb563934f460452")
    }
}
