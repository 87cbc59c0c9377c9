import Foundation

/// Building the report from trails on disk.
extension ComplianceReport {
    /// Reads audit trails and reports the period `from..<to`.
    /// - Parameters:
    ///   - paths: trail directories (each read in chain order), and files; the files given are one
    ///     trail in the order given. A file may be given once, directly or in a directory.
    ///   - policy: the policy whose controls the evidence lists and whose `audit.high_risk_threshold`
    ///     applies (else ``defaultHighRiskPercent``).
    ///   - top: how long each ranked list is before the rest are added up (nil: every entry).
    ///   - keys: when given, each trail's chain is verified in the same pass that reads it
    ///     (``AuditVerifier``) and a trail that does not verify is not reported; without keys the
    ///     report says its trails were not verified.
    /// - Throws: ``AuditError``: `tampered` (or `badKey`) from the verification; `badInput` for a path
    ///   that is not a trail or is given twice, a line that is not a record, a period that is empty
    ///   or longer than ``maximumDays``; `io` for what cannot be read.
    public init(paths: [String], policy: CompiledPolicy?, from: Int, to: Int, top: Int? = 20, keys: [AuditKey] = []) throws(AuditError) {
        guard from < to else {
            throw AuditError(.badInput, "the period is empty: its start \(Timestamp(secondsSinceEpoch: from).rfc3339) is not before "
                             + "its end \(Timestamp(secondsSinceEpoch: to).rfc3339)")
        }
        let (span, overflow) = to.subtractingReportingOverflow(from)
        guard !overflow, span <= ComplianceReport.maximumDays * 86_400 else {
            throw AuditError(.badInput, "the period is longer than \(ComplianceReport.maximumDays) days")
        }
        let trails = try ComplianceReport.trails(paths)
        var aggregator = ComplianceAggregator(from: from, to: to, top: top, policy: policy)
        var read: [TrailRead] = []
        for (index, trail) in trails.enumerated() {
            var summary = TrailRead(path: trail.path, files: trail.files.count, records: 0, firstSeq: 0, lastSeq: 0, verified: !keys.isEmpty,
                                    endChecked: !keys.isEmpty && trail.directory)
            func consume(_ record: AuditReportRecord, _ path: String, _ number: Int) throws(AuditError) {
                if summary.firstSeq == 0 { summary.firstSeq = record.seq }
                summary.lastSeq = record.seq
                summary.records += 1
                try aggregator.add(record, trail: index, at: "\(path):\(number)")
            }
            if keys.isEmpty {
                for path in trail.files {
                    _ = try AuditLineWindows.read(path) { line, torn, number in
                        AuditReportRecord.read(line, torn: torn, at: "\(path):\(number)")
                    } consume: { (record: Result<AuditReportRecord, AuditError>, number: Int) throws(AuditError) in
                        try consume(record.get(), path, number)
                    }
                }
            } else {
                // Verified and read in one pass: each line's MAC and fields are read together, and a
                // record is counted only once its place in the chain is checked.
                let reader = AuditVerifier.LineReader<AuditReportRecord>(
                    extract: { line, scanned, path, number in AuditReportRecord.read(line, scanned: scanned, at: "\(path):\(number)") },
                    consume: consume)
                _ = trail.directory ? try AuditVerifier.verify(directory: trail.path, keys: keys, reader: reader)
                    : try AuditVerifier.verify(files: trail.files, keys: keys, reader: reader)
            }
            if !trail.directory, summary.records == 0 {
                throw AuditError(.badInput, "`\(trail.path)`\(trail.files.count > 1 ? " and the files after it hold" : " holds") no audit records")
            }
            read.append(summary)
        }
        self = aggregator.report(trails: read, policy: policy?.policy)
    }

    /// The trails `paths` name: each directory one, and the files given together one more; a file
    /// given twice (the same path, a link to it, or a file in a directory also given) is refused,
    /// since it would be counted twice.
    private static func trails(_ paths: [String]) throws(AuditError) -> [(path: String, files: [String], directory: Bool)] {
        guard !paths.isEmpty else { throw AuditError(.badInput, "no audit trail was given") }
        var trails: [(path: String, files: [String], directory: Bool)] = []
        var loose: [String] = []
        var seen: [String: String] = [:]
        func note(_ file: String, given: String) throws(AuditError) {
            let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().standardizedFileURL.path
            if let earlier = seen[resolved] {
                throw AuditError(.badInput, "`\(file)` is given twice (as `\(earlier)` and `\(given)`): its records would be counted twice")
            }
            seen[resolved] = given
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw AuditError(.io, "`\(path)` does not exist")
            }
            if isDirectory.boolValue {
                let files = try AuditFiles.list(path).map { path + "/" + $0 }
                guard !files.isEmpty else { throw AuditError(.badInput, "`\(path)` holds no audit trail (no `audit-*.jsonl` files)") }
                for file in files { try note(file, given: path) }
                trails.append((path, files, true))
            } else {
                try note(path, given: path)
                loose.append(path)
            }
        }
        if !loose.isEmpty { trails.append((loose[0], loose, false)) }
        return trails
    }
}
