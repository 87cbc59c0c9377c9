import PolicyRuntime

/// One `policyc` subcommand: its name, summary, usage, options and behaviour.
protocol Command {
    /// The word after `policyc`.
    static var name: String { get }
    /// One line for `policyc --help`.
    static var summary: String { get }
    /// The usage line, e.g. `policyc check [options] FILE…`.
    static var usage: String { get }
    /// Longer description for `policyc COMMAND --help`.
    static var details: String { get }
    /// Accepted options.
    static var options: [OptionSpec] { get }
    /// Runs the command with parsed arguments.
    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode
}

extension Command {
    /// The subcommand named first (`policyc usage report`, `policyc audit verify`), one of
    /// `subcommands`; an unknown or missing one is a usage error with a suggestion.
    static func subcommand(_ arguments: ParsedArguments, of subcommands: [String]) throws(CommandFailure) -> String {
        guard let subcommand = arguments.positionals.first else {
            throw .usage("\(name): expected a subcommand: \(subcommands.joined(separator: ", "))\n\(usage)")
        }
        guard subcommands.contains(subcommand) else {
            let hint = Suggestion.closest(to: subcommand, in: subcommands).map { "; did you mean `\($0)`?" } ?? ""
            throw .usage("\(name): unknown subcommand `\(subcommand)`\(hint)\n\(usage)")
        }
        return subcommand
    }

    /// The text `policyc COMMAND --help` prints.
    static var help: String {
        "usage: \(usage)\n\n\(summary)\n\n\(details)\n\noptions:\n\(ArgumentParser.helpLines(options))\n"
    }
}

/// Every command, in the order `policyc --help` lists them.
var allCommands: [any Command.Type] { [CheckCommand.self, CompileCommand.self, EvalCommand.self, UsageCommand.self, AuditCommand.self, ReportCommand.self, ServeCommand.self, LspCommand.self, TestCommand.self, FmtCommand.self, LintCommand.self, DiffCommand.self, MatchCommand.self, ImportCommand.self] }
