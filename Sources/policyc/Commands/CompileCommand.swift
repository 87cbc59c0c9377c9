import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc compile FILE… [-o OUT] [--sign-key FILE [--key-id ID]]`: writes the canonical
/// compiled JSON document, signed when a key is given.
enum CompileCommand: Command {
    static let name = "compile"
    static let summary = "compile a policy to its canonical JSON document"
    static let usage = "policyc compile [options] FILE… [-o OUT] [--sign-key FILE [--key-id ID]]"
    static let details = """
        The first FILE is the policy's root (it carries the `policy` header); further files and
        every import join it in one document. The document goes to standard output, or
        atomically to OUT with -o. Diagnostics go to standard error. Nothing is written when
        the policy has errors. The format is documented in docs/compiled-format.md.

        With --sign-key, the document carries a `signature` (HMAC-SHA256 under the key in FILE,
        named by --key-id, `default` when not given) that `policyc eval --verify-key FILE` and
        `Plan(json:verifyingWith:)` check. The key never appears in any output.

        exit status: 0 compiled, 1 errors (or warnings with --strict), 2 usage or I/O error
        """
    static let options = [
        OptionSpec("output", short: "o", value: "OUT", help: "write the document to OUT"),
        OptionSpec("sign-key", value: "FILE", help: "sign the document with the key in FILE (at least 32 bytes)"),
        OptionSpec("key-id", value: "ID", help: "the key's name in the signature (default `default`)"),
    ] + DiagnosticOptions.specs

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let paths = try DiagnosticOptions.expand(arguments.positionals)
        guard !paths.isEmpty else { throw .usage("compile: no input files\n\(usage)") }
        let key = try PolicyLoader.key(arguments, option: "sign-key", command: name)
        let result: Compiler.Result
        do {
            result = try Compiler.compile(paths)
        } catch {
            throw .usage(error.message)
        }
        let renderer = DiagnosticOptions.renderer(arguments, descriptor: 2)
        if !result.diagnostics.isEmpty || renderer.format == .json {
            Output.err(renderer.render(result.diagnostics))
        }
        guard let policy = result.policy, !DiagnosticOptions.fails(result.diagnostics, strict: arguments.has("strict")) else {
            return .policyErrors
        }
        let data = policy.canonicalJSON(signedWith: key)
        if let output = arguments.value("output") {
            try Output.writeAtomically(data, to: output)
        } else {
            FileHandle.standardOutput.write(data)
        }
        return .success
    }
}
