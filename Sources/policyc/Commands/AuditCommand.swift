import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc audit verify [--audit-key FILE]… DIR|FILES…`: checks the audit trail's chain.
enum AuditCommand: Command {
    static let name = "audit"
    static let summary = "verify the tamper-evident audit trail `eval --audit` writes"
    static let usage = "policyc audit verify [--audit-key FILE]… DIR|FILE…"
    static let details = """
        verify checks every record of the trail: its MAC (HMAC-SHA256 under the audit key), that
        each `prev` is the MAC of the record before it and each `seq` the next number, and, for a
        directory, that the trail reaches the checkpoint, so that records cut off the end are
        found. It names the first bad record by file, line and seq. FILEs are read in the order
        given, the first starting the trail (seq 1), without a checkpoint.

        The key comes from --audit-key FILE (give it more than once for a trail written across a
        key rotation: each record names its key's id) or from the file the environment variable
        \(AuditKey.environmentVariable) names. docs/audit.md describes the records and the chain.

        exit status: 0 the chain is whole, 1 it is not (a record was modified, deleted, inserted,
        reordered or truncated), 2 usage error, a missing or wrong key, or input that is not an
        audit trail (a line that is not JSON, a file that is not a record)
        """
    static let options = [
        OptionSpec("audit-key", value: "FILE", help: "the audit key (repeatable); default: the file $\(AuditKey.environmentVariable) names"),
    ]
    /// The subcommands, in the order help lists them.
    static let subcommands = ["verify"]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        _ = try subcommand(arguments, of: subcommands)
        let targets = Array(arguments.positionals.dropFirst())
        guard !targets.isEmpty else { throw .usage("audit verify: expected a directory or files\n\(usage)") }
        let keys = try AuditCommand.keys(arguments, command: "audit verify", required: true)
        do {
            let report: AuditVerifier.Report
            var isDirectory: ObjCBool = false
            if targets.count == 1, FileManager.default.fileExists(atPath: targets[0], isDirectory: &isDirectory), isDirectory.boolValue {
                report = try AuditVerifier.verify(directory: targets[0], keys: keys)
            } else {
                report = try AuditVerifier.verify(files: targets, keys: keys)
            }
            Output.out("audit verify: the chain is whole: \(report.records) records in \(report.files) files, seq 1…\(report.lastSeq)\n")
            return .success
        } catch {
            switch error.kind {
            case .tampered:
                Output.err("audit verify: \(error.message)\n")
                return .policyErrors
            case .badKey, .badInput, .io:
                throw .usage("audit verify: \(error.message)")
            }
        }
    }

    /// The audit keys: every --audit-key, else the file the environment names.
    static func keys(_ arguments: ParsedArguments, command: String, required: Bool) throws(CommandFailure) -> [AuditKey] {
        do throws(AuditError) {
            var keys: [AuditKey] = []
            for path in arguments.values("audit-key") { keys.append(try AuditKey(contentsOfFile: path)) }
            if keys.isEmpty, let key = try AuditKey.fromEnvironment() { keys = [key] }
            if keys.isEmpty, required {
                throw AuditError(.badKey, "an audit key is required: --audit-key FILE, or the file $\(AuditKey.environmentVariable) names")
            }
            return keys
        } catch {
            throw .usage("\(command): \(error.message)")
        }
    }
}
