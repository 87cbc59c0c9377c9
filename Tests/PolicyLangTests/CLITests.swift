import Foundation
import PolicyRuntime
import XCTest

/// Runs the built `policyc` binary as a user would and checks output and exit codes.
final class CLITests: XCTestCase {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `policyc` executable built next to the test bundle.
    static let executable: URL? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("policyc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        for configuration in ["debug", "release"] {
            let candidate = URL(fileURLWithPath: TestSupport.root + "/.build/\(configuration)/policyc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    func run(_ arguments: [String], stdin: Data? = nil) throws -> Run {
        try CLITests.run(arguments, stdin: stdin)
    }

    /// Runs `policyc` from the repository root (other test classes use it too).
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Run {
        let executable = try XCTUnwrap(CLITests.executable, "policyc was not built")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.root)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Standard input is written from another thread: a command that answers while it reads
        // (eval) fills its output pipe before a large input is written, and both would wait.
        let writer = input.fileHandleForWriting
        let written = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if let stdin { writer.write(stdin) }
            try? writer.close()
            written.signal()
        }
        defer { written.wait() }
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func testHelpListsCommandsAndExitCodes() throws {
        let result = try run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("check"))
        XCTAssertTrue(result.stdout.contains("compile"))
        XCTAssertTrue(result.stdout.contains("exit status"))
        let commandHelp = try run(["check", "--help"])
        XCTAssertEqual(commandHelp.status, 0)
        XCTAssertTrue(commandHelp.stdout.contains("--format"))
        XCTAssertTrue(commandHelp.stdout.contains("--strict"))
    }

    func testVersion() throws {
        let result = try run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("policyc "))
    }

    func testUsageErrorsExitTwo() throws {
        let unknownFlag = try run(["check", "--stirct", "examples/enterprise.pol"])
        XCTAssertEqual(unknownFlag.status, 2)
        XCTAssertTrue(unknownFlag.stderr.contains("did you mean `--strict`?"), unknownFlag.stderr)
        XCTAssertEqual(try run(["chekc"]).status, 2)
        XCTAssertEqual(try run(["check"]).status, 2)
        XCTAssertEqual(try run(["check", "--format", "xml", "examples/enterprise.pol"]).status, 2)
        let missing = try run(["check", "no/such/file.pol"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no/such/file.pol: no such file"), missing.stderr)
        XCTAssertEqual(try run([]).status, 2)
    }

    func testCheckExamplesSucceeds() throws {
        let result = try run(["check", "examples/enterprise.pol", "examples/hipaa.pol"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "2 files checked: 0 errors, 0 warnings\n")
    }

    func testCheckReportsErrorsWithExitOne() throws {
        let result = try run(["check", "Tests/PolicyLangTests/testdata/invalid/unknown-model.pol"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("error[P2004]: unknown model `claude-3-opuss`"))
        XCTAssertTrue(result.stdout.contains("help: did you mean `claude-3-opus`?"))
    }

    func testWarningsFailOnlyUnderStrict() throws {
        XCTAssertEqual(try run(["check", "Tests/PolicyLangTests/testdata/invalid/empty-role.pol"]).status, 0)
        XCTAssertEqual(try run(["check", "--strict", "Tests/PolicyLangTests/testdata/invalid/empty-role.pol"]).status, 1)
    }

    func testJSONFormatIsMachineReadable() throws {
        let result = try run(["check", "--format", "json", "Tests/PolicyLangTests/testdata/invalid/unknown-feature.pol"])
        XCTAssertEqual(result.status, 1)
        guard case .object(let document)? = JSONValue.parse(Data(result.stdout.utf8)),
              case .array(let diagnostics)? = document["diagnostics"],
              case .object(let first)? = diagnostics.first else { return XCTFail("not JSON: \(result.stdout)") }
        XCTAssertEqual(first["code"], .string("P2002"))
        XCTAssertEqual(first["line"], .integer(10))
        XCTAssertEqual(first["column"], .integer(22))
        XCTAssertEqual(first["help"], .string("did you mean `agent_mode`?"))
        XCTAssertEqual(document["errors"], .integer(1))
    }

    func testGitHubFormatWritesAnnotations() throws {
        let result = try run(["check", "--format", "github", "Tests/PolicyLangTests/testdata/invalid/unknown-feature.pol"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("::error file=Tests/PolicyLangTests/testdata/invalid/unknown-feature.pol,line=10,col=22,"), result.stdout)
        XCTAssertTrue(result.stdout.contains("title=P2002::unknown feature `agent_mod`%0Ahelp: did you mean `agent_mode`?"))
    }

    func testCompileWritesCanonicalJSONToStdoutOrAtomicallyToAFile() throws {
        let stdout = try run(["compile", "examples/enterprise.pol"])
        XCTAssertEqual(stdout.status, 0, stdout.stderr)
        XCTAssertTrue(stdout.stdout.hasPrefix("{\n  \"alerts\": ["))
        let directory = try makeTemporaryDirectory()
        let output = directory.appendingPathComponent("enterprise.json").path
        let toFile = try run(["compile", "examples/enterprise.pol", "-o", output])
        XCTAssertEqual(toFile.status, 0)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), stdout.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["enterprise.json"],
                       "no temporary file is left behind")
    }

    func testCompileWithErrorsWritesNothing() throws {
        let directory = try makeTemporaryDirectory()
        let output = directory.appendingPathComponent("out.json").path
        let result = try run(["compile", "Tests/PolicyLangTests/testdata/invalid/unknown-model.pol", "-o", output])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("P2004"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testCheckAcceptsADirectory() throws {
        let result = try run(["check", "Tests/PolicyLangTests/testdata/invalid"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("files checked"))
    }

    func testEvalDecidesEachLineInOrderAndSurvivesBadLines() throws {
        let result = try run(["eval", "--policy", "examples/enterprise.pol", "--request", "examples/requests/contractor.jsonl"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 5)
        let outcomes = lines.map { line -> String in
            guard case .object(let decision)? = JSONValue.parse(Data(line.utf8)), case .string(let outcome)? = decision["decision"] else {
                return "?"
            }
            return outcome
        }
        XCTAssertEqual(outcomes, ["allow", "deny", "require_approval", "deny", "deny"])
        XCTAssertTrue(lines[4].contains("\"invalid_request\""))
        XCTAssertFalse(result.stdout.contains("jane.doe@example.com"), "a decision never echoes what it detected")
    }

    func testEvalOutputMatchesItsGoldenFile() throws {
        let result = try run(["eval", "--policy", "examples/enterprise.pol", "--request", "examples/requests/contractor.jsonl"])
        XCTAssertEqual(result.status, 0)
        TestSupport.assertGolden(result.stdout, "Tests/PolicyLangTests/testdata/decisions/contractor.jsonl")
    }

    func testEvalReadsAPrettyPrintedRequestWithInputJSONAndNeverJoinsLines() throws {
        let request = """
            {
              "user": {"role": "contractor"},
              "model": "claude-3-haiku",
              "feature": "ask_mode",
              "context_tokens": 100,
              "prompt": "hi"
            }
            """
        let result = try run(["eval", "--policy", "examples/enterprise.pol", "--input", "json"], stdin: Data(request.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix(#"{"decision":"allow""#), result.stdout)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1)
        // As JSON Lines, each of its seven lines is a request of its own, and none is allowed.
        let lines = try run(["eval", "--policy", "examples/enterprise.pol"], stdin: Data(request.utf8))
        XCTAssertEqual(lines.status, 0, lines.stderr)
        let decisions = lines.stdout.split(separator: "\n")
        XCTAssertEqual(decisions.count, 7)
        XCTAssertTrue(decisions.allSatisfy { $0.hasPrefix(#"{"decision":"deny","reasons":[{"code":"invalid_request""#) }, lines.stdout)
        XCTAssertTrue(decisions[0].contains("line 1: ") && decisions[0].contains("use --input json"), String(decisions[0]))
    }

    func testEvalSkipsAnOversizedLineAndDecidesTheNext() throws {
        var input = Data(#"{"prompt": ""#.utf8)
        input.append(Data(repeating: UInt8(ascii: "a"), count: 17 * 1024 * 1024))
        input.append(Data("\"}\n".utf8))
        input.append(Data(#"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1,"prompt":"hi"}"#.utf8))
        let result = try run(["eval", "--policy", "examples/enterprise.pol"], stdin: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines.first?.contains("line 1: request is over") ?? false, String(lines.first ?? ""))
        XCTAssertTrue(lines.last?.hasPrefix(#"{"decision":"allow""#) ?? false)
    }

    func testEvalAcceptsACompiledDocumentAndExplains() throws {
        let directory = try makeTemporaryDirectory()
        let compiled = directory.appendingPathComponent("enterprise.json").path
        XCTAssertEqual(try run(["compile", "examples/enterprise.pol", "-o", compiled]).status, 0)
        let line = #"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1,"prompt":"x"}"#
        let result = try run(["eval", "--policy", compiled, "--explain"], stdin: Data(line.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        guard case .object(let decision)? = JSONValue.parse(Data(result.stdout.utf8)),
              case .array(let explain)? = decision["explain"] else { return XCTFail(result.stdout) }
        let names = explain.compactMap { item -> String? in
            guard case .object(let entry) = item, case .string(let name)? = entry["name"] else { return nil }
            return name
        }
        XCTAssertEqual(names.first, "contractor")
        XCTAssertTrue(names.contains("no_sensitive_data_to_models"))
        XCTAssertTrue(names.contains("prompt_injection"))
    }

    func testEvalWithAnUnloadablePolicyExitsTwo() throws {
        let broken = try run(["eval", "--policy", "Tests/PolicyLangTests/testdata/invalid/unknown-model.pol"], stdin: Data("{}".utf8))
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.contains("P2004"), broken.stderr)
        let directory = try makeTemporaryDirectory()
        let corrupt = directory.appendingPathComponent("corrupt.json").path
        try Data(#"{"schema_version": \#(CompiledPolicy.currentSchemaVersion), "policy": 3}"#.utf8).write(to: URL(fileURLWithPath: corrupt))
        let result = try run(["eval", "--policy", corrupt], stdin: Data("{}".utf8))
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("invalid compiled policy: missing key \"document_digest\""), result.stderr)
        XCTAssertEqual(try run(["eval"]).status, 2)
    }
}

/// `policyc compile --sign-key` and `policyc eval --verify-key`, as CI and a gateway use them.
extension CLITests {
    func testSignedDocumentsVerifyAndKeysNeverReachOutput() throws {
        let directory = try makeTemporaryDirectory().path
        let secret = String(repeating: "5e", count: 32)
        try (secret + "\n").write(toFile: directory + "/key", atomically: true, encoding: .utf8)
        try String(repeating: "77", count: 32).write(toFile: directory + "/other", atomically: true, encoding: .utf8)
        try "short\n".write(toFile: directory + "/short", atomically: true, encoding: .utf8)
        let document = directory + "/enterprise.json"
        let compiled = try run(["compile", "examples/enterprise.pol", "--sign-key", directory + "/key", "--key-id", "ci", "-o", document])
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
        let text = try String(contentsOfFile: document, encoding: .utf8)
        XCTAssertTrue(text.contains(#""key_id": "ci""#), text)
        XCTAssertFalse(text.contains(secret) || compiled.stdout.contains(secret) || compiled.stderr.contains(secret))

        let request = Data(#"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1,"prompt":"hi"}"#.utf8)
        let verified = try run(["eval", "--policy", document, "--verify-key", directory + "/key", "--key-id", "ci"], stdin: request)
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stdout.hasPrefix(#"{"decision":"allow""#), verified.stdout)

        let wrong = try run(["eval", "--policy", document, "--verify-key", directory + "/other", "--key-id", "ci"], stdin: request)
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("the signature does not match"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains(secret) || wrong.stderr.contains(String(repeating: "77", count: 32)))
        let renamed = try run(["eval", "--policy", document, "--verify-key", directory + "/key"], stdin: request)
        XCTAssertEqual(renamed.status, 2)
        XCTAssertTrue(renamed.stderr.contains("signed with key `ci`, not with the verifying key `default`"), renamed.stderr)
        let source = try run(["eval", "--policy", "examples/enterprise.pol", "--verify-key", directory + "/key"], stdin: request)
        XCTAssertEqual(source.status, 2, "policy source cannot be verified")
        let short = try run(["compile", "examples/enterprise.pol", "--sign-key", directory + "/short"])
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("at least 32"), short.stderr)

        // Unsigned, the same document is refused by a verifying gateway.
        let unsigned = directory + "/unsigned.json"
        XCTAssertEqual(try run(["compile", "examples/enterprise.pol", "-o", unsigned]).status, 0)
        let refused = try run(["eval", "--policy", unsigned, "--verify-key", directory + "/key"], stdin: request)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("not signed"), refused.stderr)
    }

    func testJSONLinesAreDecidedOneForOneInLinearTime() throws {
        // A corrupt first line no longer swallows the stream, and lines never combine.
        let good = #"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1,"prompt":"hi"}"#
        let lines = ["{\"user\": {", good, "", good, "}", "  " + good]
        let result = try run(["eval", "--policy", "examples/enterprise.pol"], stdin: Data(lines.joined(separator: "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let decisions = result.stdout.split(separator: "\n")
        XCTAssertEqual(decisions.count, lines.count)
        XCTAssertEqual(decisions.map { $0.hasPrefix(#"{"decision":"allow""#) }, [false, true, false, true, false, true])
        XCTAssertTrue(decisions[2].contains("line 3: ") && decisions[2].contains("empty line"), String(decisions[2]))
        // A pretty-printed request of 20,000 lines: 20,000 decisions, one per line (it once
        // accumulated the lines and re-parsed them, 23 s; its time is for benchmarks, not tests).
        let pretty = "{\n" + (0..<19_998).map { "  \"k\($0)\": \($0)," }.joined(separator: "\n") + "\n}"
        let many = try run(["eval", "--policy", "examples/enterprise.pol"], stdin: Data(pretty.utf8))
        XCTAssertEqual(many.stdout.split(separator: "\n").count, 20_000)
    }
}

/// `policyc eval` as a coprocess: each decision is written before the next request is read.
extension CLITests {
    /// `policyc` started with pipes to talk to it while it runs (standard error discarded), from
    /// the repository root. A watchdog ends a child that hangs, so a test fails instead of the suite hanging.
    static func coprocess(_ arguments: [String]) throws -> (process: Process, input: FileHandle, output: FileHandle) {
        let process = Process()
        process.executableURL = try XCTUnwrap(CLITests.executable, "policyc was not built")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.root)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { [process] in if process.isRunning { process.terminate() } }
        return (process, input.fileHandleForWriting, output.fileHandleForReading)
    }

    /// Writes request lines to an `eval` coprocess and reads back one decision line each; nil when
    /// it ended before answering them all.
    static func exchange(_ child: (process: Process, input: FileHandle, output: FileHandle), _ lines: ArraySlice<String>) -> [Data]? {
        child.input.write(Data(lines.joined().utf8))
        var pending = Data()
        while pending.split(separator: 0x0A).count < lines.count {
            let data = child.output.availableData
            if data.isEmpty { return nil }
            pending += data
        }
        return pending.split(separator: 0x0A).map { Data($0) }
    }

    func testEvalAnswersEachLineBeforeReadingTheNext() throws {
        let (process, input, reader) = try CLITests.coprocess(["eval", "--policy", "examples/enterprise.pol"])
        defer {
            try? input.close()
            process.waitUntilExit()
        }
        input.write(Data(#"{"user":{"role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":1}"#.utf8 + [0x0A]))
        // The input stays open: the decision must come anyway.
        let answered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var first = Data()
        DispatchQueue.global().async {
            first = reader.availableData
            answered.signal()
        }
        if answered.wait(timeout: .now() + 20) == .timedOut {
            process.terminate()
            return XCTFail("no decision while the input stayed open")
        }
        XCTAssertTrue(String(decoding: first, as: UTF8.self).hasPrefix(#"{"decision":"allow""#))
    }

    func testEvalReportsAnUnreadableRequestFile() throws {
        let result = try run(["eval", "--policy", "examples/enterprise.pol", "--request", "examples"])
        XCTAssertEqual(result.status, 2, "a directory cannot be read as requests")
        XCTAssertTrue(result.stderr.contains("cannot read the requests"), result.stderr)
    }
}
