import Foundation
import PolicyLang

/// Options shared by every command that reports diagnostics.
enum DiagnosticOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("format", value: "FORMAT", choices: DiagnosticRenderer.Format.allCases.map(\.rawValue),
                   help: "how to print diagnostics"),
        OptionSpec("strict", help: "fail on warnings too"),
        OptionSpec("color", value: "WHEN", choices: ["auto", "always", "never"], help: "colour text diagnostics (default auto)"),
    ]

    /// A renderer for the chosen format; colour only for text on a terminal.
    static func renderer(_ arguments: ParsedArguments, descriptor: Int32) -> DiagnosticRenderer {
        let format = DiagnosticRenderer.Format(rawValue: arguments.value("format") ?? "text") ?? .text
        let color = format == .text && Output.useColor(arguments.value("color"), descriptor: descriptor)
        return DiagnosticRenderer(format: format, color: color)
    }

    /// Whether the diagnostics fail the run: any error, or any warning under `--strict`.
    static func fails(_ diagnostics: [Diagnostic], strict: Bool) -> Bool {
        diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }

    /// Compiles the policy rooted at `path` with its imports; a root that cannot be read is a
    /// usage error (exit 2), problems in the policy are diagnostics in the result.
    static func compileRoot(_ path: String) throws(CommandFailure) -> Compiler.Result {
        do {
            return try Compiler.compile([path])
        } catch {
            throw .usage(error.message)
        }
    }

    /// Expands directories into the `.pol` files below them (sorted; hidden directories such as
    /// `.build` and `.git` are skipped), keeping files as given.
    static func expand(_ paths: [String]) throws(CommandFailure) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                guard let walker = FileManager.default.enumerator(atPath: path) else {
                    throw .usage("cannot read directory `\(path)`")
                }
                var found: [String] = []
                while let relative = walker.nextObject() as? String {
                    if relative.split(separator: "/").last?.hasPrefix(".") == true {
                        walker.skipDescendants()
                        continue
                    }
                    if relative.hasSuffix(".pol") { found.append(base + "/" + relative) }
                }
                result += found.sorted()
            } else {
                result.append(path)
            }
        }
        return result
    }
}
