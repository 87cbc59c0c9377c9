import Foundation
import XCTest

/// The authoring commands as a user runs them. `fmt`: printing, `-w`, `--check`, standard input, refusing.
extension CLITests {
    private static let messy = "policy \"p\" version 1\nfeatures a,b\nrole r { features a }\n"
    private static let tidy = "policy \"p\" version 1\nfeatures a, b\n\nrole r {\n  features  a\n}\n"

    func testFmtPrintsTheCanonicalLayout() throws {
        let directory = try makeTemporaryDirectory().path
        let path = directory + "/p.pol"
        try CLITests.messy.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run(["fmt", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, CLITests.tidy)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), CLITests.messy, "printing changes nothing")
        XCTAssertEqual(try run(["fmt", "-"], stdin: Data(CLITests.messy.utf8)).stdout, CLITests.tidy)
    }

    func testFmtCheckListsFilesThatWouldChange() throws {
        let directory = try makeTemporaryDirectory().path
        try CLITests.messy.write(toFile: directory + "/messy.pol", atomically: true, encoding: .utf8)
        try CLITests.tidy.write(toFile: directory + "/tidy.pol", atomically: true, encoding: .utf8)
        let result = try run(["fmt", "--check", directory])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, directory + "/messy.pol\n")
        XCTAssertEqual(try run(["fmt", "--check", directory + "/tidy.pol"]).status, 0)
        XCTAssertEqual(try run(["fmt", "--check", "examples"]).status, 0, "the examples are formatted")
    }

    func testFmtWriteRewritesOnlyWhatChangesAndKeepsPermissions() throws {
        let directory = try makeTemporaryDirectory().path
        let messy = directory + "/messy.pol"
        let tidy = directory + "/tidy.pol"
        try CLITests.messy.write(toFile: messy, atomically: true, encoding: .utf8)
        try CLITests.tidy.write(toFile: tidy, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: messy)
        let tidyModified = try FileManager.default.attributesOfItem(atPath: tidy)[.modificationDate] as? Date
        let result = try run(["fmt", "-w", directory])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: messy, encoding: .utf8), CLITests.tidy)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: messy)[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: tidy)[.modificationDate] as? Date, tidyModified,
                       "a formatted file is not rewritten")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["messy.pol", "tidy.pol"],
                       "no temporary file is left behind")
    }

    func testFmtRefusesFilesWithSyntaxErrorsAndChangesNothing() throws {
        let directory = try makeTemporaryDirectory().path
        let broken = directory + "/broken.pol"
        let text = "policy \"p\" version 1\nrole r { features }\n"
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try run(["fmt", "-w", broken])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("broken.pol:2:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("error[P"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: broken, encoding: .utf8), text)
        XCTAssertEqual(try run(["fmt", "-w", "--check", broken]).status, 2, "the two modes exclude each other")
    }
}

/// `policyc import` as a user runs it.
extension CLITests {
    func testImportWritesACheckedPolicyOrReportsWhere() throws {
        let directory = try makeTemporaryDirectory().path
        let output = directory + "/roles.pol"
        let result = try run(["import", "examples/import/enterprise-ai-policy.json", "-o", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try run(["check", "--strict", output]).status, 0)
        XCTAssertEqual(try run(["fmt", "--check", output]).status, 0)

        let bad = try run(["import", "-"], stdin: Data("{\"roles\": {\n  \"r\": {\"models\": 5}}}".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "<stdin>:2:19: error: `models` of role `r` must be an array of strings\n")
        XCTAssertEqual(bad.stdout, "")
        XCTAssertEqual(try run(["import", directory + "/missing.json"]).status, 2)
    }
}

/// `policyc test` as CI runs it.
extension CLITests {
    func testTheExamplesTestsPassWithFullCoverage() throws {
        let result = try run(["test", "--coverage", "examples"])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" passed, 0 failed\n"), result.stdout)
        XCTAssertFalse(result.stdout.contains("not exercised"), result.stdout)
        XCTAssertTrue(result.stdout.contains(" total "), result.stdout)
        let total = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.contains(" total ") })
        XCTAssertTrue(total.hasSuffix("(100.0%)"), String(total))
    }

    func testATestFileImportsThePolicyItTests() throws {
        let directory = try makeTemporaryDirectory().path
        try """
            policy "roles" version 1
            model "m" { provider x }
            features ask
            role r { models "m" features ask max_context 10k }
            """.write(toFile: directory + "/roles.pol", atomically: true, encoding: .utf8)
        try """
            policy "roles tests" version 1
            import "roles.pol"
            test within_the_limit { role r context_tokens 10k expect allow }
            test above_the_limit { role r context_tokens 10001 expect deny reasons context_limit_exceeded }
            """.write(toFile: directory + "/roles_test.pol", atomically: true, encoding: .utf8)
        let result = try run(["test", "--coverage", directory])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.contains("\(directory)/roles.pol") && result.stdout.contains("3/3 (100.0%)"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("2 passed, 0 failed\n"), result.stdout)
    }

    func testPoliciesWithoutTestsMatterOnlyForCoverage() throws {
        let plain = try run(["test", "Tests/PolicyLangTests/testdata/invalid"])
        XCTAssertEqual(plain.status, 0, plain.stdout)
        XCTAssertEqual(plain.stdout, "0 passed, 0 failed\n")
        let covered = try run(["test", "--coverage", "Tests/PolicyLangTests/testdata/invalid/unknown-model.pol"])
        XCTAssertEqual(covered.status, 1)
        XCTAssertTrue(covered.stdout.contains("FAIL Tests/PolicyLangTests/testdata/invalid/unknown-model.pol: does not compile (1 error)"),
                      covered.stdout)
    }

    func testFailuresCoverageAndJUnit() throws {
        let directory = try makeTemporaryDirectory().path
        try """
            policy "p" version 1
            model "m" { provider x }
            features ask
            role r { models "m" features ask block "forbidden" }
            rule never { when request.tokens_in > 1M deny "too big" }
            test passes { role r expect allow }
            test fails { role r prompt "a <forbidden> word" expect allow }
            """.write(toFile: directory + "/p.pol", atomically: true, encoding: .utf8)
        try "test orphan { expect deny }\n".write(toFile: directory + "/part.pol", atomically: true, encoding: .utf8)
        let junit = directory + "/results.xml"
        let result = try run(["test", "--coverage", "--junit", junit, directory])
        XCTAssertEqual(result.status, 1)
        let path = directory + "/p.pol"
        XCTAssertTrue(result.stdout.contains("""
            FAIL fails (\(path):7:1)
                decision: expected allow, got deny
                decided by: blocked_pattern by role:r (\(path):4:1)
            """), result.stdout)
        XCTAssertTrue(result.stdout.contains("FAIL \(directory)/part.pol: has tests but no `policy` header"), result.stdout)
        XCTAssertTrue(result.stdout.contains("not exercised: rule never (\(path):5:1)"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("1 passed, 1 failed\n"), result.stdout)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains(#"<testsuites name="policyc test" tests="2" failures="1" errors="1">"#), xml)
        XCTAssertTrue(xml.contains(#"<testcase name="passes" classname="\#(path)" file="\#(path)" line="6"/>"#), xml)
        XCTAssertTrue(xml.contains(#"<failure message="decision: expected allow, got deny">"#), xml)
        XCTAssertTrue(xml.contains("decided by: blocked_pattern by role:r"), xml)
    }
}

/// `policyc lint` as a user runs it.
extension CLITests {
    func testLintPassesTheEnterprisePolicyAndExplainsFindings() throws {
        let clean = try run(["lint", "examples/enterprise.pol"])
        XCTAssertEqual(clean.status, 0, clean.stdout)
        XCTAssertEqual(clean.stdout, "1 file linted: 0 findings\n")

        let findings = try run(["lint", "examples/gdpr-retention.pol"])
        XCTAssertEqual(findings.status, 1)
        XCTAssertTrue(findings.stdout.contains("examples/gdpr-retention.pol:4:1: warning[P4008]: Cost Controls: no budget is declared\n"),
                      findings.stdout)
        XCTAssertTrue(findings.stdout.contains("help: add `budget NAME {"), findings.stdout)
        XCTAssertTrue(findings.stdout.hasSuffix("1 file linted: 3 findings\n"), findings.stdout)
        let json = try run(["lint", "--format", "json", "examples/gdpr-retention.pol"])
        XCTAssertTrue(json.stdout.contains("\"code\": \"P4005\""), json.stdout)
    }
}

/// `policyc diff` as a pull-request gate runs it.
extension CLITests {
    func testDiffGatesOnGrantsAndReadsCompiledDocuments() throws {
        let directory = try makeTemporaryDirectory().path
        let v4 = "Tests/PolicyLangTests/testdata/diff/enterprise-v4.pol"
        let result = try run(["diff", "--fail-on", "grant", "examples/enterprise.pol", v4])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("+ contractor · claude-3-haiku · ask_mode: context 20,001–50,000 now allowed\n"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("6 grants, 2 revocations, 0 other changes\n"), result.stdout)
        XCTAssertEqual(try run(["diff", "--fail-on", "grant", v4, "examples/enterprise.pol"]).status, 1, "the reverse grants Opus back")

        XCTAssertEqual(try run(["compile", "examples/enterprise.pol", "-o", directory + "/v3.json"]).status, 0)
        let same = try run(["diff", "--fail-on", "any", directory + "/v3.json", "examples/enterprise.pol"])
        XCTAssertEqual(same.status, 0, same.stdout)
        XCTAssertTrue(same.stdout.hasSuffix("no changes\n"), same.stdout)

        let json = try run(["diff", "--format", "json", directory + "/v3.json", v4])
        XCTAssertEqual(json.status, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["grants"] as? Int, 6)
        XCTAssertEqual(object["revocations"] as? Int, 2)

        XCTAssertEqual(try run(["diff", "examples/enterprise.pol"]).status, 2)
        XCTAssertEqual(try run(["diff", "examples/enterprise.pol", directory + "/missing.pol"]).status, 2)
    }
}

/// `policyc match` as an author trying patterns runs it.
extension CLITests {
    func testMatchPrintsSpansAndExitsByWhetherAnythingMatched() throws {
        let text = Data("order #12345 and CUST-000042, mail jane.doe@example.com".utf8)
        let regex = try run(["match", "--pattern", "CUST-[0-9]{6}"], stdin: text)
        XCTAssertEqual(regex.status, 0)
        XCTAssertEqual(regex.stdout, "17-28 regex/CUST-[0-9]{6}\n")
        XCTAssertEqual(try run(["match", "-i", "--pattern", "cust-\\d+"], stdin: text).stdout, "17-28 regex/cust-\\d+\n")
        XCTAssertEqual(try run(["match", "--pattern", "/ORDER/i"], stdin: text).stdout, "0-5 regex//ORDER/i\n")

        let none = try run(["match", "--pattern", "zzz"], stdin: text)
        XCTAssertEqual(none.status, 1)
        XCTAssertEqual(none.stdout, "")

        let refused = try run(["match", "--pattern", "a(?=b)"], stdin: text)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("lookahead needs backtracking"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("  a(?=b)\n   ^"), refused.stderr)

        let policy = try run(["match", "--policy", "examples/enterprise.pol"], stdin: Data("deploy to production; mail jane.doe@example.com".utf8))
        XCTAssertEqual(policy.status, 0, policy.stderr)
        XCTAssertEqual(policy.stdout, "10-20 blocked/contractor\n27-47 detector/pii.email\n")
        XCTAssertEqual(try run(["match", "--pattern", "x", "--policy", "examples/enterprise.pol"]).status, 2)
    }
}
