import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc test [--coverage] [--junit FILE] [PATH…]`: runs the `test` blocks of policies.
enum TestCommand: Command {
    static let name = "test"
    static let summary = "run the test blocks of policies, with rule coverage"
    static let usage = "policyc test [--coverage] [--junit FILE] [-v] [FILE|DIR…]"
    static let details = """
        Every FILE with a `policy` header and `test` blocks (a DIR stands for every .pol file below
        it, hidden directories skipped; the default is the current directory) is compiled with
        its imports, and its tests are decided against it (grammar.md, "Tests"); with --coverage,
        policies without tests are compiled too, so their rules count as not exercised. Each
        failure is printed with what was expected, what came out and what decided; the last line
        is `N passed, N failed`.

          --coverage    list the rules, alert conditions, playbooks and role grants (models,
                        features, context limits, approvals, blocked patterns) that no test
                        exercised, per file and in total
          --junit FILE  also write the results as JUnit XML, for CI
          -v            print every test, not only failures

        exit status: 0 every test passed, 1 a test failed or a policy has errors, 2 usage or I/O error
        """
    static let options = [
        OptionSpec("coverage", help: "report what no test exercised"),
        OptionSpec("junit", value: "FILE", help: "write JUnit XML results to FILE"),
        OptionSpec("verbose", short: "v", help: "print every test"),
    ]

    /// The tests of one file and how they went.
    struct FileResults {
        let path: String
        var results: [TestRunner.Result] = []
        var error: String?
    }

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let paths = try DiagnosticOptions.expand(arguments.positionals.isEmpty ? ["."] : arguments.positionals)
        let renderer = DiagnosticOptions.renderer(arguments, descriptor: 1)
        var coverage = Coverage()
        var files: [FileResults] = []
        var policyErrors = false
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { throw .usage("cannot read `\(path)`") }
            let (syntax, _) = Parser.parse(SourceFile(path: path, bytes: [UInt8](data)))
            let hasTests = syntax.declarations.contains { if case .test = $0 { return true } else { return false } }
            guard syntax.header != nil else {
                // An imported part of a policy: its tests would have no policy to run against.
                if hasTests {
                    files.append(FileResults(path: path, error: "has tests but no `policy` header; tests run against the policy rooted in their file"))
                    policyErrors = true
                }
                continue
            }
            // A policy without tests matters only for coverage (its rules count as not exercised).
            guard hasTests || arguments.has("coverage") else { continue }
            let compiled = try DiagnosticOptions.compileRoot(path)
            let errors = compiled.diagnostics.filter { $0.severity == .error }
            guard errors.isEmpty, let policy = compiled.policy else {
                Output.out(renderer.render(errors))
                files.append(FileResults(path: path, error: "does not compile (\(errors.count) \(errors.count == 1 ? "error" : "errors"))"))
                policyErrors = true
                continue
            }
            coverage.register(policy)
            let plan: Plan
            do {
                plan = try Plan(policy)
            } catch {
                files.append(FileResults(path: path, error: "cannot be planned: \(error.message)"))
                policyErrors = true
                continue
            }
            files.append(FileResults(path: path, results: TestRunner.run(compiled.tests, plan: plan, coverage: &coverage)))
        }

        let all = files.flatMap(\.results)
        let failed = all.filter { !$0.passed }
        for file in files {
            if let error = file.error { Output.out("FAIL \(file.path): \(error)\n") }
            for result in file.results where !result.passed || arguments.has("verbose") {
                Output.out(describe(result))
            }
        }
        if arguments.has("coverage") { Output.out(report(coverage)) }
        if let junit = arguments.value("junit") {
            try Output.writeAtomically(Data(JUnitReport.xml(files.map { ($0.path, $0.results, $0.error) }).utf8), to: junit)
        }
        Output.out("\(all.count - failed.count) passed, \(failed.count) failed\n")
        return failed.isEmpty && !policyErrors ? .success : .policyErrors
    }

    private static func describe(_ result: TestRunner.Result) -> String {
        guard !result.passed else { return "ok   \(result.test.name) (\(result.test.source))\n" }
        var text = "FAIL \(result.test.name) (\(result.test.source))\n"
        for line in result.mismatches { text += "    \(line)\n" }
        for line in result.decidedBy { text += "    decided by: \(line)\n" }
        return text
    }

    /// Per file, then in total: exercised of all, and each item not exercised.
    private static func report(_ coverage: Coverage) -> String {
        let byFile = Dictionary(grouping: coverage.items, by: \.file)
        var text = "coverage (rules, alerts, playbooks and role grants exercised by a test):\n"
        let width = (byFile.keys.map(\.count).max() ?? 0) + 2
        for file in byFile.keys.sorted() {
            let items = byFile[file]!.sorted()
            let done = items.filter { coverage.exercised.contains($0) }.count
            text += "  " + file.padding(toLength: width, withPad: " ", startingAt: 0) + fraction(done, items.count) + "\n"
            for item in items where !coverage.exercised.contains(item) {
                text += "      not exercised: \(item.kind) \(item.name) (\(item.source))\n"
            }
        }
        let done = coverage.items.filter { coverage.exercised.contains($0) }.count
        text += "  " + "total".padding(toLength: width, withPad: " ", startingAt: 0) + fraction(done, coverage.items.count) + "\n"
        return text
    }

    private static func fraction(_ done: Int, _ total: Int) -> String {
        let percent = total == 0 ? 100.0 : Double(done) / Double(total) * 100
        return "\(done)/\(total) (\(String(format: "%.1f", percent))%)"
    }
}
