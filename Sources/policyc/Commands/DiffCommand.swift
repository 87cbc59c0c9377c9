import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc diff OLD NEW`: what a policy change grants or revokes.
enum DiffCommand: Command {
    static let name = "diff"
    static let summary = "show what a policy change grants or revokes, exactly"
    static let usage = "policyc diff [--format text|json] [--fail-on grant|revoke|any] [--color WHEN] OLD NEW"
    static let details = """
        OLD and NEW are policies: a root .pol file (compiled with its imports) or a compiled .json
        document. For every role × model × feature × operation of either policy, the decision of
        the role checks is compared over every context size, and the ranges where it changes are
        printed, merged per role ("contractor · claude-3-haiku · ask_mode: context 20,001–50,000
        now allowed"); then blocked patterns added or removed per role, and rules, alerts and
        playbooks added, removed or changed. Grants print as `+` (green), revocations as `-`
        (red), other changes as `~`.

          --fail-on grant   exit 1 when anything becomes more permissive (a CI gate)
          --fail-on revoke  exit 1 when anything becomes less permissive
          --fail-on any     exit 1 on any change

        exit status: 0 done (and nothing matched --fail-on), 1 --fail-on matched, 2 usage or I/O
        error, or a policy that does not compile or load
        """
    static let options = [
        OptionSpec("format", value: "FORMAT", choices: ["text", "json"], help: "text (default) or json"),
        OptionSpec("fail-on", value: "WHAT", choices: ["grant", "revoke", "any"], help: "exit 1 when such a change is found"),
        OptionSpec("color", value: "WHEN", choices: ["auto", "always", "never"], help: "colour the text output (default auto)"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard arguments.positionals.count == 2 else { throw .usage("diff: expected OLD and NEW\n\(usage)") }
        let old = try PolicyLoader.plan(arguments.positionals[0], command: name)
        let new = try PolicyLoader.plan(arguments.positionals[1], command: name)
        let diff = PolicyDiff(old: old, new: new)
        if arguments.value("format") == "json" {
            Output.out(DiffRenderer.json(diff))
        } else {
            Output.out(DiffRenderer.text(diff, color: Output.useColor(arguments.value("color"), descriptor: 1)))
        }
        switch arguments.value("fail-on") {
        case "grant": return diff.grants > 0 ? .policyErrors : .success
        case "revoke": return diff.revocations > 0 ? .policyErrors : .success
        case "any": return diff.isEmpty ? .success : .policyErrors
        default: return .success
        }
    }
}
