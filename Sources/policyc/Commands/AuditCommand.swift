import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc audit verify [--audit-key FILE]… DIR|FILES…`: checks the audit trail's chain;
/// `policyc audit erase --user ID [--audit-key FILE] DIR`: erases a user from it;
/// `policyc audit prune --policy FILE [--audit-key FILE] DIR`: applies the retention periods.
enum AuditCommand: Command {
    static let name = "audit"
    static let summary = "verify the tamper-evident audit trail `eval --audit` writes, erase a user, prune by retention"
    static let usage = "policyc audit verify [--audit-key FILE]… DIR|FILE…\n       policyc audit erase --user ID [--audit-key FILE] DIR\n       policyc audit prune --policy FILE [--audit-key FILE] DIR"
    static let details = """
        verify checks every record of the trail: its MAC (HMAC-SHA256 under the audit key), that
        each `prev` is the MAC of the record before it and each `seq` the next number, and, for a
        directory, that the trail reaches the checkpoint, so that records cut off the end are
        found. It names the first bad record by file, line and seq. FILEs are read in the order
        given, the first starting the trail (seq 1), without a checkpoint.

        erase (GDPR's right to erasure) replaces, in every record whose `user` is ID, the
        identity fields (user, session, IP address, user agent, files) and the kept text (prompt,
        response and their digests) by their keyed digests: each record keeps its place and the
        chain still verifies. Each changed file is written aside and renamed into place; run it
        again after a crash to finish. It then checks that no field of any record still holds
        ID, and appends a receipt to the trail (the subject as a keyed digest, never the id),
        which it prints as JSON. It runs as the trail's writer: a gateway appending to the same
        trail in the same process waits; another process must not hold the trail open.

        prune applies the policy's retention block: records older than `prompts` lose their
        prompt, older than `responses` their response (as erase does: the chain still verifies);
        whole files whose every record is older than `audit_logs` are deleted from the start of
        the trail, once a sealed anchor (audit.anchor) says where the trail now starts. It
        appends a receipt and prints it as JSON.

        The key comes from --audit-key FILE (give it more than once for a trail written across a
        key rotation: each record names its key's id) or from the file the environment variable
        \(AuditKey.environmentVariable) names. docs/audit.md describes the records and the chain.

        exit status (verify): 0 the chain is whole, 1 it is not (a record was modified, deleted,
        inserted, reordered or truncated), 2 usage error, a missing or wrong key, or input that
        is not an audit trail (a line that is not JSON, a file that is not a record)
        exit status (prune): 0 pruned, 2 usage error, a policy, key or trail that cannot be used
        exit status (erase): 0 erased and checked, 1 the id is still found after erasing (in a
        field the trail does not erase; the message says where), 2 usage error, a key or trail
        that cannot be used
        """
    static let options = [
        OptionSpec("audit-key", value: "FILE", help: "the audit key (repeatable for verify); default: the file $\(AuditKey.environmentVariable) names"),
        OptionSpec("user", value: "ID", help: "erase: the user whose records are erased"),
        OptionSpec("policy", value: "FILE", help: "prune: the policy whose retention periods apply (.pol or compiled .json)"),
    ]
    /// The subcommands, in the order help lists them.
    static let subcommands = ["verify", "erase", "prune"]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        switch try subcommand(arguments, of: subcommands) {
        case "erase": return try erase(arguments)
        case "prune": return try prune(arguments)
        default: break
        }
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
            Output.out("audit verify: the chain is whole: \(report.records) records in \(report.files) files, seq \(report.firstSeq)…\(report.lastSeq)\n")
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

    /// The trail a command that rewrites it opens: the one directory given, with one key.
    static func openTrail(_ arguments: ParsedArguments, command: String) throws(CommandFailure) -> AuditTrail {
        let targets = Array(arguments.positionals.dropFirst())
        guard targets.count == 1 else { throw .usage("\(command): expected the trail's directory\n\(usage)") }
        let keys = try AuditCommand.keys(arguments, command: command, required: true)
        guard keys.count == 1 else { throw .usage("\(command): give one --audit-key: the trail's current key") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: targets[0], isDirectory: &isDirectory), isDirectory.boolValue,
              !((try? AuditTrail.fileNames(in: targets[0])) ?? []).isEmpty else {
            throw .usage("\(command): `\(targets[0])` holds no audit trail")
        }
        do {
            return try AuditTrail(directory: targets[0], key: keys[0], warn: { Output.err("\(command): warning: \($0)\n") })
        } catch {
            throw .usage("\(command): \(error.message)")
        }
    }

    /// `audit prune`.
    static func prune(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let command = "audit prune"
        guard let policyPath = arguments.value("policy") else { throw .usage("\(command): --policy FILE is required\n\(usage)") }
        let policy = try PolicyLoader.compiled(policyPath, command: command)
        let trail = try openTrail(arguments, command: command)
        do {
            let receipt = try trail.prune(retention: policy.retention, at: Int(Date().timeIntervalSince1970))
            Output.out(#"{"pruned":{"prompts_erased":\#(receipt.promptsErased),"responses_erased":\#(receipt.responsesErased),"files_deleted":\#(receipt.filesDeleted),"records_deleted":\#(receipt.recordsDeleted),"first_seq":\#(receipt.firstSeq),"receipt_seq":\#(receipt.receiptSeq)}}"# + "\n")
            return .success
        } catch {
            throw .usage("\(command): \(error.message)")
        }
    }

    /// `audit erase`.
    static func erase(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let command = "audit erase"
        guard let user = arguments.value("user"), !user.isEmpty else { throw .usage("\(command): --user ID is required\n\(usage)") }
        let trail = try openTrail(arguments, command: command)
        do {
            let receipt = try trail.erase(user: user, at: Int(Date().timeIntervalSince1970))
            Output.out(#"{"erased":{"subject":"\#(receipt.subject)","records_erased":\#(receipt.recordsErased),"files_rewritten":\#(receipt.filesRewritten),"records_checked":\#(receipt.recordsChecked),"receipt_seq":\#(receipt.receiptSeq)}}"# + "\n")
            return .success
        } catch {
            if error.kind == .tampered {
                Output.err("\(command): \(error.message)\n")
                return .policyErrors
            }
            throw .usage("\(command): \(error.message)")
        }
    }

    /// The options `eval` and `serve` take to record decisions; `--audit` says what the command
    /// does with the trail.
    static func writerOptions(audit help: String) -> [OptionSpec] {
        [
            OptionSpec("audit", value: "DIR", help: help),
            OptionSpec("audit-key", value: "FILE", help: "with --audit: the audit key; default: the file $\(AuditKey.environmentVariable) names"),
            OptionSpec("audit-storage-encrypted", help: "with --audit: DIR is on storage that encrypts at rest, so a policy with `audit { encrypt true }` may keep text"),
        ]
    }

    /// The trail `--audit DIR` names, opened for writing with its one `--audit-key` (required),
    /// or nil without `--audit`; `--audit-key` without `--audit` is a usage error. The one way
    /// `eval` and `serve` open a trail.
    static func openWriter(_ arguments: ParsedArguments, command: String, warn: @escaping @Sendable (String) -> Void) throws(CommandFailure) -> AuditTrail? {
        guard let directory = arguments.value("audit") else {
            if !arguments.values("audit-key").isEmpty { throw .usage("\(command): --audit-key needs --audit DIR") }
            return nil
        }
        // Required: never empty. A writer seals with one key.
        let keys = try AuditCommand.keys(arguments, command: command, required: true)
        guard keys.count == 1 else { throw .usage("\(command): give one --audit-key: the key the trail is written with") }
        do {
            return try AuditTrail(directory: directory, key: keys[0], warn: warn)
        } catch {
            throw .usage("\(command): cannot open the audit trail: \(error.message)")
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
