import Foundation

/// Checks an audit trail (docs/audit.md, "Verifying"): every record's MAC, that each `prev` is
/// the MAC before it and each `seq` the one after it, and that the trail reaches the
/// checkpoint. Finds modified, deleted, inserted, reordered and truncated records, and names the
/// first bad one by file, line and `seq`.
public enum AuditVerifier {
    /// A whole chain.
    public struct Report: Sendable, Equatable {
        /// Records checked.
        public var records: Int
        /// Files read.
        public var files: Int
        /// The first record's `seq`: 1, or where a pruned trail's anchor says it starts.
        public var firstSeq: Int
        /// The newest record's `seq` (0 for an empty trail).
        public var lastSeq: Int
        /// Bytes read.
        public var bytes: Int
    }

    /// Verifies the trail in `directory` (its files in order, and its checkpoint).
    /// - Parameter keys: every key the trail was written with (a record names its key's id).
    /// - Throws: ``AuditError``: `tampered` names the first bad record; `badInput` a line that is
    ///   not a record; `badKey` a record whose key was not given; `io` what cannot be read.
    public static func verify(directory: String, keys: [AuditKey]) throws(AuditError) -> Report {
        try verify(directory: directory, keys: keys, reader: LineReader<Void>.none)
    }

    /// Verifies files given in chain order, without a checkpoint: the chain within and across
    /// them (the first must start the trail, `seq` 1).
    public static func verify(files: [String], keys: [AuditKey]) throws(AuditError) -> Report {
        try walk(files, keys: keys, checkpoint: nil, anchor: nil, reader: LineReader<Void>.none)
    }

    /// What else is read from each line while the chain is verified (the compliance report's
    /// fields), so that a trail is read once: `extract` runs beside the MAC's check, on every
    /// core; `consume` gets each record in chain order once its place in the chain is checked.
    struct LineReader<Extra> {
        var extract: (_ line: UnsafeBufferPointer<UInt8>, _ scanned: AuditLineScanner.Line, _ path: String, _ number: Int) -> Result<Extra, AuditError>
        var consume: (_ extra: Extra, _ path: String, _ number: Int) throws(AuditError) -> Void

        static var none: LineReader<Void> { LineReader<Void>(extract: { _, _, _, _ in .success(()) }, consume: { _, _, _ in }) }
    }

    /// ``verify(directory:keys:)``, handing each record to `reader`.
    static func verify<Extra>(directory: String, keys: [AuditKey], reader: LineReader<Extra>) throws(AuditError) -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AuditError(.badInput, "`\(directory)` is not a directory")
        }
        let files = try AuditFiles.list(directory).map { directory + "/" + $0 }
        let checkpoint = try AuditCheckpoint.read(directory: directory, keys: keys)
        if files.isEmpty, checkpoint == nil {
            throw AuditError(.badInput, "`\(directory)` holds no audit trail (no `audit-*.jsonl` files)")
        }
        let anchor = try AuditAnchor.read(directory: directory, keys: keys)
        var report = try walk(files, keys: keys, checkpoint: checkpoint, anchor: anchor, reader: reader)
        if let checkpoint {
            guard report.lastSeq >= checkpoint.seq else {
                let newest = files.last ?? directory
                throw AuditError(.tampered, "\(newest): the trail ends at seq \(report.lastSeq) but the checkpoint vouches for seq \(checkpoint.seq): records were cut off the end")
            }
        } else if !files.isEmpty {
            throw AuditError(.tampered, "\(directory)/\(AuditCheckpoint.fileName): missing, so truncation cannot be ruled out")
        }
        report.files = files.count
        return report
    }

    /// ``verify(files:keys:)``, handing each record to `reader`.
    static func verify<Extra>(files: [String], keys: [AuditKey], reader: LineReader<Extra>) throws(AuditError) -> Report {
        try walk(files, keys: keys, checkpoint: nil, anchor: nil, reader: reader)
    }

    /// Walks the chain through `files`; the record at the checkpoint's `seq` must carry its MAC.
    /// A trail pruned from its start begins where its anchor says.
    private static func walk<Extra>(_ files: [String], keys: [AuditKey], checkpoint: AuditCheckpoint?, anchor: AuditAnchor?,
                                    reader: LineReader<Extra>) throws(AuditError) -> Report {
        var report = Report(records: 0, files: files.count, firstSeq: 1, lastSeq: 0, bytes: 0)
        var previousMAC = AuditChain.genesis
        for path in files {
            report.bytes += try AuditLineWindows.read(path) { line, torn, number -> (LineOutcome, Result<Extra, AuditError>?) in
                let (outcome, scanned) = check(line, torn: torn, at: "\(path):\(number)", keys: keys)
                guard case .record = outcome, let scanned else { return (outcome, nil) }
                return (outcome, reader.extract(line, scanned, path, number))
            } consume: { (read: (LineOutcome, Result<Extra, AuditError>?), number: Int) throws(AuditError) in
                let record: Checked
                switch read.0 {
                case .failure(let error): throw error
                case .record(let checked): record = checked
                }
                if report.records == 0, record.seq > 1, let anchor, anchor.seq == record.seq, anchor.prev == record.prev {
                    // The records before were pruned; the anchor vouches for where the trail starts.
                    report.lastSeq = record.seq - 1
                    report.firstSeq = record.seq
                    previousMAC = record.prev
                }
                let expected = report.lastSeq + 1
                guard record.seq == expected else {
                    let what = record.seq > expected ? "records \(expected)…\(record.seq - 1) are missing here (deleted or moved)"
                        : "it repeats or goes back (inserted or moved)"
                    throw AuditError(.tampered, "\(path):\(number): seq \(record.seq) where \(expected) was due: \(what)")
                }
                guard record.prev == previousMAC else {
                    throw AuditError(.tampered, "\(path):\(number): seq \(record.seq) does not follow the record before it (`prev` differs): a record was replaced, inserted or reordered")
                }
                if let problem = record.macProblem {
                    throw AuditError(.tampered, "\(path):\(number): seq \(record.seq) was modified \(problem)")
                }
                previousMAC = record.mac
                report.lastSeq = record.seq
                report.records += 1
                if let checkpoint, checkpoint.seq == record.seq, checkpoint.mac != record.mac {
                    throw AuditError(.tampered, "\(path):\(number): seq \(record.seq) is not the record the checkpoint vouches for")
                }
                switch read.1 {
                case .success(let value)?: try reader.consume(value, path, number)
                case .failure(let error)?: throw error
                case nil: break
                }
            }
        }
        return report
    }

    /// A line read and its MAC checked, before the chain's order is.
    private struct Checked {
        var seq: Int
        var prev: String
        var mac: String
        /// Why the MAC does not match, when it does not.
        var macProblem: String?
    }

    private enum LineOutcome {
        case record(Checked)
        case failure(AuditError)
    }

    /// Reads one line and checks its MAC; the scanned line too, for a reader. The location is
    /// built only for a line that fails.
    private static func check(_ text: UnsafeBufferPointer<UInt8>, torn: Bool, at location: @autoclosure () -> String, keys: [AuditKey])
        -> (LineOutcome, AuditLineScanner.Line?) {
        if torn {
            return (.failure(AuditError(.tampered, "\(location()): the last line is cut short (no line feed): a torn or truncated record")), nil)
        }
        let line: AuditLineScanner.Line
        do throws(AuditError) {
            line = try AuditLineScanner.record(text, at: location())
        } catch {
            return (.failure(error), nil)
        }
        guard let key = keys.first(where: { $0.id == line.kid }) else {
            return (.failure(AuditError(.badKey, "\(location()): seq \(line.seq) was written with key id \(line.kid), which is not among the keys given (\(keys.map(\.id).joined(separator: ", ")))")), nil)
        }
        var problem: String? = line.ordered ? nil : "(its fields are out of order or repeated)"
        do throws(AuditError) {
            let computed = try AuditChain.expectedMAC(line, bytes: text, key: key)
            if problem == nil, !HMACSHA256.equalInConstantTime(Array(computed.utf8), Array(line.mac.utf8)) {
                problem = "(its MAC does not match its content)"
            }
        } catch {
            problem = "(\(error.message))"
        }
        return (.record(Checked(seq: line.seq, prev: line.prev, mac: line.mac, macProblem: problem)), line)
    }
}
