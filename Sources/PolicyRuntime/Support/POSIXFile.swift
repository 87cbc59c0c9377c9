import Foundation

/// Whole reads and writes on file descriptors: the loops around `pwrite`/`pread` that partial
/// transfers and `EINTR` need, written once for the stores and the audit trail.
enum POSIXFile {
    /// Writes all of `bytes` at `offset`; false when the system refused (errno says why).
    static func write(_ bytes: [UInt8], to descriptor: Int32, at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += result
        }
        return true
    }

    /// Reads up to `count` bytes at `offset` (fewer at the end of the file); nil on an error.
    static func read(_ descriptor: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if result < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if result == 0 { break }
            done += result
        }
        if done < count { bytes.removeLast(count - done) }
        return bytes
    }

    /// The whole file at `path`, read into one buffer (no second copy); nil when it cannot be
    /// opened or read, or is not a regular file.
    static func readWhole(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return read(descriptor, at: 0, count: Int(status.st_size))
    }

    /// The size of an open file, or nil.
    static func size(_ descriptor: Int32) -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// Replaces `path` by `bytes` atomically and durably: written beside it (`path` + `asideSuffix`),
    /// synced, renamed over it, and the directory synced. A crash leaves the old file or the new
    /// one, never part of either. Returns what failed, or nil.
    static func replace(_ path: String, with bytes: [UInt8], asideSuffix: String) -> String? {
        let aside = path + asideSuffix
        let descriptor = open(aside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return "cannot write `\(aside)`: \(lastError)" }
        guard write(bytes, to: descriptor, at: 0), fsync(descriptor) == 0 else {
            let message = "cannot write `\(aside)`: \(lastError)"
            close(descriptor)
            return message
        }
        close(descriptor)
        guard rename(aside, path) == 0 else { return "cannot replace `\(path)`: \(lastError)" }
        syncDirectory((path as NSString).deletingLastPathComponent)
        return nil
    }

    /// Makes a directory's entries (a file created or renamed in it) durable.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            close(descriptor)
        }
    }

    /// The system's message for the current `errno`.
    static var lastError: String { String(cString: strerror(errno)) }
}
