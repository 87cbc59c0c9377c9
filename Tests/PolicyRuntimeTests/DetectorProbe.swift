@testable import PolicyRuntime
import XCTest

/// Scans texts with the built-in detectors and shows each finding as `type:matched text`: the
/// one way detector tests read what a scan found.
struct DetectorProbe {
    let scanner: DetectorScanner
    let enabled: BitSet

    /// A probe with `detectors` enabled (all by default) and the default internal domains plus
    /// `.acme.internal`, the examples' own.
    init(internalDomains: [String] = Vocabulary.defaultInternalDomains + [".acme.internal"],
         detectors: [DetectorID] = DetectorID.allCases) {
        scanner = DetectorScanner(internalDomains: internalDomains)
        enabled = BitSet(capacity: DetectorID.allCases.count, members: detectors.map(\.rawValue))
    }

    /// `type:matched text` for every finding in `text`, in order.
    func found(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer, enabled: enabled).map { finding in
                "\(DetectorCatalog.entries[finding.detector.rawValue].name):"
                    + String(decoding: bytes[finding.start..<finding.end], as: UTF8.self)
            }
        }
    }

    /// Asserts the findings in `text` are exactly `expected`.
    func assertFinds(_ text: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(found(text), expected, text, file: file, line: line)
    }

    /// Asserts each text has no finding.
    func assertClean(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in texts { XCTAssertEqual(found(text), [], text, file: file, line: line) }
    }
}
