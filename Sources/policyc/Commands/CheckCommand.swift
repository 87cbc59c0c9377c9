import Foundation
import PolicyLang

/// `policyc check FILE…`: validates each policy (with its imports) and prints diagnostics.
enum CheckCommand: Command {
    static let name = "check"
    static let summary = "validate policies and print every problem found"
    static let usage = "policyc check [options] FILE|DIR…"
    static let details = """
        Each FILE is checked as the root of a policy, together with the files it imports; a DIR
        stands for every .pol file below it. Diagnostics go to standard output.

        exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage or I/O error
        """
    static let options = DiagnosticOptions.specs

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let paths = try DiagnosticOptions.expand(arguments.positionals)
        guard !paths.isEmpty else { throw .usage("check: no input files\n\(usage)") }
        let renderer = DiagnosticOptions.renderer(arguments, descriptor: 1)
        var all: [Diagnostic] = []
        var failed = false
        var ioFailed = false
        for path in paths {
            do {
                let result = try Compiler.compile([path], lower: false)
                all += result.diagnostics
                if renderer.format != .json { Output.out(renderer.render(result.diagnostics)) }
            } catch {
                Output.err("policyc: \(error.message)\n")
                ioFailed = true
            }
        }
        failed = DiagnosticOptions.fails(all, strict: arguments.has("strict"))
        switch renderer.format {
        case .json:
            Output.out(renderer.render(all))
        case .text:
            let errors = all.filter { $0.severity == .error }.count
            let warnings = all.filter { $0.severity == .warning }.count
            let noun = paths.count == 1 ? "file" : "files"
            Output.out("\(paths.count) \(noun) checked: \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")\n")
        case .github:
            break
        }
        if ioFailed { return .usage }
        return failed ? .policyErrors : .success
    }
}
