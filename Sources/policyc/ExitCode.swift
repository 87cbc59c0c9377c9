/// Process exit codes, a contract CI pipelines depend on.
enum ExitCode: Int32 {
    /// Success.
    case success = 0
    /// The policy has errors (or warnings, under `--strict`).
    case policyErrors = 1
    /// Usage or I/O error: unknown flag, unreadable file, unloadable policy.
    case usage = 2
}

/// Thrown by commands to stop with a message on stderr and an exit code.
struct CommandFailure: Error {
    let message: String
    let code: ExitCode

    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, code: .usage) }
}
