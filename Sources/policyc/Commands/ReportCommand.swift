import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc report --audit DIR|FILE… [--policy FILE] [--from DATE] [--to DATE]
/// [--format json|md|html] [-o FILE]`: the compliance report over an audit trail.
enum ReportCommand: Command {
    static let name = "report"
    static let summary = "the compliance report over an audit trail: activity, cost, security events, evidence per control"
    static let usage = "policyc report --audit DIR|FILE… [--policy FILE] [--from DATE] [--to DATE] [--format json|md|html] "
        + "[--top N] [--audit-key FILE]… [-o FILE]"
    static let details = """
        report reads the audit trail `policyc eval --audit` (or a gateway) writes and reports the
        period: decisions by outcome over time, sessions, unique users, model usage, spend by
        user, team and model, security events by type, detections, alerts, file modifications,
        high-risk activity (risk above the policy's audit.high_risk_threshold, else 70%) and the
        policies in force. With --policy, also the evidence per compliance control: each control
        the policy declares, the rules, alerts and playbooks that implement it, and the
        decisions they took part in. docs/audit.md, "Reports", describes every section.

        --audit names a trail directory (read in chain order) or a file; more directories and
        files may follow as arguments (the files are one trail, in the order given).
        --from and --to are YYYY-MM-DD (midnight UTC) or RFC 3339 times; --to is excluded.
        Default: the \(ReportPeriod.defaultDays) days up to now.

        With a key (--audit-key, repeatable across a rotation, or the file
        $\(AuditKey.environmentVariable) names) each trail's chain is verified as it is read and a
        trail that does not verify is not reported (exit 1); a directory's end is checked against
        its checkpoint (files given alone have none). Without a key the report is made and says,
        on standard error and at its top, that the trail was not verified. A file may be given
        once (directly or in a directory).

        --format md (default) prints Markdown; json one object with every section (money in
        integer micro-dollars); html one self-contained page with inline SVG charts, readable
        offline, whose numbers are the JSON's. Ranked lists keep the first --top N rows (default
        \(defaultTop); 0 keeps all) and add up the rest in one row.

        exit status: 0 the report was written, 1 a trail failed verification (tampered), 2 usage
        error, a key, policy or trail that cannot be used, or a line that is not a record
        """
    static let options = [
        OptionSpec("audit", value: "DIR|FILE", help: "the audit trail's directory, or a trail file (more may follow as arguments)"),
        OptionSpec("policy", value: "FILE", help: "the policy (.pol or compiled .json): adds the evidence per control and its high-risk threshold"),
        OptionSpec("from", value: "DATE", help: "the first day (YYYY-MM-DD, UTC) or moment (RFC 3339) reported"),
        OptionSpec("to", value: "DATE", help: "the day or moment the report ends before (excluded); default now"),
        OptionSpec("format", value: "FORMAT", choices: ["json", "md", "html"], help: "md (default), json or html"),
        OptionSpec("top", value: "N", help: "rows kept in each ranked list before the rest are added up (default \(defaultTop); 0: all)"),
        OptionSpec("audit-key", value: "FILE", help: "verify the trail with this key first (repeatable); default: the file $\(AuditKey.environmentVariable) names"),
        OptionSpec("output", short: "o", value: "FILE", help: "write the report to FILE (atomically) instead of standard output"),
    ]
    /// Rows a ranked list keeps by default.
    static let defaultTop = 20

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let command = name
        guard let first = arguments.value("audit") else { throw .usage("\(command): --audit DIR|FILE is required\n\(usage)") }
        let paths = [first] + arguments.positionals
        let (from, to) = try ReportPeriod.read(arguments, command: command)
        var top: Int? = defaultTop
        if let text = arguments.value("top") {
            guard let value = Int(text), value >= 0 else { throw .usage("\(command): --top `\(text)` is not a whole number from 0") }
            top = value == 0 ? nil : value
        }
        let policy = try arguments.value("policy").map { path throws(CommandFailure) in try PolicyLoader.compiled(path, command: command) }
        let keys = try AuditCommand.keys(arguments, command: command, required: false)
        let report: ComplianceReport
        do {
            report = try ComplianceReport(paths: paths, policy: policy, from: from, to: to, top: top, keys: keys)
        } catch {
            if error.kind == .tampered {
                Output.err("\(command): \(error.message)\n\(command): the trail does not verify, so no report was made\n")
                return .policyErrors
            }
            throw .usage("\(command): \(error.message)")
        }
        for warning in report.warnings { Output.err("\(command): warning: \(warning)\n") }
        let text: String
        switch arguments.value("format") {
        case "json": text = String(decoding: report.jsonBytes(), as: UTF8.self)
        case "html": text = report.html()
        default: text = report.markdown()
        }
        if let path = arguments.value("output") {
            try Output.writeAtomically(Data(text.utf8), to: path)
        } else {
            Output.out(text)
        }
        return .success
    }
}
