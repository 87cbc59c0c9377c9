import Foundation
import PolicyRuntime
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `policyc eval --audit` and `policyc audit verify` as an operator runs them: a record per
/// decision, exit 0/1/2, tampering named by file and line, and a process killed mid-append
/// losing no record of a decision it gave.
final class AuditCLITests: XCTestCase {
    static func requests(_ count: Int, prefix: String = "r") -> String {
        (0..<count).map { index in
            #"{"request_id":"\#(prefix)\#(index)","user":{"id":"u\#(index % 5)","role":"contractor"},"model":"claude-3-haiku","feature":"ask_mode","context_tokens":100,"prompt":"mail jane\#(index)@example.com the report","timestamp":"2026-12-07T10:00:00Z"}"#
        }.joined(separator: "\n") + "\n"
    }

    func setUpKey() throws -> (directory: URL, key: String, trail: String) {
        let directory = try makeTemporaryDirectory()
        let key = directory.appendingPathComponent("audit.key").path
        try Data("4f1c2a9e7b3d5f60812a4c6e8b0d2f4a6c8e0a2b4d6f8091a3c5e7f9b1d3f5a7\n".utf8).write(to: URL(fileURLWithPath: key))
        return (directory, key, directory.appendingPathComponent("trail").path)
    }

    func testEveryDecisionIsRecordedAndTheChainVerifies() throws {
        let (_, key, trail) = try setUpKey()
        // enterprise.pol says `audit { encrypt true }`: text is kept only on encrypted storage.
        let eval = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--audit", trail, "--audit-key", key,
                                     "--audit-storage-encrypted"], stdin: Data(AuditCLITests.requests(20).utf8))
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertEqual(eval.stdout.split(separator: "\n").count, 20)
        let file = trail + "/audit-000000000001.jsonl"
        let records = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(records.count, 20)
        XCTAssertTrue(records[0].contains(#""prompt":"mail [pii."#), "the contractor's prompt is kept, redacted: \(records[0])")
        XCTAssertFalse(records.contains { $0.contains("@example.com") }, "a detected e-mail address never reaches the trail")
        let (_, _, plainTrail) = try setUpKey()
        _ = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--audit", plainTrail, "--audit-key", key],
                             stdin: Data(AuditCLITests.requests(2).utf8))
        let plain = try String(contentsOfFile: plainTrail + "/audit-000000000001.jsonl", encoding: .utf8)
        XCTAssertFalse(plain.contains(#""prompt":"#), "without encrypted storage, `encrypt true` keeps no text: \(plain)")
        XCTAssertTrue(plain.contains(#""prompt_digest":"#))
        XCTAssertTrue(records[0].contains(#""request_id":"r0""#), String(records[0]))
        let verify = try CLITests.run(["audit", "verify", "--audit-key", key, trail])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertEqual(verify.stdout, "audit verify: the chain is whole: 20 records in 1 files, seq 1…20\n")
    }

    func testTamperingExitsOneAndAWrongKeyOrForeignInputExitsTwo() throws {
        let (directory, key, trail) = try setUpKey()
        _ = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--audit", trail, "--audit-key", key],
                             stdin: Data(AuditCLITests.requests(5).utf8))
        let file = trail + "/audit-000000000001.jsonl"
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: #""outcome":"deny""#, with: #""outcome":"allow""#)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let tampered = try CLITests.run(["audit", "verify", "--audit-key", key, trail])
        XCTAssertEqual(tampered.status, 1)
        XCTAssertEqual(tampered.stderr, "audit verify: \(file):4: seq 4 was modified (its MAC does not match its content)\n")

        let otherKey = directory.appendingPathComponent("other.key").path
        try Data(String(repeating: "ab", count: 32).utf8).write(to: URL(fileURLWithPath: otherKey))
        let wrongKey = try CLITests.run(["audit", "verify", "--audit-key", otherKey, trail])
        XCTAssertEqual(wrongKey.status, 2)
        XCTAssertTrue(wrongKey.stderr.contains("not among the keys given"), wrongKey.stderr)
        let noKey = try CLITests.run(["audit", "verify", trail])
        XCTAssertEqual(noKey.status, 2)
        XCTAssertTrue(noKey.stderr.contains("an audit key is required"), noKey.stderr)
        let foreign = try CLITests.run(["audit", "verify", "--audit-key", key, "examples/enterprise.pol"])
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.stderr.contains("examples/enterprise.pol:1: not a JSON object"), foreign.stderr)
        let shortKey = directory.appendingPathComponent("short.key").path
        try Data("short".utf8).write(to: URL(fileURLWithPath: shortKey))
        let short = try CLITests.run(["audit", "verify", "--audit-key", shortKey, trail])
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("at least 32 are needed"), short.stderr)
        XCTAssertFalse((short.stderr + wrongKey.stderr).contains("abababab"), "a key never reaches output")
    }

    func testEraseRemovesAUserAndTheTrailStillVerifies() throws {
        let (_, key, trail) = try setUpKey()
        _ = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--audit", trail, "--audit-key", key],
                             stdin: Data(AuditCLITests.requests(10).utf8))
        let erase = try CLITests.run(["audit", "erase", "--user", "u3", "--audit-key", key, trail])
        XCTAssertEqual(erase.status, 0, erase.stderr)
        XCTAssertTrue(erase.stdout.hasPrefix(#"{"erased":{"subject":""#), erase.stdout)
        XCTAssertTrue(erase.stdout.contains(#""records_erased":2,"files_rewritten":1,"records_checked":10,"receipt_seq":11"#), erase.stdout)
        let text = try String(contentsOfFile: trail + "/audit-000000000001.jsonl", encoding: .utf8)
        XCTAssertFalse(text.contains(#""u3""#), "the user's id is nowhere")
        XCTAssertEqual(try CLITests.run(["audit", "verify", "--audit-key", key, trail]).status, 0)
        let missing = try CLITests.run(["audit", "erase", "--audit-key", key, trail])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--user ID is required"), missing.stderr)
    }

    func testPruneAppliesThePolicysRetentionAndTheTrailStillVerifies() throws {
        let (_, key, trail) = try setUpKey()
        // Three requests from a year and a half ago, then two from last week (a file per day).
        let requests = [("2025-06-01T10:00:00Z", 3), ("2026-12-01T10:00:00Z", 2)].flatMap { time, count in
            (0..<count).map { #"{"user":{"id":"u\#($0)","role":"developer"},"model":"claude-3-haiku","feature":"ask_mode","prompt":"hello","timestamp":"\#(time)"}"# }
        }.joined(separator: "\n") + "\n"
        let eval = try CLITests.run(["eval", "--policy", "examples/gdpr-retention.pol", "--audit", trail, "--audit-key", key], stdin: Data(requests.utf8))
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let prune = try CLITests.run(["audit", "prune", "--policy", "examples/gdpr-retention.pol", "--audit-key", key, trail])
        XCTAssertEqual(prune.status, 0, prune.stderr)
        XCTAssertEqual(prune.stdout, #"{"pruned":{"prompts_erased":0,"responses_erased":0,"files_deleted":1,"records_deleted":3,"first_seq":4,"receipt_seq":6}}"# + "\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: trail + "/audit.anchor"))
        let verify = try CLITests.run(["audit", "verify", "--audit-key", key, trail])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertEqual(verify.stdout, "audit verify: the chain is whole: 3 records in 2 files, seq 4…6\n")
    }

    func testADecisionThatCannotBeRecordedIsDeniedWithAuditUnavailable() throws {
        let (directory, key, trail) = try setUpKey()
        // A file size limit of 512 bytes: the first record does not fit, as on a full disk.
        func run(_ policy: String) throws -> CLITests.Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let executable = try XCTUnwrap(CLITests.executable).path
            process.arguments = ["-c", "ulimit -f 1; exec \"$0\" eval --policy \"$1\" --audit \"$2\" --audit-key \"$3\"",
                                 executable, policy, trail, key]
            process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.root)
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data(AuditCLITests.requests(3).utf8))
            try input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                                stderr: String(decoding: err, as: UTF8.self))
        }
        let closed = try run("examples/enterprise.pol")
        XCTAssertEqual(closed.status, 2, closed.stderr)
        let lines = closed.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "every request is still answered")
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix(#"{"decision":"deny""#) && $0.contains(#""code":"audit_unavailable""#) }, closed.stdout)
        XCTAssertTrue(closed.stderr.contains("a decision was not recorded"), closed.stderr)
        XCTAssertTrue(closed.stderr.contains("denied with audit_unavailable"), closed.stderr)

        // A policy with `audit { fail_open true }` gives the decisions as decided.
        let open = directory.appendingPathComponent("open.pol").path
        try Data("""
            policy "open" version 1
            model "claude-3-haiku" {
              provider  anthropic
            }
            features ask_mode
            role contractor {
              models    "claude-3-haiku"
              features  ask_mode
            }
            audit {
              default_level  standard
              fail_open      true
            }
            """.utf8).write(to: URL(fileURLWithPath: open))
        try? FileManager.default.removeItem(atPath: trail)
        let failingOpen = try run(open)
        XCTAssertEqual(failingOpen.status, 2, failingOpen.stderr)
        XCTAssertFalse(failingOpen.stdout.contains("audit_unavailable"), failingOpen.stdout)
        XCTAssertTrue(failingOpen.stderr.contains("given as decided (audit.fail_open)"), failingOpen.stderr)
    }

    func testAProcessKilledMidAppendLosesNoRecordOfADecisionItGave() throws {
        let (_, key, trail) = try setUpKey()
        let child = try CLITests.coprocess(["eval", "--policy", "examples/enterprise.pol", "--audit", trail, "--audit-key", key])
        let all = AuditCLITests.requests(300, prefix: "k").split(separator: "\n").map { String($0) + "\n" }
        var acknowledged: [String] = []
        // Ten requests at a time; each decision read back was given.
        for chunk in 0..<10 {
            _ = try XCTUnwrap(CLITests.exchange(child, all[chunk * 10..<chunk * 10 + 10]), "eval ended early")
            acknowledged += (chunk * 10..<chunk * 10 + 10).map { "k\($0)" }
        }
        child.input.write(Data(all[100...].joined().utf8))
        kill(child.process.processIdentifier, SIGKILL)
        child.process.waitUntilExit()

        // Opening the trail again repairs a record the kill cut short, and says so in the chain.
        let reopened = try CLITests.run(["eval", "--policy", "examples/enterprise.pol", "--audit", trail, "--audit-key", key],
                                        stdin: Data(AuditCLITests.requests(1, prefix: "after").utf8))
        XCTAssertEqual(reopened.status, 0, reopened.stderr)
        let verify = try CLITests.run(["audit", "verify", "--audit-key", key, trail])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: trail).filter { $0.hasSuffix(".jsonl") }
        let text = try files.map { try String(contentsOfFile: trail + "/" + $0, encoding: .utf8) }.joined()
        for id in acknowledged {
            XCTAssertTrue(text.contains(#""request_id":"\#(id)""#), "the decision for \(id) was given, so its record survived")
        }
    }
}
