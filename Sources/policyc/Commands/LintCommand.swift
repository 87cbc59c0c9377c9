import Foundation
import PolicyLang

/// `policyc lint FILE…`: the guide's security checklist over each policy.
enum LintCommand: Command {
    static let name = "lint"
    static let summary = "check policies against the guide's security checklist"
    static let usage = "policyc lint [--format text|json|github] FILE|DIR…"
    static let details = """
        Each FILE is compiled as the root of a policy, then checked against the checklist of the
        enterprise guide; each finding names its checklist item, the declaration it concerns and
        what to do (grammar.md §6, P4001–P4008):

          P4001 Access Controls      roles with identical grants
          P4002 Data Classification  personal data, secrets or internal addresses that reach a
                                     model (probed with the runtime for every role and model);
                                     patterns that never matter; pattern lists nothing uses
          P4003 Audit Logging        roles without an audit level; unredacted prompt logging
          P4004 Encryption           audit records not encrypted at rest
          P4005 Monitoring           no alerts, or none for high-risk requests
          P4006 Incident Response    incident types without a playbook
          P4007 Compliance           no retention periods; rules, alerts or playbooks not mapped
                                     to a control (when the policy declares controls)
          P4008 Cost Controls        no budgets, no alert watching them, teams without a budget

        exit status: 0 clean, 1 findings or policy errors, 2 usage or I/O error
        """
    static let options = DiagnosticOptions.specs.filter { $0.name != "strict" }

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let paths = try DiagnosticOptions.expand(arguments.positionals)
        guard !paths.isEmpty else { throw .usage("lint: no input files\n\(usage)") }
        let renderer = DiagnosticOptions.renderer(arguments, descriptor: 1)
        var all: [Diagnostic] = []
        for path in paths {
            let result = try DiagnosticOptions.compileRoot(path)
            let errors = result.diagnostics.filter { $0.severity == .error }
            let findings = errors.isEmpty ? Linter.lint(result) : errors
            all += findings
            if renderer.format != .json { Output.out(renderer.render(findings)) }
        }
        switch renderer.format {
        case .json: Output.out(renderer.render(all))
        case .text:
            let noun = paths.count == 1 ? "file" : "files"
            Output.out("\(paths.count) \(noun) linted: \(all.count) \(all.count == 1 ? "finding" : "findings")\n")
        case .github: break
        }
        return all.isEmpty ? .success : .policyErrors
    }
}
