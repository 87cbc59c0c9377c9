import Foundation
@testable import PolicyRuntime
import XCTest

/// The chain's erasure form: a record whose identity or content group is replaced by its digest
/// keeps its MAC and its place in the chain, and keeps nothing of what was erased.
final class AuditErasureFormatTests: XCTestCase {
    let key = try! AuditKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))

    func testAnErasedGroupLeavesTheChainWholeAndNothingOfItsValues() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-erase-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let trail = try AuditTrail(directory: directory, key: key)
        for number in 1...3 {
            try trail.append(try AuditEntry(kind: "decision", time: 1_796_637_600, fields: [
                .init("user", .string("alice@example.com")), .init("ip_address", .string("10.0.0.\(number)")),
                .init("prompt", .string("hello \(number)")), .init("outcome", .string("allow")), .init("zeta", .integer(number)),
            ]))
        }
        let path = directory + "/audit-000000000001.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        lines[1] = try AuditChain.erasing(.identity, in: lines[1], key: key)
        lines[2] = try AuditChain.erasing(.prompt, in: try AuditChain.erasing(.identity, in: lines[2], key: key), key: key)
        try Data((lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).records, 3, "erasure keeps the chain whole")
        let second = String(decoding: lines[1], as: UTF8.self), third = String(decoding: lines[2], as: UTF8.self)
        XCTAssertFalse(second.contains("alice") || second.contains("10.0.0.2"), second)
        XCTAssertTrue(second.contains(#""erased_identity":""#) && second.contains(#""prompt":"hello 2""#), second)
        XCTAssertFalse(third.contains("alice") || third.contains("hello 3"), third)
        XCTAssertTrue(third.contains(#""erased_prompt":""#) && third.contains(#""zeta":3}"#), third)
        // Erasing again changes nothing; a forged digest does not verify.
        XCTAssertEqual(try AuditChain.erasing(.identity, in: lines[1], key: key), lines[1])
        var forged = second
        let digestStart = forged.range(of: #""erased_identity":""#)!.upperBound
        forged.replaceSubrange(digestStart..<forged.index(after: digestStart), with: forged[digestStart] == "0" ? "1" : "0")
        lines[1] = Array(forged.utf8)
        try Data((lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try AuditVerifier.verify(directory: directory, keys: [key])) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
        }
    }

    func testAnErasedDigestBelongsToItsRecordAndForgedLinesAreNotErased() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-erase-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let trail = try AuditTrail(directory: directory, key: key)
        for _ in 1...2 {
            try trail.append(try AuditEntry(kind: "decision", time: 1_796_637_600, fields: [.init("user", .string("alice")), .init("n", .integer(1))]))
        }
        let path = directory + "/audit-000000000001.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let erased = String(decoding: try AuditChain.erasing(.identity, in: Array(lines[0].utf8), key: key), as: UTF8.self)
        // The same identity in record 2: the digest erasure left in record 1 does not stand in for it.
        let tombstone = try XCTUnwrap(erased.range(of: #""erased_identity":"[0-9a-f]{64}""#, options: .regularExpression).map { String(erased[$0]) })
        lines[1] = lines[1].replacingOccurrences(of: #""user":"alice""#, with: tombstone)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try AuditVerifier.verify(directory: directory, keys: [key])) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
        }
        // A line the key does not vouch for is not erased (its digest would be an oracle).
        XCTAssertThrowsError(try AuditChain.erasing(.identity, in: Array(lines[1].replacingOccurrences(of: tombstone, with: #""user":"bob""#).utf8), key: key)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
        }
    }
}
