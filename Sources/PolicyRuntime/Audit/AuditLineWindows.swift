import Dispatch
import Foundation

/// A trail file read a window of lines at a time, each window's lines worked on every core:
/// what `verify` and `report` share. A file is read whole (a trail rotates at 64 MiB by default);
/// the work on its lines is bounded by the window, however many lines it has, and a record's work
/// (its MAC, its fields) runs in parallel while the chain's order is still checked line by line
/// after.
enum AuditLineWindows {
    /// Lines in a window.
    static let windowLines = 16_384
    /// Lines one task takes at a time.
    private static let chunk = 2_048

    /// One window: where its lines start and end (at their line feed, or the file's end), and
    /// where the next window starts.
    struct Window {
        var starts: [Int]
        var ends: [Int]
        var end: Int
    }

    /// The window of up to ``windowLines`` lines from `position`.
    static func next(_ bytes: [UInt8], from position: Int) -> Window {
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(min(windowLines, 1_024))
        ends.reserveCapacity(min(windowLines, 1_024))
        var position = position
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            while position < all.count, starts.count < windowLines {
                starts.append(position)
                let found = memchr(base + position, 0x0A, all.count - position)
                let end = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? all.count
                ends.append(end)
                position = end + 1
            }
        }
        return Window(starts: starts, ends: ends, end: min(position, bytes.count))
    }

    /// Reads the file at `path` a window at a time: `extract` of each line (numbered from 1;
    /// `torn` when the file ends before its line feed) on every core, then `consume` of each, in
    /// order. The first error `consume` throws ends the read.
    /// - Returns: the file's size in bytes.
    static func read<Line>(_ path: String, extract: (_ line: UnsafeBufferPointer<UInt8>, _ torn: Bool, _ number: Int) -> Line,
                           consume: (_ line: Line, _ number: Int) throws(AuditError) -> Void) throws(AuditError) -> Int {
        guard let bytes = POSIXFile.readWhole(path) else { throw AuditError(.io, "cannot read `\(path)`") }
        var position = 0
        var number = 0
        while position < bytes.count {
            let window = next(bytes, from: position)
            let first = number + 1
            let lines = map(bytes, window) { line, torn, index in extract(line, torn, first + index) }
            position = window.end
            for line in lines {
                number += 1
                try consume(line, number)
            }
        }
        return bytes.count
    }

    /// `transform` of each line of `window` (without its line feed; `torn` when the file ends
    /// before one), in order, computed on every core.
    static func map<Result>(_ bytes: [UInt8], _ window: Window,
                            _ transform: (_ line: UnsafeBufferPointer<UInt8>, _ torn: Bool, _ index: Int) -> Result) -> [Result] {
        let starts = window.starts
        let ends = window.ends
        let count = starts.count
        return bytes.withUnsafeBufferPointer { all in
            [Result](unsafeUninitializedCapacity: count) { results, initialized in
                nonisolated(unsafe) let all = all
                nonisolated(unsafe) let results = results
                withoutActuallyEscaping(transform) { transform in
                    nonisolated(unsafe) let transform = transform
                    DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
                        for index in (part * chunk)..<min(count, (part + 1) * chunk) {
                            let end = ends[index]
                            (results.baseAddress! + index).initialize(to: transform(UnsafeBufferPointer(rebasing: all[starts[index]..<end]),
                                                                                    end == all.count, index))
                        }
                    }
                }
                initialized = count
            }
        }
    }
}
