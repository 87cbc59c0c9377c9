import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The durable store's directory: `usage.log` (the append-only log), `usage.snapshot` (the
/// latest snapshot) and `usage.lock` (the lock a process holds while it catches up and writes;
/// reports read without it).
///
/// Not thread-safe: one thread at a time, holding ``lock()``. Every method that reads records
/// checks them: a bad record with good records after it is corruption (refused with its offset,
/// never skipped); bad bytes at the very end are a write that a crash cut short, truncated with a
/// warning.
final class UsageLogFile {
    let directory: String
    private let logDescriptor: Int32
    private let lockDescriptor: Int32
    private let warn: @Sendable (String) -> Void

    /// The log's name in the directory.
    static let logName = "usage.log"
    /// The snapshot's name in the directory.
    static let snapshotName = "usage.snapshot"
    /// The lock file's name in the directory.
    static let lockName = "usage.lock"

    /// Opens (creating if needed) the store's directory and files.
    init(directory: String, lockTimeout: Double = UsageLogFile.defaultLockTimeout,
         warn: @escaping @Sendable (String) -> Void) throws(UsageStoreError) {
        self.directory = directory
        self.lockTimeout = lockTimeout
        self.warn = warn
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw UsageStoreError("cannot create the usage directory `\(directory)`: \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw UsageStoreError("`\(directory)` is not a directory")
        }
        lockDescriptor = open(directory + "/" + UsageLogFile.lockName, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockDescriptor >= 0 else { throw UsageLogFile.failure("cannot open", UsageLogFile.lockName, in: directory) }
        logDescriptor = open(directory + "/" + UsageLogFile.logName, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard logDescriptor >= 0 else {
            let error = UsageLogFile.failure("cannot open", UsageLogFile.logName, in: directory)
            close(lockDescriptor)
            throw error
        }
    }

    /// Opens an existing store's log for reading only: no file is created, and ``lock()`` and
    /// every write fail.
    init(readingDirectory directory: String) throws(UsageStoreError) {
        self.directory = directory
        self.lockTimeout = 0
        self.warn = { _ in }
        lockDescriptor = -1
        logDescriptor = open(directory + "/" + UsageLogFile.logName, O_RDONLY | O_CLOEXEC)
        guard logDescriptor >= 0 else {
            throw UsageStoreError("no usage store in `\(directory)`: cannot read `\(UsageLogFile.logName)` (\(String(cString: strerror(errno)).lowercased()))")
        }
    }

    deinit {
        close(logDescriptor)
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    private static func failure(_ what: String, _ name: String, in directory: String) -> UsageStoreError {
        // Messages are lower-case: "no space left on device".
        let reason = String(cString: strerror(errno))
        return UsageStoreError("\(what) `\(directory)/\(name)`: \(reason.prefix(1).lowercased() + reason.dropFirst())")
    }

    /// How long to wait for the directory's lock before failing (closed): a process stopped
    /// while it holds the lock must not stall every gateway on the host.
    static let defaultLockTimeout = 10.0

    /// This directory's wait for the lock, in seconds.
    let lockTimeout: Double

    /// Takes the directory's lock: other processes (and other stores in this one) wait, for at
    /// most ``lockTimeout`` seconds (``defaultLockTimeout`` unless the store says otherwise).
    func lock() throws(UsageStoreError) {
        guard lockDescriptor >= 0 else { throw UsageStoreError("`\(directory)` was opened for reading only") }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(lockTimeout * 1e9)
        var pause: UInt32 = 50
        while flock(lockDescriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw UsageLogFile.failure("cannot lock", UsageLogFile.lockName, in: directory)
            }
            guard DispatchTime.now().uptimeNanoseconds < deadline else {
                throw UsageStoreError("`\(directory)/\(UsageLogFile.lockName)` has been locked by another process for \(lockTimeout) s")
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
    }

    /// Releases the lock.
    func unlock() {
        _ = flock(lockDescriptor, LOCK_UN)
    }

    /// The log's size in bytes.
    func size() throws(UsageStoreError) -> Int {
        var status = stat()
        guard fstat(logDescriptor, &status) == 0 else { throw UsageLogFile.failure("cannot read the size of", UsageLogFile.logName, in: directory) }
        return Int(status.st_size)
    }

    /// Checks that the log starts with the header; returns the offset of the first operation.
    func checkHeader() throws(UsageStoreError) -> Int {
        let start = try read(from: 0, count: min(try size(), 256))
        guard start.starts(with: UsageLogCodec.header) else {
            throw UsageStoreError("`\(directory)/\(UsageLogFile.logName)` is not a PolicyLang usage log (its first record is not the header); refusing to use it")
        }
        return UsageLogCodec.header.count
    }

    /// Writes the header into an empty log; checks it in one that has records. Returns the
    /// offset of the first operation.
    func prepare() throws(UsageStoreError) -> Int {
        if try size() == 0 {
            try append(UsageLogCodec.header, at: 0)
            try sync()
            // The new file's name is durable once the directory is.
            POSIXFile.syncDirectory(directory)
            return UsageLogCodec.header.count
        }
        return try checkHeader()
    }

    /// Writes `bytes` at `offset` (the log's end), all of them or an error.
    func append(_ bytes: [UInt8], at offset: Int) throws(UsageStoreError) {
        guard POSIXFile.write(bytes, to: logDescriptor, at: offset) else {
            throw UsageLogFile.failure("cannot write to", UsageLogFile.logName, in: directory)
        }
    }

    /// Makes what was written durable (the data and the file's size).
    func sync() throws(UsageStoreError) {
        guard fdatasync(logDescriptor) == 0 else { throw UsageLogFile.failure("cannot sync", UsageLogFile.logName, in: directory) }
    }

    /// Cuts the log back to `offset`: a write that failed, or a torn tail.
    func truncate(to offset: Int) throws(UsageStoreError) {
        guard ftruncate(logDescriptor, off_t(offset)) == 0 else {
            throw UsageLogFile.failure("cannot truncate", UsageLogFile.logName, in: directory)
        }
        try sync()
    }

    private func read(from offset: Int, count: Int) throws(UsageStoreError) -> [UInt8] {
        guard let bytes = POSIXFile.read(logDescriptor, at: offset, count: count) else {
            throw UsageLogFile.failure("cannot read", UsageLogFile.logName, in: directory)
        }
        return bytes
    }

    /// Reads the operations from `offset` to the log's end, calling `body` with each in order,
    /// and returns the offset after the last good one. A torn tail is truncated (with a warning)
    /// when `repair` is set (the caller holds the lock), else left for a writer to repair.
    func readOperations(from offset: Int, repair: Bool, _ body: (UsageLogCodec.Operation) -> Void) throws(UsageStoreError) -> Int {
        let end = try size()
        guard end > offset else { return offset }
        let bytes = try read(from: offset, count: end - offset)
        var position = 0
        while position < bytes.count {
            let newline = bytes[position...].firstIndex(of: 0x0A)
            let lineEnd = newline ?? bytes.count
            if newline != nil, let value = UsageLogCodec.value(ofLine: bytes[position..<lineEnd]) {
                guard let operation = UsageLogCodec.operation(value) else {
                    throw UsageStoreError("`\(directory)/\(UsageLogFile.logName)` has a record it does not know at offset \(offset + position); refusing to use it")
                }
                body(operation)
                position = lineEnd + 1
                continue
            }
            // A bad record: the tail that a crash cut short — a line with no line feed, since a
            // record is written whole before it is synced — or else corruption: a complete line
            // that fails its checksum, or good records after it.
            if newline != nil || UsageLogFile.containsGoodRecord(bytes[min(bytes.count, lineEnd + 1)...]) {
                throw UsageStoreError("`\(directory)/\(UsageLogFile.logName)` is corrupt at offset \(offset + position) (a record fails its checksum and good records follow); refusing to use it")
            }
            if repair {
                warn("usage log `\(directory)/\(UsageLogFile.logName)`: \(bytes.count - position) bytes at offset \(offset + position) are a write cut short by a crash; truncated")
                try truncate(to: offset + position)
            }
            return offset + position
        }
        return offset + position
    }

    private static func containsGoodRecord(_ bytes: ArraySlice<UInt8>) -> Bool {
        var position = bytes.startIndex
        while position < bytes.endIndex {
            guard let newline = bytes[position...].firstIndex(of: 0x0A) else { return false }
            if UsageLogCodec.value(ofLine: bytes[position..<newline]) != nil { return true }
            position = newline + 1
        }
        return false
    }

    /// The snapshot, when there is one that reads; a damaged one is reported and ignored (the
    /// log alone gives the same ledger).
    func readSnapshot() -> (ledger: UsageLedger, logOffset: Int)? {
        let path = directory + "/" + UsageLogFile.snapshotName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.last == 0x0A, let value = UsageLogCodec.value(ofLine: bytes[..<(bytes.count - 1)]),
              let snapshot = UsageLogCodec.ledger(fromSnapshot: value) else {
            warn("usage snapshot `\(path)` is damaged; replaying the whole log instead")
            return nil
        }
        return snapshot
    }

    /// Writes a snapshot beside the old one and renames it into place, so a crash leaves one or
    /// the other whole.
    func writeSnapshot(_ ledger: UsageLedger, logOffset: Int) throws(UsageStoreError) {
        let path = directory + "/" + UsageLogFile.snapshotName
        if POSIXFile.replace(path, with: UsageLogCodec.snapshot(ledger, logOffset: logOffset), asideSuffix: ".tmp") != nil {
            throw UsageLogFile.failure("cannot install", UsageLogFile.snapshotName, in: directory)
        }
    }
}
