import Foundation
import PolicyRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from a file descriptor in 64 KiB chunks, so a million-line input is never held
/// in memory. Lines longer than `maxLineBytes` are reported as too long and skipped without
/// being buffered whole.
struct LineReader {
    /// One line, or the fact that it was too long.
    enum Line {
        case bytes([UInt8])
        case tooLong(Int)
    }

    let descriptor: Int32
    let maxLineBytes: Int
    /// Flushed before every read that may block, so a caller answering line by line (a
    /// coprocess) gets each answer before it sends the next request.
    let output: OutputBuffer?
    /// The error of a read that failed (not the end of the input), as `errno`.
    private(set) var readError: Int32?
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var start = 0
    private var end = 0
    private var finished = false
    /// The line being assembled; its storage is reused from one line to the next.
    private var line: [UInt8] = []

    init(descriptor: Int32, maxLineBytes: Int, flushing output: OutputBuffer? = nil) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        self.output = output
    }

    /// The next line without its newline (a final line without one counts), or nil at the end.
    mutating func next() -> Line? {
        line.removeAll(keepingCapacity: true)
        var length = 0
        var overflowed = false
        while true {
            if start == end {
                if finished { return length > 0 || overflowed ? finish(line, length, overflowed) : nil }
                refill()
                continue
            }
            // memchr finds the newline with the C library's vectorised search.
            let newline: Int? = buffer.withUnsafeBytes { raw in
                memchr(raw.baseAddress! + start, 0x0A, end - start).map { UnsafeRawPointer($0) - raw.baseAddress! }
            }
            if let newline {
                append(&length, &overflowed, buffer[start..<newline])
                start = newline + 1
                return finish(line, length, overflowed)
            }
            append(&length, &overflowed, buffer[start..<end])
            start = end
        }
    }

    /// Everything left in the input, or nil when it is over `limit` bytes (the rest is then
    /// drained unread, so the caller can report the size and stop).
    mutating func readAll(limit: Int) -> [UInt8]? {
        var all: [UInt8] = []
        var overflowed = false
        while true {
            if start == end {
                if finished { return overflowed ? nil : all }
                refill()
                continue
            }
            if !overflowed {
                if all.count + (end - start) > limit {
                    overflowed = true
                    all = []
                } else {
                    all.append(contentsOf: buffer[start..<end])
                }
            }
            start = end
        }
    }

    private func finish(_ line: [UInt8], _ length: Int, _ overflowed: Bool) -> Line {
        if overflowed { return .tooLong(length) }
        if line.last == 0x0D { return .bytes(Array(line.dropLast())) }
        return .bytes(line)
    }

    private mutating func append(_ length: inout Int, _ overflowed: inout Bool, _ bytes: ArraySlice<UInt8>) {
        length += bytes.count
        if length > maxLineBytes {
            overflowed = true
            line = []
        } else if !overflowed {
            line.append(contentsOf: bytes)
        }
    }

    private mutating func refill() {
        start = 0
        output?.flush()
        let count = buffer.withUnsafeMutableBytes { raw in
            var result: Int
            repeat { result = read(descriptor, raw.baseAddress, raw.count) } while result < 0 && errno == EINTR
            return result
        }
        if count < 0 { readError = errno }
        if count <= 0 {
            end = 0
            finished = true
        } else {
            end = count
        }
    }
}

/// Buffered writes to standard output, flushed in 64 KiB blocks, before the input is read again
/// and at the end. A class, so that the line reader can flush it before it blocks.
final class OutputBuffer {
    private var bytes: [UInt8] = []
    /// The error of a write that failed, as `errno`; nothing more is written after one.
    private(set) var writeError: Int32?

    init() {
        bytes.reserveCapacity(1 << 17)
    }

    func append(_ line: [UInt8]) {
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        if bytes.count >= 1 << 16 { flush() }
    }

    /// Writes a decision line straight into the buffer.
    func append(_ decision: Decision) {
        decision.writeJSON(into: &bytes)
        bytes.append(0x0A)
        if bytes.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !bytes.isEmpty else { return }
        var offset = 0
        if writeError == nil {
            bytes.withUnsafeBytes { raw in
                while offset < raw.count {
                    let written = write(1, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        writeError = errno
                        return
                    }
                    offset += written
                }
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
