import Foundation
import PolicyLang

/// `policyc fmt [-w | --check] FILE|DIR…`: prints policies in the one canonical layout.
enum FmtCommand: Command {
    static let name = "fmt"
    static let summary = "print policies in the canonical layout (-w rewrites, --check lists)"
    static let usage = "policyc fmt [-w | --check] FILE|DIR|-…"
    static let details = """
        Prints each file in the canonical layout (grammar.md, "Layout"); a DIR stands for every
        .pol file below it and `-` for standard input. Comments are kept, the result compiles to
        the same document, and formatting twice changes nothing. A file with syntax errors is
        left alone and its errors are printed to standard error.

          -w        rewrite files whose layout differs, atomically (a temporary file renamed over
                    the original), printing nothing else
          --check   print the files whose layout differs and change nothing

        exit status: 0 done (with --check: every file is formatted), 1 a file has syntax errors
        (with --check: or is not formatted), 2 usage or I/O error
        """
    static let options = [
        OptionSpec("write", short: "w", help: "rewrite the files in place"),
        OptionSpec("check", help: "list files that are not formatted; exit 1 if any"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let write = arguments.has("write")
        let check = arguments.has("check")
        if write, check { throw .usage("fmt: -w and --check cannot be combined") }
        let paths = try DiagnosticOptions.expand(arguments.positionals)
        guard !paths.isEmpty else { throw .usage("fmt: no input files\n\(usage)") }
        let renderer = DiagnosticRenderer(format: .text, color: Output.useColor(nil, descriptor: 2))
        var status = ExitCode.success
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try Output.readInput(path)
            } catch {
                Output.err("policyc: \(error.message)\n")
                return .usage
            }
            let formatted: String
            do {
                formatted = try SourceFormatter.format(SourceFile(path: path == "-" ? "<stdin>" : path, bytes: bytes))
            } catch {
                Output.err(renderer.render(error.diagnostics))
                status = .policyErrors
                continue
            }
            let changed = Array(formatted.utf8) != bytes
            if check {
                if changed {
                    Output.out(path + "\n")
                    status = .policyErrors
                }
            } else if write {
                guard changed, path != "-" else {
                    if path == "-" { Output.out(formatted) }
                    continue
                }
                try Output.writeAtomically(Data(formatted.utf8), to: path)
            } else {
                Output.out(formatted)
            }
        }
        return status
    }
}
