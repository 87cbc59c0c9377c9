@testable import PolicyRuntime
import XCTest

/// The block loop's anchors are the byte-by-byte definition's, in every context: a difference
/// would key a credential prefix at a byte the scanner never stops at, and miss every token.
final class AnchorClassifierTests: XCTestCase {
    private let classifier = AnchorClassifier()

    /// The lanes where the block test stops, given each lane's byte, the byte before it and
    /// the byte after it (the classifier reads the three as separate vectors, so sixteen
    /// contexts are tested at once).
    private func blockStops(previous: ByteVector, block: ByteVector, next: ByteVector) -> UInt32 {
        ByteMasks.laneBits(classifier.anchors(block, next: next, startsWord: ~classifier.alphanumerics(previous)))
    }

    func testTheBlockTestAgreesWithTheByteTestInEveryContext() {
        let someBytes: [UInt8] = [0x00, 0x09, 0x0A, 0x20, 0x2D, 0x30, 0x39, 0x41, 0x5A, 0x5F, 0x61, 0x7A, 0x7F, 0x80, 0xFF]
        var checked = 0
        var disagreements: [String] = []
        for byte in 0...255 {
            let block = ByteVector(repeating: UInt8(byte))
            for fixed in someBytes {
                for group in 0..<16 {
                    // Sixteen values of the varying neighbour, one per lane.
                    var others = ByteVector(repeating: 0)
                    for lane in 0..<16 { others[lane] = UInt8(group * 16 + lane) }
                    let afterFixed = blockStops(previous: ByteVector(repeating: fixed), block: block, next: others)
                    let beforeFixed = blockStops(previous: others, block: block, next: ByteVector(repeating: fixed))
                    for lane in 0..<16 {
                        let other = others[lane]
                        if (afterFixed >> lane & 1 == 1) != AnchorClassifier.stopsAt(UInt8(byte), previous: fixed, next: other) {
                            disagreements.append("\(fixed) \(byte) \(other)")
                        }
                        if (beforeFixed >> lane & 1 == 1) != AnchorClassifier.stopsAt(UInt8(byte), previous: other, next: fixed) {
                            disagreements.append("\(other) \(byte) \(fixed)")
                        }
                        checked += 2
                    }
                }
            }
        }
        XCTAssertEqual(checked, 256 * 256 * someBytes.count * 2)
        XCTAssertEqual(disagreements.prefix(10), [], "previous, byte, next")
        // The start of the text is read as a space before it (the padded first block).
        let startDiffers = (0..<65_536).filter { pair in
            let (b, n) = (UInt8(pair >> 8), UInt8(pair & 0xFF))
            return AnchorClassifier.stopsAt(b, previous: nil, next: n) != AnchorClassifier.stopsAt(b, previous: 0x20, next: n)
        }
        XCTAssertEqual(startDiffers, [])
    }

    /// A prefix's last byte stops the scanner whatever printable byte of its body follows, as
    /// the prefix index assumes of a nil `next`.
    func testAPrefixEndStopsBeforeAnyBody() {
        for byte in 0...255 where AnchorClassifier.stopsAt(UInt8(byte), previous: 0x20, next: nil) {
            for next in 0x21...0x7E {
                XCTAssertTrue(AnchorClassifier.stopsAt(UInt8(byte), previous: 0x20, next: UInt8(next)), "\(byte) before \(next)")
            }
        }
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
