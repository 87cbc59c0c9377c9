import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc usage report --state DIR|URL [--policy FILE] [--from DATE] [--to DATE] [--by …]
/// [--format table|json|csv] [-o FILE]`: what the usage store says was used and spent.
enum UsageCommand: Command {
    static let name = "usage"
    static let summary = "report what was used and spent, from the usage store `eval --state` keeps"
    static let usage = "policyc usage report --state DIR|URL [--policy FILE] [--from DATE] [--to DATE] "
        + "[--by \(UsageDimension.words.joined(separator: "|"))] [--format table|json|csv] [-o FILE]"
    static let details = """
        report reads the period's settled requests from the usage store (--state, as given to
        `policyc eval`) and prints: totals; use grouped by --by (default user), sorted by cost;
        spend per model; the top \(UsageReport.topUserCount) users; a daily trend (every UTC day, empty days as 0)
        and the second half of the period against the first. With --policy, also each budget's
        use in its current period for every member seen, and recommendations computed from the
        records: a cheaper model the role may also use, a budget used over \(UsageRecommendation.nearlySpentPercent)% or under \(UsageRecommendation.oversizedPercent)%.
        docs/runtime.md, "Usage reports", describes every section and the JSON.

        --from and --to are YYYY-MM-DD (midnight UTC) or RFC 3339 times; --to is excluded.
        Default: the \(ReportPeriod.defaultDays) days up to now (--from alone: up to now; --to alone: the \(ReportPeriod.defaultDays) days before).

        --format table (default) prints aligned sections, money in dollars and cents; json one
        object with every section, money in integer micro-dollars; csv the grouped rows only.

        exit status: 0 the report was written, 2 usage error, or a store or policy that cannot
        be opened
        """
    static let options = [
        UsageState.option,
        OptionSpec("policy", value: "FILE", help: "the policy (.pol or compiled .json): adds budgets and recommendations"),
        OptionSpec("from", value: "DATE", help: "the first day (YYYY-MM-DD, UTC) or moment (RFC 3339) reported"),
        OptionSpec("to", value: "DATE", help: "the day or moment the report ends before (excluded); default now"),
        OptionSpec("by", value: "WHAT", choices: UsageDimension.words, help: "group the rows by (default user)"),
        OptionSpec("format", value: "FORMAT", choices: ["table", "json", "csv"], help: "table (default), json or csv"),
        OptionSpec("output", short: "o", value: "FILE", help: "write the report to FILE (atomically) instead of standard output"),
    ]
    /// The subcommands, in the order help lists them.
    static let subcommands = ["report"]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        _ = try subcommand(arguments, of: subcommands)
        guard arguments.positionals.count == 1 else {
            throw .usage("usage report: unexpected argument `\(arguments.positionals[1])`")
        }
        return try report(arguments)
    }

    /// `usage report`.
    static func report(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let command = "usage report"
        guard let state = arguments.value("state") else { throw .usage("\(command): --state DIR|URL is required\n\(usage)") }
        let (from, to) = try ReportPeriod.read(arguments, command: command)
        let policy = try arguments.value("policy").map { path throws(CommandFailure) in try PolicyLoader.compiled(path, command: command) }
        // A report only reads: a directory is read without creating, locking or repairing
        // anything (a mistyped path is an error, not an empty report).
        let records: [UsageRecord]
        do {
            let earliest = UsageReport.earliestRecord(from: from, policy: policy)
            if state.hasPrefix("redis://") {
                records = try UsageState.open(state, command: command).records(from: earliest, to: to)
            } else {
                records = try FileUsageStore.records(inDirectory: state, from: earliest, to: to)
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .usage("\(command): cannot read the usage store `\(state)`: \(error)")
        }
        let report: UsageReport
        do {
            report = try UsageReport(records: records, policy: policy, from: from, to: to,
                                     by: arguments.value("by").flatMap(UsageDimension.init(rawValue:)) ?? .user)
        } catch {
            throw .usage("\(command): \(error)")
        }
        let text: String
        switch arguments.value("format") {
        case "json": text = String(decoding: report.jsonBytes(), as: UTF8.self)
        case "csv": text = report.csv
        default: text = report.table
        }
        if let path = arguments.value("output") {
            try Output.writeAtomically(Data(text.utf8), to: path)
        } else {
            Output.out(text)
        }
        return .success
    }
}
