import Foundation

/// What pruning did: the receipt `policyc audit prune` prints, also appended to the trail.
public struct AuditPruneReceipt: Sendable, Equatable {
    /// Records whose prompt was erased now (older than the `prompts` period).
    public var promptsErased: Int
    /// Records whose response was erased now (older than the `responses` period).
    public var responsesErased: Int
    /// Whole files deleted (every record older than the `audit_logs` period).
    public var filesDeleted: Int
    /// Records in them.
    public var recordsDeleted: Int
    /// The `seq` the trail now starts at.
    public var firstSeq: Int
    /// The `seq` of the receipt's own record.
    public var receiptSeq: Int
}

extension AuditTrail {
    /// Applies a policy's retention periods (docs/audit.md, "Pruning"): records older than the
    /// `prompts` period lose their prompt group and those older than `responses` their response
    /// group, as erasure does (the chain still verifies); files whose every record is older than
    /// `audit_logs` are deleted from the start of the trail, after a sealed anchor records where
    /// it now starts. The current file is never deleted. Files are rewritten aside and renamed;
    /// running it again after a crash finishes. A receipt is appended to the trail.
    /// - Parameter now: seconds since the epoch that ages are counted to.
    public func prune(retention: CompiledRetention, at now: Int) throws(AuditError) -> AuditPruneReceipt {
        try exclusively { () throws(AuditError) -> AuditPruneReceipt in
            let promptCutoff = retention.periodsSeconds[.prompts].map { now - $0 }
            let responseCutoff = retention.periodsSeconds[.responses].map { now - $0 }
            let logCutoff = retention.periodsSeconds[.auditLogs].map { now - $0 }
            var receipt = AuditPruneReceipt(promptsErased: 0, responsesErased: 0, filesDeleted: 0, recordsDeleted: 0, firstSeq: 1, receiptSeq: 0)
            var files = try AuditFiles.list(directory)
            // Whole files from the start whose newest record is past the audit_logs period.
            var expired: [(name: String, records: Int)] = []
            if let logCutoff {
                for name in files.dropLast() {
                    let lines = try AuditTrail.lines(of: directory + "/" + name)
                    // Every record past the period, not only the last: a record's time is not
                    // bound to come in order.
                    guard !lines.isEmpty, lines.allSatisfy({ AuditTrail.time(ofLine: $0).map { $0 < logCutoff } ?? false }) else { break }
                    expired.append((name, lines.count))
                }
            }
            if !expired.isEmpty {
                let firstKept = files[expired.count]
                guard let line = try AuditTrail.lines(of: directory + "/" + firstKept).first,
                      let scanned = line.withUnsafeBufferPointer({ try? AuditLineScanner.read($0) }) else {
                    throw AuditError(.badInput, "\(directory)/\(firstKept): its first line is not an audit record")
                }
                // The anchor first: a crash before the files are gone leaves a trail that still
                // verifies from its first record, and running prune again deletes them.
                try AuditAnchor(seq: scanned.seq, prev: scanned.prev, kid: scanned.kid).write(in: directory, key: key)
                for file in expired {
                    guard unlink(directory + "/" + file.name) == 0 else {
                        throw AuditError(.io, "cannot delete `\(directory)/\(file.name)`: \(POSIXFile.lastError)")
                    }
                    receipt.filesDeleted += 1
                    receipt.recordsDeleted += file.records
                }
                POSIXFile.syncDirectory(directory)
                files.removeFirst(expired.count)
            }
            // The groups past their periods, file by file.
            for name in files where promptCutoff != nil || responseCutoff != nil {
                let path = directory + "/" + name
                var changed = false
                var out: [UInt8] = []
                for line in try AuditTrail.lines(of: path) {
                    var record = line
                    if let time = AuditTrail.time(ofLine: line) {
                        for (group, cutoff) in [(AuditChain.Group.prompt, promptCutoff), (.response, responseCutoff)] {
                            guard let cutoff, time < cutoff else { continue }
                            let erased = try AuditChain.erasing(group, in: record, key: key)
                            if erased != record {
                                if group == .prompt { receipt.promptsErased += 1 } else { receipt.responsesErased += 1 }
                                changed = true
                                record = erased
                            }
                        }
                    }
                    out += record
                    out.append(0x0A)
                }
                if changed { try replaceFile(name, with: out) }
            }
            if let first = files.first, let line = try AuditTrail.lines(of: directory + "/" + first).first,
               let scanned = line.withUnsafeBufferPointer({ try? AuditLineScanner.read($0) }) {
                receipt.firstSeq = scanned.seq
            }
            let entry = try AuditEntry(kind: "prune", time: now, fields: [
                .init("prompts_erased", .integer(receipt.promptsErased)), .init("responses_erased", .integer(receipt.responsesErased)),
                .init("files_deleted", .integer(receipt.filesDeleted)), .init("records_deleted", .integer(receipt.recordsDeleted)),
                .init("first_seq", .integer(receipt.firstSeq)),
            ])
            receipt.receiptSeq = try appendHoldingWriter(entry)
            return receipt
        }
    }

    /// A file's whole lines (a last line without its line feed is a torn record, left out).
    static func lines(of path: String) throws(AuditError) -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw AuditError(.io, "cannot read `\(path)`") }
        let bytes = [UInt8](data)
        var lines: [[UInt8]] = []
        try AuditFiles.forEachLine(bytes) { (_: Int, range: Range<Int>) throws(AuditError) in
            if range.upperBound < bytes.count { lines.append(Array(bytes[range])) }
        }
        return lines
    }

    /// A record line's `time`, in seconds since the epoch.
    static func time(ofLine line: some Collection<UInt8>) -> Int? {
        AuditLineScanner.string("time", inLine: line).flatMap(Timestamp.init(rfc3339:))?.secondsSinceEpoch
    }
}
