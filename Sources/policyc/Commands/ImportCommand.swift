import Foundation
import PolicyLang

/// `policyc import FILE.json [-o OUT.pol] [--name NAME]`: the guide's JSON role table as `.pol`.
enum ImportCommand: Command {
    static let name = "import"
    static let summary = "convert the guide's JSON role table into a formatted .pol file"
    static let usage = "policyc import [--name NAME] FILE.json|- [-o OUT.pol]"
    static let details = """
        Reads a role table in the format of the guide's enterprise-ai-policy.json ({"roles":
        {NAME: {models, features, max_context_size, audit_level, requires_approval,
        blocked_patterns}}}, or the roles object alone) and prints an equivalent policy in
        canonical layout, declaring the models, features and operations it uses. Unknown keys
        and values of the wrong kind are errors at their line and column: nothing the table
        restricts is silently dropped. The result is checked before it is written.

        exit status: 0 converted, 1 the table cannot be converted, 2 usage or I/O error
        """
    static let options = [
        OptionSpec("output", short: "o", value: "OUT", help: "write the policy to OUT (atomically)"),
        OptionSpec("name", value: "NAME", help: "the policy's name (default: the file's base name)"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard arguments.positionals.count == 1, let path = arguments.positionals.first else {
            throw .usage("import: expected one JSON file\n\(usage)")
        }
        let bytes = try Output.readInput(path)
        let shownPath = path == "-" ? "<stdin>" : path
        let policyName = arguments.value("name")
            ?? (path == "-" ? "imported" : URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        let source: String
        do {
            source = try RoleTableImporter.convert(bytes, policyName: policyName)
        } catch {
            let location = SourceFile(path: shownPath, bytes: bytes).location(of: UInt32(clamping: error.offset))
            Output.err("\(shownPath):\(location.line):\(location.column): error: \(error.message)\n")
            return .policyErrors
        }
        // What was generated must check cleanly; if not, say so rather than write a broken policy.
        let output = arguments.value("output") ?? "imported.pol"
        let check = try? Compiler.compile([output], reader: MemorySourceReader([output: source]), lower: false)
        let errors = check?.diagnostics.filter { $0.severity == .error } ?? []
        guard check != nil, errors.isEmpty else {
            Output.err(DiagnosticRenderer(format: .text, color: false).render(errors))
            Output.err("policyc: the converted policy does not check; nothing was written\n")
            return .policyErrors
        }
        if let path = arguments.value("output") {
            try Output.writeAtomically(Data(source.utf8), to: path)
        } else {
            Output.out(source)
        }
        return .success
    }
}
