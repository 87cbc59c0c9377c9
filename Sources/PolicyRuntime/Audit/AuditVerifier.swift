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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AuditError(.badInput, "`\(directory)` is not a directory")
        }
        let files = try AuditFiles.list(directory).map { directory + "/" + $0 }
        let checkpoint = try AuditCheckpoint.read(directory: directory, keys: keys)
        if files.isEmpty, checkpoint == nil {
            throw AuditError(.badInput, "`\(directory)` holds no audit trail (no `audit-*.jsonl` files)")
        }
        var report = try walk(files, keys: keys, checkpoint: checkpoint)
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

    /// Verifies files given in chain order, without a checkpoint: the chain within and across
    /// them (the first must start the trail, `seq` 1).
    public static func verify(files: [String], keys: [AuditKey]) throws(AuditError) -> Report {
        try walk(files, keys: keys, checkpoint: nil)
    }

    /// Walks the chain through `files`; the record at the checkpoint's `seq` must carry its MAC.
    private static func walk(_ files: [String], keys: [AuditKey], checkpoint: AuditCheckpoint?) throws(AuditError) -> Report {
        var report = Report(records: 0, files: files.count, lastSeq: 0, bytes: 0)
        var previousMAC = AuditChain.genesis
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AuditError(.io, "cannot read `\(path)`")
            }
            let bytes = [UInt8](data)
            report.bytes += bytes.count
            var position = 0
            var line = 0
            while position < bytes.count {
                line += 1
                guard let newline = bytes[position...].firstIndex(of: 0x0A) else {
                    throw AuditError(.tampered, "\(path):\(line): the last line is cut short (no line feed): a torn or truncated record")
                }
                let text = bytes[position..<newline]
                position = newline + 1
                guard let fields = AuditFiles.fields(ofLine: text) else {
                    throw AuditError(.badInput, "\(path):\(line): not a JSON object; is this an audit trail?")
                }
                guard let chain = AuditFiles.chainFields(fields) else {
                    throw AuditError(.badInput, "\(path):\(line): not an audit record (it needs `seq`, `prev`, `kid` and `mac`)")
                }
                guard let key = keys.first(where: { $0.id == chain.kid }) else {
                    throw AuditError(.badKey, "\(path):\(line): seq \(chain.seq) was written with key id \(chain.kid), which is not among the keys given (\(keys.map(\.id).joined(separator: ", ")))")
                }
                let expected = report.lastSeq + 1
                guard chain.seq == expected else {
                    let what = chain.seq > expected ? "records \(expected)…\(chain.seq - 1) are missing here (deleted or moved)"
                        : "it repeats or goes back (inserted or moved)"
                    throw AuditError(.tampered, "\(path):\(line): seq \(chain.seq) where \(expected) was due: \(what)")
                }
                guard chain.prev == previousMAC else {
                    throw AuditError(.tampered, "\(path):\(line): seq \(chain.seq) does not follow the record before it (`prev` differs): a record was replaced, inserted or reordered")
                }
                guard HMACSHA256.equalInConstantTime(Array(AuditChain.mac(fields, prev: chain.prev, key: key).utf8), Array(chain.mac.utf8)) else {
                    throw AuditError(.tampered, "\(path):\(line): seq \(chain.seq) was modified (its MAC does not match its content)")
                }
                previousMAC = chain.mac
                report.lastSeq = chain.seq
                report.records += 1
                if let checkpoint, checkpoint.seq == chain.seq, checkpoint.mac != chain.mac {
                    throw AuditError(.tampered, "\(path):\(line): seq \(chain.seq) is not the record the checkpoint vouches for")
                }
            }
        }
        return report
    }
}
