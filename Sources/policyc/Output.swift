import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing to standard output and error, terminal detection, and atomic file writes.
enum Output {
    /// Writes text to standard output.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes text to standard error.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether to colour output on `descriptor`: `--color always|never|auto`; auto means a
    /// terminal, `NO_COLOR` unset and `TERM` not `dumb`.
    static func useColor(_ setting: String?, descriptor: Int32) -> Bool {
        switch setting {
        case "always": return true
        case "never": return false
        default:
            let environment = ProcessInfo.processInfo.environment
            if environment["NO_COLOR"] != nil || environment["TERM"] == "dumb" { return false }
            return isatty(descriptor) != 0
        }
    }

    /// Writes `data` to a sibling temporary file, gives it the permissions of the file it
    /// replaces (if any), and renames it over `path`: a reader, or a crash, never sees a
    /// half-written file.
    static func writeAtomically(_ data: Data, to path: String) throws(CommandFailure) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: temporary)
            if let permissions = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] {
                try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, path) == 0 else {
                throw CommandFailure.usage("cannot replace `\(path)`: \(String(cString: strerror(errno)))")
            }
        } catch let failure as CommandFailure {
            try? FileManager.default.removeItem(at: temporary)
            throw failure
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .usage("cannot write `\(path)`: \(error.localizedDescription)")
        }
    }

    /// The whole of a file, or of standard input for `-`; an unreadable file is a usage error.
    static func readInput(_ path: String) throws(CommandFailure) -> [UInt8] {
        if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .usage("cannot read `\(path)`") }
        return [UInt8](data)
    }
}
