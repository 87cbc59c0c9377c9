import Foundation
import PolicyRuntime
import XCTest

/// The audit trail: what the writer writes, and that `AuditVerifier` finds every kind of
/// tampering, names the first bad record, and tells a wrong key or a foreign file from tampering.
final class AuditTrailTests: XCTestCase {
    static let day = 1_796_601_600  // 2026-12-07T00:00:00Z

    let key = try! AuditKey(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    let otherKey = try! AuditKey(bytes: Array("fedcba9876543210fedcba9876543210".utf8))

    func makeDirectory() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory
    }

    func entry(_ number: Int, at time: Int = day + 3_600) throws -> AuditEntry {
        try AuditEntry(kind: "test", time: time, fields: [.init("user", .string("user\(number)")), .init("n", .integer(number))])
    }

    /// A trail of `count` records in `directory`.
    @discardableResult
    func write(_ count: Int, to directory: String, options: AuditTrail.Options = .init(), at time: Int = day + 3_600) throws -> AuditTrail {
        let trail = try AuditTrail(directory: directory, key: key, options: options)
        for number in 1...count { try trail.append(try entry(number, at: time)) }
        return trail
    }

    func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("audit-") }.sorted().map { directory + "/" + $0 }
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func writeLines(_ lines: [String], to path: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    func assertFails(_ directory: String, _ kind: AuditError.Kind, containing text: String, keys: [AuditKey]? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            let report = try AuditVerifier.verify(directory: directory, keys: keys ?? [key])
            XCTFail("verified \(report.records) records; expected \(kind)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(text), "«\(error.message)» lacks «\(text)»", file: file, line: line)
        }
    }

    func testAWholeTrailVerifiesAndContinuesAfterReopening() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let reopened = try AuditTrail(directory: directory, key: key)
        XCTAssertEqual(reopened.newestSeq, 5)
        try reopened.append(try entry(6))
        let report = try AuditVerifier.verify(directory: directory, keys: [key])
        XCTAssertEqual(report.records, 6)
        XCTAssertEqual(report.lastSeq, 6)
        let first = try lines(try files(directory)[0])[0]
        XCTAssertTrue(first.contains(#""prev":"0000000000000000000000000000000000000000000000000000000000000000""#), first)
        XCTAssertTrue(first.contains(#""kid":"\#(key.id)""#), first)
        XCTAssertFalse(first.contains("0123456789abcdef0123456789abcdef"), "the key never reaches a record")
    }

    func testAModifiedRecordIsNamedByFileLineAndSeq() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        records[2] = records[2].replacingOccurrences(of: #""n":3"#, with: #""n":33"#)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):3: seq 3 was modified")
    }

    func testReorderedFieldsAreFound() throws {
        let directory = makeDirectory()
        try write(2, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        // `"kind":"test","n":1,…,"user":"user1"` → `"user":"user1","kind":"test",…`: the same bytes to the MAC.
        let user = #","user":"user1""#
        XCTAssertTrue(records[0].contains(user), records[0])
        records[0] = records[0].replacingOccurrences(of: user, with: "").replacingOccurrences(of: #","kind""#, with: user + #","kind""#)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):1: seq 1 was modified (its fields are out of order or repeated)")
    }

    func testADeletedRecordIsFound() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        records.remove(at: 1)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):2: seq 3 where 2 was due: records 2…2 are missing here (deleted or moved)")
    }

    func testAnInsertedRecordIsFound() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        records.insert(records[1], at: 2)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):3: seq 2 where 3 was due")
    }

    func testReorderedRecordsAreFound() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        records.swapAt(1, 2)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):2: seq 3 where 2 was due")
    }

    func testARenumberedForgeryFailsItsMAC() throws {
        // Deleting a record and renumbering the rest keeps `seq` in order, but not the chain.
        let directory = makeDirectory()
        try write(4, to: directory)
        let path = try files(directory)[0]
        var records = try lines(path)
        records.remove(at: 1)
        records[1] = records[1].replacingOccurrences(of: #""seq":3"#, with: #""seq":2"#)
        records[2] = records[2].replacingOccurrences(of: #""seq":4"#, with: #""seq":3"#)
        try writeLines(records, to: path)
        assertFails(directory, .tampered, containing: "\(path):2: seq 2 does not follow the record before it")
    }

    func testTruncationIsFoundByTheCheckpoint() throws {
        let directory = makeDirectory()
        try write(5, to: directory)
        let path = try files(directory)[0]
        try writeLines(Array(try lines(path).prefix(3)), to: path)
        assertFails(directory, .tampered, containing: "the trail ends at seq 3 but the checkpoint vouches for seq 5")
        // The writer refuses to continue such a trail rather than chain onto the cut.
        XCTAssertThrowsError(try AuditTrail(directory: directory, key: key)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered)
        }
    }

    func testADeletedCheckpointOrNewestFileIsFound() throws {
        let directory = makeDirectory()
        try write(3, to: directory)
        try FileManager.default.removeItem(atPath: directory + "/audit.checkpoint")
        assertFails(directory, .tampered, containing: "audit.checkpoint: missing")
    }

    func testAWrongKeyAndAForeignFileAreNotTampering() throws {
        let directory = makeDirectory()
        try write(2, to: directory)
        assertFails(directory, .badKey, containing: "key id \(key.id)", keys: [otherKey])
        let path = try files(directory)[0]
        try writeLines(["{\"hello\": 1", "x"], to: path)
        assertFails(directory, .badInput, containing: "\(path):1: not a JSON object")
        let empty = makeDirectory()
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        assertFails(empty, .badInput, containing: "holds no audit trail")
    }

    func testATornTailIsTruncatedAndAcknowledgedInTheChain() throws {
        let directory = makeDirectory()
        try write(3, to: directory)
        let path = try files(directory)[0]
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":4,"prev":"ab"#.utf8))
        handle.closeFile()
        assertFails(directory, .tampered, containing: "\(path):4: the last line is cut short")
        final class Warnings: @unchecked Sendable { var all: [String] = [] }
        let warnings = Warnings()
        let reopened = try AuditTrail(directory: directory, key: key, warn: { warnings.all.append($0) })
        XCTAssertEqual(reopened.newestSeq, 4, "the repair is itself a record")
        XCTAssertTrue(warnings.all.contains { $0.contains("cut short by a crash") }, "\(warnings.all)")
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).records, 4)
        XCTAssertTrue(try lines(path)[3].contains(#""kind":"repair""#))
    }

    func testFilesRotateBySizeAndByDayAndTheChainCrossesThem() throws {
        let directory = makeDirectory()
        let trail = try write(10, to: directory, options: .init(maximumFileBytes: 600))
        let sizes = try files(directory).map { ($0, (try? FileManager.default.attributesOfItem(atPath: $0)[.size]) ?? 0) }
        XCTAssertGreaterThan(sizes.count, 2, "\(sizes)")
        try trail.append(try entry(11, at: AuditTrailTests.day + 86_400 + 60))
        let names = try files(directory).map { ($0 as NSString).lastPathComponent }
        XCTAssertEqual(names.last, "audit-000000000011.jsonl", "a new day starts a file")
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).records, 11)
        // A file taken out of the middle breaks the chain at the next one.
        try FileManager.default.removeItem(atPath: directory + "/" + names[1])
        assertFails(directory, .tampered, containing: "\(directory)/\(names[2]):1: seq")
    }

    func testConcurrentAppendsFormOneChain() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key)
        let entries = try (0..<8).map { worker in try (0..<50).map { try entry(worker * 1_000 + $0) } }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for entry in entries[worker] {
                do { try trail.append(entry) } catch { XCTFail("\(error)") }
            }
        }
        let report = try AuditVerifier.verify(directory: directory, keys: [key])
        XCTAssertEqual(report.records, 400)
    }

    func testARotatedKeyVerifiesWithBothKeys() throws {
        let directory = makeDirectory()
        try write(2, to: directory)
        // A new key continues the chain only after the old writer is gone; records name their key.
        XCTAssertThrowsError(try AuditTrail(directory: directory, key: otherKey)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .badKey, "\(error)")
        }
    }

    func testErasingAUserLeavesTheChainWholeAndNothingOfThem() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key, options: .init(maximumFileBytes: 700))
        for (index, user) in ["alice", "bob", "alice", "carol", "alice"].enumerated() {
            try trail.append(try AuditEntry(kind: "decision", time: AuditTrailTests.day + index, fields: [
                .init("user", .string(user)), .init("ip_address", .string("10.0.0.\(index)")),
                .init("prompt", .string("text of \(user)")), .init("request_id", .string("r\(index)")),
            ]))
        }
        let before = try files(directory).count
        XCTAssertGreaterThan(before, 1, "the records span files")
        let receipt = try trail.erase(user: "alice", at: AuditTrailTests.day + 100)
        XCTAssertEqual(receipt.recordsErased, 3)
        XCTAssertEqual(receipt.recordsChecked, 5)
        XCTAssertEqual(receipt.receiptSeq, 6)
        XCTAssertEqual(receipt.subject.count, 64)
        // Appending goes on where it was, in the rewritten newest file.
        try trail.append(try entry(7))
        let text = try files(directory).map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        XCTAssertFalse(text.contains("alice"), "no field of the erased user remains")
        XCTAssertTrue(text.contains(#""user":"bob""#) && text.contains("text of carol"), "other users are untouched")
        XCTAssertTrue(text.contains(#""kind":"erasure""#) && text.contains(receipt.subject))
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).records, 7, "the chain still verifies")
        XCTAssertEqual(try trail.erase(user: "alice", at: AuditTrailTests.day + 200).recordsErased, 0, "erasing again finds nothing")
    }

    func testErasureFailsWhenTheIdRemainsInAFieldTheTrailDoesNotErase() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key)
        try trail.append(try AuditEntry(kind: "note", time: AuditTrailTests.day, fields: [.init("approver", .string("alice"))]))
        try trail.append(try AuditEntry(kind: "decision", time: AuditTrailTests.day, fields: [.init("user", .string("alice"))]))
        let before = try files(directory).map { try String(contentsOfFile: $0, encoding: .utf8) }
        XCTAssertThrowsError(try trail.erase(user: "alice", at: AuditTrailTests.day)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered)
            XCTAssertTrue((error as? AuditError)?.message.contains("`approver`") == true, "\(error)")
        }
        XCTAssertEqual(try files(directory).map { try String(contentsOfFile: $0, encoding: .utf8) }, before, "nothing was erased")
        // An id that equals a vocabulary word (a kind, an outcome) is not mistaken for a leftover.
        let other = makeDirectory()
        let decisions = try AuditTrail(directory: other, key: key)
        try decisions.append(try AuditEntry(kind: "note", time: AuditTrailTests.day, fields: [.init("user", .string("note"))]))
        XCTAssertEqual(try decisions.erase(user: "note", at: AuditTrailTests.day).recordsErased, 1)
    }

    func testPruningAppliesTheRetentionPeriodsAndTheChainStillVerifies() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key)
        let day = AuditTrailTests.day
        // Three days of records, a file each (daily rotation): 400, 40 and 0 days before `now`.
        let now = day + 400 * 86_400
        for (offset, user) in [(0, "old"), (360 * 86_400, "month"), (400 * 86_400 - 60, "new")] {
            for index in 0..<2 {
                try trail.append(try AuditEntry(kind: "decision", time: day + offset + index, fields: [
                    .init("user", .string(user)), .init("prompt", .string("asked by \(user)")),
                    .init("response", .string("answered to \(user)")),
                ]))
            }
        }
        var retention = CompiledRetention(periodsSeconds: [.auditLogs: 365 * 86_400, .prompts: 30 * 86_400], erasureWithinSeconds: nil)
        let receipt = try trail.prune(retention: retention, at: now)
        XCTAssertEqual(receipt.filesDeleted, 1)
        XCTAssertEqual(receipt.recordsDeleted, 2)
        XCTAssertEqual(receipt.firstSeq, 3)
        XCTAssertEqual(receipt.promptsErased, 2, "the month-old records lose their prompt, the new ones keep it")
        XCTAssertEqual(receipt.responsesErased, 0, "no responses period: responses are kept")
        let text = try files(directory).map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        XCTAssertFalse(text.contains("asked by old") || text.contains("asked by month"))
        XCTAssertTrue(text.contains("asked by new") && text.contains("answered to month"))
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).lastSeq, 7, "the anchor vouches for the new start")
        retention.periodsSeconds[.responses] = 30 * 86_400
        XCTAssertEqual(try trail.prune(retention: retention, at: now).responsesErased, 2)
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).records, 6)
        // Without the anchor, the missing start is deletion.
        try FileManager.default.removeItem(atPath: directory + "/audit.anchor")
        assertFails(directory, .tampered, containing: "seq 3 where 1 was due")
    }

    func testAWriterRefusesRecordsWithoutACheckpointAndTouchesNothingItCannotAccountFor() throws {
        let directory = makeDirectory()
        try write(3, to: directory)
        let path = try files(directory)[0]
        // The last record's line feed gone: the record the checkpoint vouches for is no longer whole.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast()
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try AuditTrail(directory: directory, key: key)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, bytes.count, "nothing was truncated")
        // A deleted checkpoint is not made anew by the next writer.
        try FileManager.default.removeItem(atPath: directory + "/audit.checkpoint")
        XCTAssertThrowsError(try AuditTrail(directory: directory, key: key)) { error in
            XCTAssertEqual((error as? AuditError)?.kind, .tampered, "\(error)")
        }
        assertFails(directory, .tampered, containing: ":3: the last line is cut short")
    }

    func testPruningKeepsAFileWithAnyRecordStillInItsPeriod() throws {
        let directory = makeDirectory()
        let trail = try AuditTrail(directory: directory, key: key, options: .init(maximumFileBytes: 450, rotatesDaily: false))
        let now = AuditTrailTests.day + 400 * 86_400
        // A recent record, then a backdated one last in the same file, then a newer file.
        for time in [now - 10 * 86_400, now - 390 * 86_400, now - 86_400] {
            try trail.append(try AuditEntry(kind: "decision", time: time, fields: [.init("user", .string("u"))]))
        }
        XCTAssertEqual(try files(directory).count, 2, "the first two records share a file")
        let retention = CompiledRetention(periodsSeconds: [.auditLogs: 365 * 86_400], erasureWithinSeconds: nil)
        XCTAssertEqual(try trail.prune(retention: retention, at: now).filesDeleted, 0)
        XCTAssertEqual(try AuditVerifier.verify(directory: directory, keys: [key]).firstSeq, 1)
    }

    func testEntriesRefuseTheTrailsOwnFields() {
        XCTAssertThrowsError(try AuditEntry(kind: "x", time: 0, fields: [.init("mac", .string("0"))]))
        XCTAssertThrowsError(try AuditEntry(kind: "x", time: 0, fields: [.init("a", .integer(1)), .init("a", .integer(2))]))
    }
}
