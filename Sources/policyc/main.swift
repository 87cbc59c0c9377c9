import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc`: the PolicyLang command-line tool.
let version = ReleaseVersion.text

// A file grown past the process's size limit (`ulimit -f`) is a write error to handle, as a full
// disk is (the audit trail fails closed on it), not a signal that ends the process.
signal(SIGXFSZ, SIG_IGN)

func topLevelHelp() -> String {
    let width = allCommands.map { $0.name.count }.max() ?? 0
    let commands = allCommands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
    return """
        usage: policyc COMMAND [options] [FILE…]

        PolicyLang compiler: validates and compiles policies that govern how people use AI models.

        commands:
        \(commands.joined(separator: "\n"))

        options:
          -h, --help     show help (also `policyc COMMAND --help`)
          --version      print the version

        exit status: 0 success, 1 the policy has errors, 2 usage or I/O error

        """
}

func runMain(_ arguments: [String]) -> ExitCode {
    guard let first = arguments.first else {
        Output.err(topLevelHelp())
        return .usage
    }
    switch first {
    case "-h", "--help", "help":
        Output.out(topLevelHelp())
        return .success
    case "--version":
        Output.out("policyc \(version) (compiled schema_version \(CompiledPolicy.currentSchemaVersion))\n")
        return .success
    default:
        break
    }
    guard let command = allCommands.first(where: { $0.name == first }) else {
        let hint = Suggestion.closest(to: first, in: allCommands.map { $0.name }).map { "; did you mean `\($0)`?" } ?? ""
        Output.err("policyc: unknown command `\(first)`\(hint)\nrun `policyc --help` for the list of commands\n")
        return .usage
    }
    do {
        let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), options: command.options, command: command.name)
        if parsed.has("help") {
            Output.out(command.help)
            return .success
        }
        return try command.run(parsed)
    } catch {
        Output.err("policyc: \(error.message)\n")
        return error.code
    }
}

exit(runMain(Array(CommandLine.arguments.dropFirst())).rawValue)
