import Foundation

/// Where the compiler reads source files from: the disk, or memory in tests.
public protocol SourceReader: Sendable {
    /// The bytes of the file at `path`, refusing files over ``Limits/maxFileBytes``.
    func read(_ path: String) -> Result<[UInt8], SourceReadError>
}

/// Why a source file could not be read.
public enum SourceReadError: Error, Equatable, Sendable {
    /// No such file.
    case notFound
    /// A directory, not a file.
    case isDirectory
    /// Larger than the limit; carries the size.
    case tooLarge(Int)
    /// Any other I/O failure.
    case unreadable(String)

    /// One line for people.
    public var message: String {
        switch self {
        case .notFound: return "no such file"
        case .isDirectory: return "is a directory"
        case .tooLarge(let size): return "file is \(size) bytes; the limit is \(Limits.maxFileBytes) bytes"
        case .unreadable(let reason): return reason
        }
    }
}

/// Reads files from disk, checking the size before reading so a huge file is never loaded.
public struct DiskSourceReader: SourceReader {
    /// Directory that relative paths are resolved against; nil for the working directory.
    public var base: String?

    /// Creates a reader; relative paths resolve against `base` when given, so that tools and
    /// tests can show short paths in messages whatever the working directory.
    public init(base: String? = nil) {
        self.base = base
    }

    /// Reads one file.
    public func read(_ displayPath: String) -> Result<[UInt8], SourceReadError> {
        let path = base.map { displayPath.hasPrefix("/") ? displayPath : $0 + "/" + displayPath } ?? displayPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.notFound) }
        if isDirectory.boolValue { return .failure(.isDirectory) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable("permission denied")) }
        defer { try? handle.close() }
        do {
            // Read one byte past the limit: enough to know the file is too large without loading it.
            let data = try handle.read(upToCount: Limits.maxFileBytes + 1) ?? Data()
            if data.count > Limits.maxFileBytes {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? data.count
                return .failure(.tooLarge(size))
            }
            return .success([UInt8](data))
        } catch {
            return .failure(.unreadable(error.localizedDescription))
        }
    }
}

/// Files held in memory, for tests and tools that compile generated text.
public struct MemorySourceReader: SourceReader {
    /// Path → contents.
    public var files: [String: String]

    /// Creates a reader over the given files.
    public init(_ files: [String: String]) {
        self.files = files
    }

    /// Reads one file.
    public func read(_ path: String) -> Result<[UInt8], SourceReadError> {
        guard let text = files[path] else { return .failure(.notFound) }
        let bytes = Array(text.utf8)
        return bytes.count > Limits.maxFileBytes ? .failure(.tooLarge(bytes.count)) : .success(bytes)
    }
}
