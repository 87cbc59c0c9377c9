import Foundation
import XCTest

/// The C library (include/policy_runtime.h, libpolicy_runtime.so) as other languages use it: a C
/// program compiled with `cc` and the Python ctypes binding (bindings/python) decide as
/// `policyc eval` does, share a plan across threads and refuse a bad document.
final class CLibraryTests: XCTestCase {
    /// The directory `swift build` put policyc and libpolicy_runtime.so in.
    var buildDirectory: String {
        get throws { try XCTUnwrap(CLITests.executable, "policyc was not built").deletingLastPathComponent().path }
    }

    static let compiled = "Tests/PolicyLangTests/testdata/compiled/enterprise.json"
    static let requests = "examples/requests/contractor.jsonl"

    /// What `policyc eval` decides for the requests, a line each.
    func evalDecisions() throws -> String {
        let eval = try CLITests.run(["eval", "--policy", CLibraryTests.compiled, "--request", CLibraryTests.requests])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        return eval.stdout
    }

    func testACProgramDecidesAsEvalDoesFromFourThreads() throws {
        let library = try buildDirectory
        guard FileManager.default.fileExists(atPath: library + "/libpolicy_runtime.so") else {
            return XCTFail("libpolicy_runtime.so is not in \(library): `swift build` builds it")
        }
        let directory = try makeTemporaryDirectory().path
        let program = directory + "/policy_runtime_test"
        let compile = try ReportCLITests.execute("/usr/bin/env", [
            "cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", TestSupport.root + "/include",
            TestSupport.root + "/Tests/CLibrary/policy_runtime_test.c", "-L", library, "-lpolicy_runtime", "-Wl,-rpath," + library,
            "-lpthread", "-o", program,
        ])
        XCTAssertEqual(compile.status, 0, "cc: \(compile.stderr)")
        let run = try ReportCLITests.execute(program, [TestSupport.root + "/" + CLibraryTests.compiled, TestSupport.root + "/" + CLibraryTests.requests])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("policy_runtime 0.1.0 (schema 5)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("bad document: cannot load the compiled policy: unsupported schema_version 99"), run.stderr)
        // eval names the line of its input; a request alone has none.
        let expected = try evalDecisions().split(separator: "\n").enumerated()
            .map { $0.element.replacingOccurrences(of: "\"line \($0.offset + 1): ", with: "\"") }
        XCTAssertEqual(run.stdout.split(separator: "\n").map(String.init), expected)
    }

    func testThePythonBindingDecidesAsEvalDoes() throws {
        let library = try buildDirectory + "/libpolicy_runtime.so"
        let directory = try makeTemporaryDirectory().path
        let expected = directory + "/expected.jsonl"
        try Data(try evalDecisions().utf8).write(to: URL(fileURLWithPath: expected))
        let run = try ReportCLITests.execute("/usr/bin/env", [
            "python3", TestSupport.root + "/bindings/python/test_policylang.py",
            TestSupport.root + "/" + CLibraryTests.compiled, TestSupport.root + "/" + CLibraryTests.requests, expected,
        ], environment: ["POLICYLANG_LIBRARY": library])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("Ran 7 tests") && run.stderr.hasSuffix("OK\n"), run.stderr)
    }

    /// The C benchmark docs/embedding.md cites compiles without warnings and measures.
    func testTheCBenchmarkCompilesAndMeasures() throws {
        let library = try buildDirectory
        let program = try makeTemporaryDirectory().path + "/c-bench"
        let compile = try ReportCLITests.execute("/usr/bin/env", [
            "cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", TestSupport.root + "/include",
            TestSupport.root + "/Tests/CLibrary/policy_runtime_bench.c", "-L", library, "-lpolicy_runtime", "-Wl,-rpath," + library, "-o", program,
        ])
        XCTAssertEqual(compile.status, 0, "cc: \(compile.stderr)")
        let run = try ReportCLITests.execute(program, [TestSupport.root + "/" + CLibraryTests.compiled, TestSupport.root + "/" + CLibraryTests.requests, "1"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = try String(contentsOfFile: TestSupport.root + "/" + CLibraryTests.requests, encoding: .utf8).split(separator: "\n").count
        XCTAssertTrue(run.stdout.hasPrefix("C API, policy_plan_decide_into: \(lines) requests x 1 rounds, median "), run.stdout)
    }
}
