import Foundation
import PolicyLang
import PolicyRuntime

/// The one way commands get a policy from a path: a compiled `.json` document (read strictly,
/// its digest checked, its signature verified when a key is given), or a `.pol` root compiled
/// with its imports. Any failure is a usage error (exit 2) naming the path.
enum PolicyLoader {
    /// The policy at `path`, planned.
    /// - Parameters:
    ///   - key: for a `.json` document, the key its signature must verify with. A `.pol` file
    ///     cannot be verified, so asking to verify one is an error.
    ///   - diagnosticsInFailure: put a `.pol` file's errors, as plain text, in the failure's
    ///     message instead of printing them to standard error: for `serve`, whose log is JSON lines.
    static func plan(_ path: String, verifyingWith key: DocumentKey? = nil, command: String,
                     diagnosticsInFailure: Bool = false) throws(CommandFailure) -> Plan {
        if isCompiledDocument(path) {
            let data = try read(path, command: command)
            do {
                return try Plan(json: data, verifyingWith: key)
            } catch {
                throw .usage("\(command): cannot load `\(path)`: \(error)")
            }
        }
        if key != nil {
            throw .usage("\(command): `\(path)` is policy source; only a compiled, signed .json document can be verified")
        }
        let compiled = try compile(path, command: command, diagnosticsInFailure: diagnosticsInFailure)
        do {
            return try Plan(compiled)
        } catch {
            throw .usage("\(command): cannot plan `\(path)`: \(error)")
        }
    }

    /// The policy at `path` as its compiled model, without planning it.
    static func compiled(_ path: String, command: String) throws(CommandFailure) -> CompiledPolicy {
        if isCompiledDocument(path) {
            do {
                return try CompiledPolicy.load(from: try read(path, command: command))
            } catch {
                throw .usage("\(command): cannot load `\(path)`: \(error)")
            }
        }
        return try compile(path, command: command)
    }

    /// The key in a file, for `--sign-key FILE` and `--verify-key FILE`; its bytes never reach output.
    static func key(_ arguments: ParsedArguments, option: String, command: String) throws(CommandFailure) -> DocumentKey? {
        guard let path = arguments.value(option) else {
            if arguments.value("key-id") != nil { throw .usage("\(command): --key-id needs --\(option) FILE") }
            return nil
        }
        do {
            return try DocumentKey(id: arguments.value("key-id") ?? DocumentKey.defaultID, contentsOfFile: path)
        } catch {
            throw .usage("\(command): \(error.message)")
        }
    }

    /// Whether `path` names a compiled document rather than policy source.
    static func isCompiledDocument(_ path: String) -> Bool { path.hasSuffix(".json") }

    private static func read(_ path: String, command: String) throws(CommandFailure) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw .usage("\(command): cannot read `\(path)`") }
        return data
    }

    private static func compile(_ path: String, command: String, diagnosticsInFailure: Bool = false) throws(CommandFailure) -> CompiledPolicy {
        let result = try DiagnosticOptions.compileRoot(path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let policy = result.policy else {
            let failure = "\(command): `\(path)` has errors; fix them with `policyc check \(path)`"
            if diagnosticsInFailure {
                throw .usage(failure + "\n" + DiagnosticRenderer(format: .text, color: false).render(errors))
            }
            Output.err(DiagnosticRenderer(format: .text, color: Output.useColor(nil, descriptor: 2)).render(errors))
            throw .usage(failure)
        }
        return policy
    }
}
