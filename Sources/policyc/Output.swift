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

    /// Writes `data` to `path` atomically: a temporary file in the same directory, then a
    /// rename, so readers never see a half-written file.
    static func writeAtomically(_ data: Data, to path: String) throws(CommandFailure) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .usage("cannot write `\(path)`: \(error.localizedDescription)")
        }
    }
}
