import Foundation

/// The audit trail's writer (docs/audit.md): appends chained, MACed records to files in a
/// directory, one per decision, and returns only once they are on disk.
///
/// - **Durable.** A batch of records is written and `fdatasync`ed, then the checkpoint, before
///   any of its callers returns: a record whose decision was returned survives `kill -9` and
///   power loss. Callers that arrive while a batch is being written form the next batch (group
///   commit: one sync for many records).
/// - **Fails closed.** A write that fails (a full disk) fails its batch and every later append
///   of this writer; opening the trail again repairs and continues it. The trail never stops
///   silently: a caller always learns that its record was not written.
/// - **Torn tails.** Opening a trail whose newest file ends in a partial line (a crash while
///   writing) truncates the partial line, with a warning, and chains a `repair` record saying so.
///   A newest file shorter than the checkpoint says is refused: acknowledged records are gone.
/// - **Rotation.** A new file is started when the current one reaches
///   ``Options/maximumFileBytes`` or, with ``Options/rotatesDaily``, when a record's UTC day is
///   not its first record's. The chain continues across files.
///
/// One writer per directory: the directory is locked (`flock`) while a writer has it open.
public final class AuditTrail: @unchecked Sendable {
    // @unchecked: the file state below is touched only under `writerLock`, which the group
    // commit's leader holds while it writes a batch and erasure or pruning while they rewrite.
    private let group = GroupCommit<Sealed, AuditError?>()
    private let writerLock = NSLock()

    /// The directory the trail is in.
    public let directory: String
    /// How the writer rotates files.
    public let options: Options
    let key: AuditKey
    private let lockDescriptor: Int32
    private let checkpointDescriptor: Int32
    private var checkpointSlot = 0
    private var fileDescriptor: Int32 = -1
    private var fileName = ""
    private var fileBytes = 0
    private var fileDay = Int.min
    private var lastSeq = 0
    private var lastMAC = AuditChain.genesis
    private var failure: AuditError?

    /// How files are rotated.
    public struct Options: Sendable {
        /// A file is closed once it holds this many bytes (64 MiB by default).
        public var maximumFileBytes: Int
        /// Whether a record of a new UTC day starts a new file (true by default).
        public var rotatesDaily: Bool

        /// The defaults: 64 MiB, daily.
        public init(maximumFileBytes: Int = 64 << 20, rotatesDaily: Bool = true) {
            self.maximumFileBytes = max(1, maximumFileBytes)
            self.rotatesDaily = rotatesDaily
        }
    }

    /// Opens (or starts) the trail in `directory`.
    /// - Parameters:
    ///   - clock: seconds since the epoch, for the time of a repair record.
    ///   - warn: told about repairs (a torn tail truncated).
    /// - Throws: ``AuditError``: the directory cannot be used or is locked by another writer
    ///   (`io`); the newest record or the checkpoint does not verify under `key`, or records the
    ///   checkpoint vouches for are gone (`tampered`, `badKey`).
    public init(directory: String, key: AuditKey, options: Options = Options(),
                clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) },
                warn: @escaping @Sendable (String) -> Void = { _ in }) throws(AuditError) {
        self.directory = directory
        self.key = key
        self.options = options
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        lockDescriptor = open(directory + "/audit.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockDescriptor >= 0 else { throw AuditError(.io, "cannot open `\(directory)/audit.lock`: \(POSIXFile.lastError)") }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(lockDescriptor)
            throw AuditError(.io, "`\(directory)` is in use by another audit writer (one writer per directory)")
        }
        checkpointDescriptor = open(directory + "/" + AuditCheckpoint.fileName, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard checkpointDescriptor >= 0 else {
            close(lockDescriptor)
            throw AuditError(.io, "cannot open `\(directory)/\(AuditCheckpoint.fileName)`: \(POSIXFile.lastError)")
        }
        do {
            let repaired = try resume(warn: warn)
            if let repaired {
                let entry = AuditEntry(fields: [
                    .init("kind", .string("repair")), .init("file", .string(repaired.file)),
                    .init("truncated_bytes", .integer(repaired.bytes)), .init("offset", .integer(repaired.offset)),
                ], time: clock())
                try write([try Sealed(entry, key: key)])
            }
        } catch {
            closeAll()
            throw error
        }
    }

    deinit { closeAll() }

    private func closeAll() {
        if fileDescriptor >= 0 { close(fileDescriptor) }
        close(checkpointDescriptor)
        close(lockDescriptor)
    }

    /// The names of a trail's record files in `directory`, in chain order (none when it holds no trail).
    public static func fileNames(in directory: String) throws(AuditError) -> [String] {
        try AuditFiles.list(directory)
    }

    /// The `seq` of the newest record (0 for an empty trail).
    public var newestSeq: Int {
        writerLock.lock()
        defer { writerLock.unlock() }
        return lastSeq
    }

    /// Appends one record; returns once it is on disk.
    /// - Throws: ``AuditError`` when it could not be written: the caller must not act as if it were.
    public func append(_ entry: AuditEntry) throws(AuditError) {
        // Written and digested here, in the caller's thread: the writer only chains it.
        let sealed = Sealed(time: entry.time, body: try AuditChain.seal(entry.fields, key: key))
        let failure = group.perform(sealed) { batch in
            writerLock.lock()
            defer { writerLock.unlock() }
            do throws(AuditError) {
                try write(batch)
                return batch.map { _ in nil }
            } catch {
                return batch.map { _ in error }
            }
        }
        if let failure { throw failure }
    }

    /// A record written and digested, waiting for its place in the chain.
    struct Sealed: Sendable {
        let time: Int
        let body: AuditChain.SealedBody

        init(time: Int, body: AuditChain.SealedBody) {
            self.time = time
            self.body = body
        }

        init(_ entry: AuditEntry, key: AuditKey) throws(AuditError) {
            self.init(time: entry.time, body: try AuditChain.seal(entry.fields, key: key))
        }
    }

    // MARK: Writing (one writer at a time)

    /// Runs `body` as the writer: appends wait until it is done. For operations that rewrite
    /// the trail's files (erasure).
    func exclusively<Result>(_ body: () throws(AuditError) -> Result) throws(AuditError) -> Result {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try body()
    }

    /// Appends one record while already the writer (inside ``exclusively(_:)``); returns its `seq`.
    func appendHoldingWriter(_ entry: AuditEntry) throws(AuditError) -> Int {
        try write([try Sealed(entry, key: key)])
        return lastSeq
    }

    /// Replaces a file of the trail by `bytes`, atomically: written aside, synced, renamed over
    /// it, the directory synced. Called as the writer; the current file is reopened if it was it.
    func replaceFile(_ name: String, with bytes: [UInt8]) throws(AuditError) {
        let path = directory + "/" + name
        if let problem = POSIXFile.replace(path, with: bytes, asideSuffix: AuditTrail.asideSuffix) { throw AuditError(.io, problem) }
        if name == fileName, fileDescriptor >= 0 {
            close(fileDescriptor)
            fileDescriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard fileDescriptor >= 0 else {
                let error = AuditError(.io, "cannot reopen `\(path)`: \(POSIXFile.lastError)")
                failure = error
                throw error
            }
            fileBytes = bytes.count
        }
    }

    /// What a file being rewritten is called until it is renamed into place.
    static let asideSuffix = ".rewriting"

    /// Chains and writes a batch, syncs it, then the checkpoint.
    private func write(_ entries: [Sealed]) throws(AuditError) {
        if let failure { throw AuditError(failure.kind, "the audit trail stopped after an earlier failure (\(failure.message)); reopen it") }
        do {
            var pending: [UInt8] = []
            for entry in entries {
                let day = Timestamp.floorDivide(entry.time, 86_400)
                if fileDescriptor < 0 || fileBytes + pending.count >= options.maximumFileBytes
                    || (options.rotatesDaily && day != fileDay && fileBytes + pending.count > 0) {
                    try flush(&pending)
                    try startFile(firstSeq: lastSeq + 1, day: day)
                }
                if fileBytes + pending.count == 0 { fileDay = day }
                let seq = lastSeq + 1
                let mac = try AuditChain.mac(seq: seq, prev: lastMAC, kid: key.id, digester: entry.body.digester, key: key)
                AuditChain.line(seq: seq, prev: lastMAC, kid: key.id, mac: mac, body: entry.body, into: &pending)
                lastSeq = seq
                lastMAC = mac
            }
            try flush(&pending)
            try writeCheckpoint()
        } catch {
            failure = error
            throw error
        }
    }

    /// Writes and syncs what is pending to the current file.
    private func flush(_ pending: inout [UInt8]) throws(AuditError) {
        guard !pending.isEmpty else { return }
        guard POSIXFile.write(pending, to: fileDescriptor, at: fileBytes) else {
            throw AuditError(.io, "cannot write `\(directory)/\(fileName)`: \(POSIXFile.lastError)")
        }
        guard fdatasync(fileDescriptor) == 0 else {
            throw AuditError(.io, "cannot sync `\(directory)/\(fileName)`: \(POSIXFile.lastError)")
        }
        fileBytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Closes the current file and starts the next one.
    private func startFile(firstSeq: Int, day: Int) throws(AuditError) {
        if fileDescriptor >= 0 { close(fileDescriptor) }
        fileName = AuditFiles.name(firstSeq: firstSeq)
        fileDescriptor = open(directory + "/" + fileName, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fileDescriptor >= 0 else { throw AuditError(.io, "cannot create `\(directory)/\(fileName)`: \(POSIXFile.lastError)") }
        POSIXFile.syncDirectory(directory)
        fileBytes = 0
        fileDay = day
    }

    /// Writes the checkpoint's other slot and syncs it.
    private func writeCheckpoint() throws(AuditError) {
        let slot = AuditCheckpoint(seq: lastSeq, mac: lastMAC, file: fileName, kid: key.id).slot(key: key)
        guard POSIXFile.write(slot, to: checkpointDescriptor, at: checkpointSlot * AuditCheckpoint.slotBytes),
              fdatasync(checkpointDescriptor) == 0 else {
            throw AuditError(.io, "cannot write `\(directory)/\(AuditCheckpoint.fileName)`: \(POSIXFile.lastError)")
        }
        checkpointSlot = 1 - checkpointSlot
    }

    // MARK: Opening

    /// Finds where the trail ends and continues it there: the newest file's last whole record.
    /// Returns what a torn tail repair truncated, if anything.
    private func resume(warn: (String) -> Void) throws(AuditError) -> (file: String, bytes: Int, offset: Int)? {
        let checkpoint = try AuditCheckpoint.read(directory: directory, keys: [key])
        // A rewrite a crash interrupted before its rename: the file it was to replace is whole.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(AuditTrail.asideSuffix) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        var files = try AuditFiles.list(directory)
        var repaired: (file: String, bytes: Int, offset: Int)?
        // The newest file that holds a record (a file created just before a crash may be empty).
        while let newest = files.last {
            let path = directory + "/" + newest
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0, let size = POSIXFile.size(descriptor), let bytes = POSIXFile.read(descriptor, at: 0, count: size) else {
                if descriptor >= 0 { close(descriptor) }
                throw AuditError(.io, "cannot read `\(path)`: \(POSIXFile.lastError)")
            }
            var end = bytes.count
            while end > 0, bytes[end - 1] != 0x0A { end -= 1 }
            if end == 0 {
                // A file created just before a crash, with no whole record: it holds nothing, and
                // the next file the trail starts may need its name — unless the checkpoint
                // vouches for records in it (then they were cut, and nothing is touched).
                close(descriptor)
                if let checkpoint, checkpoint.file == newest, checkpoint.seq > 0 {
                    throw AuditError(.tampered, "`\(path)`: the checkpoint vouches for seq \(checkpoint.seq) in this file, which holds no whole record; run `policyc audit verify`")
                }
                files.removeLast()
                guard unlink(path) == 0 else { throw AuditError(.io, "cannot remove the empty `\(path)`: \(POSIXFile.lastError)") }
                POSIXFile.syncDirectory(directory)
                continue
            }
            var start = end - 1
            while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
            let chain: AuditLineScanner.Line
            let expected: String
            do {
                (chain, expected) = try bytes.withUnsafeBufferPointer { (all: UnsafeBufferPointer<UInt8>) throws(AuditError) in
                    let line = UnsafeBufferPointer(rebasing: all[start..<(end - 1)])
                    guard let scanned = try? AuditLineScanner.read(line) else {
                        throw AuditError(.tampered, "`\(path)`: its last line is not an audit record; run `policyc audit verify`")
                    }
                    guard scanned.kid == key.id else {
                        throw AuditError(.badKey, "`\(path)`: the newest record was written with key id \(scanned.kid), not this key's (\(key.id))")
                    }
                    return (scanned, try AuditChain.expectedMAC(scanned, bytes: line, key: key))
                }
            } catch {
                close(descriptor)
                throw error
            }
            guard expected == chain.mac else {
                close(descriptor)
                throw AuditError(.tampered, "`\(path)`: the newest record (seq \(chain.seq)) does not verify; run `policyc audit verify`")
            }
            guard let checkpoint else {
                close(descriptor)
                throw AuditError(.tampered, "`\(directory)`: records without a checkpoint (it was deleted); run `policyc audit verify`")
            }
            if checkpoint.seq > chain.seq || (checkpoint.seq == chain.seq && checkpoint.mac != chain.mac) {
                close(descriptor)
                throw AuditError(.tampered, "`\(directory)`: the checkpoint vouches for seq \(checkpoint.seq) but the trail ends at seq \(chain.seq): acknowledged records are missing; run `policyc audit verify`")
            }
            // Only now, with every acknowledged record accounted for, is a partial last line cut.
            if end < bytes.count {
                guard ftruncate(descriptor, off_t(end)) == 0, fdatasync(descriptor) == 0 else {
                    close(descriptor)
                    throw AuditError(.io, "cannot truncate the torn tail of `\(path)`: \(POSIXFile.lastError)")
                }
                warn("audit file `\(path)`: \(bytes.count - end) bytes at offset \(end) are a record cut short by a crash (never acknowledged); truncated, and a repair record says so")
                repaired = (newest, bytes.count - end, end)
            }
            fileDescriptor = descriptor
            fileName = newest
            fileBytes = end
            lastSeq = chain.seq
            lastMAC = chain.mac
            // The day of the file's first record, for daily rotation.
            var firstEnd = 0
            while firstEnd < end, bytes[firstEnd] != 0x0A { firstEnd += 1 }
            fileDay = AuditTrail.day(ofLine: bytes[0..<firstEnd]) ?? Int.min
            return repaired
        }
        if let checkpoint, checkpoint.seq > 0 {
            throw AuditError(.tampered, "`\(directory)`: the checkpoint vouches for seq \(checkpoint.seq) but there are no records; run `policyc audit verify`")
        }
        if checkpoint == nil {
            // A new trail: a checkpoint from the start, so that records without one are deletion.
            try writeCheckpoint()
        }
        return repaired
    }

    /// The UTC day of a record line's `time`.
    static func day(ofLine line: ArraySlice<UInt8>) -> Int? {
        time(ofLine: line).map { Timestamp.floorDivide($0, 86_400) }
    }
}

extension AuditTrail {
    /// Records a decision and returns what may be given: the decision, once its record is on
    /// disk. When the record cannot be written, the decision is denied with `audit_unavailable`
    /// — or, when the policy says `audit { fail_open true }`, given as decided — and the failure
    /// is returned too, for the gateway to log: the trail never stops silently.
    public func record(_ decision: Decision, for request: Request, audit: CompiledAudit, time: Int,
                       storageEncrypted: Bool = false) -> (decision: Decision, failure: AuditError?) {
        do {
            try append(AuditEntry(request: request, decision: decision, audit: audit, time: time, key: key,
                                  storageEncrypted: storageEncrypted))
            return (decision, nil)
        } catch {
            guard !audit.failOpen else { return (decision, error) }
            var denied = decision
            denied.outcome = .deny
            denied.reasons.append(Reason(code: .auditUnavailable, rule: "audit",
                                         message: "the audit trail could not record this decision (\(error.message)); auditing fails closed",
                                         source: ""))
            return (denied, error)
        }
    }
}
