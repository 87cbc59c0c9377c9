@testable import PolicyRuntime
import XCTest

/// The block loop's anchors are the byte-by-byte definition's, in every context: a difference
/// would key a credential prefix at a byte the scanner never stops at, and miss every token.
final class AnchorClassifierTests: XCTestCase {
    private let classifier = AnchorClassifier()

    /// Whether the block test stops at the byte `byte` between `previous` and `next`.
    private func blockStops(_ previous: UInt8, _ byte: UInt8, _ next: UInt8) -> Bool {
        var bytes = [UInt8](repeating: 0x20, count: 20)
        bytes[4] = previous
        bytes[5] = byte
        bytes[6] = next
        return bytes.withUnsafeBytes { raw in
            let block = raw.loadUnaligned(fromByteOffset: 1, as: ByteVector.self)
            let following = raw.loadUnaligned(fromByteOffset: 2, as: ByteVector.self)
            let preceding = raw.loadUnaligned(fromByteOffset: 0, as: ByteVector.self)
            let startsWord = ~classifier.alphanumerics(preceding)
            return ByteMasks.laneBits(classifier.anchors(block, next: following, startsWord: startsWord)) >> 4 & 1 == 1
        }
    }

    func testTheBlockTestAgreesWithTheByteTestInEveryContext() {
        let someBytes: [UInt8] = [0x00, 0x09, 0x0A, 0x20, 0x2D, 0x30, 0x39, 0x41, 0x5A, 0x5F, 0x61, 0x7A, 0x7F, 0x80, 0xFF]
        var checked = 0
        for byte in 0...255 {
            for other in 0...255 {
                for fixed in someBytes {
                    let (b, o) = (UInt8(byte), UInt8(other))
                    XCTAssertEqual(blockStops(o, b, fixed), AnchorClassifier.stopsAt(b, previous: o, next: fixed), "\(o) \(b) \(fixed)")
                    XCTAssertEqual(blockStops(fixed, b, o), AnchorClassifier.stopsAt(b, previous: fixed, next: o), "\(fixed) \(b) \(o)")
                    checked += 2
                }
            }
        }
        XCTAssertEqual(checked, 256 * 256 * someBytes.count * 2)
    }

    func testProseStopsRarely() {
        let prose = Array("The HTTPServer v2 handles utf8 well-known cases. I think so. Isn't it?".utf8)
        let stops = prose.indices.filter { index in
            AnchorClassifier.stopsAt(prose[index], previous: index > 0 ? prose[index - 1] : nil,
                                     next: index + 1 < prose.count ? prose[index + 1] : nil)
        }
        // `HT` (a capital before a capital, at a word start) and the two dashes' hyphen.
        XCTAssertEqual(stops.map { String(UnicodeScalar(prose[$0])) }, ["H", "-"])
    }
}
