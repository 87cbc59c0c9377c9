import Foundation
import PolicyRuntime
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `policyc eval --state DIR` as gateways run it: several processes charging one budget at once,
/// and a process killed with SIGKILL in the middle of charging.
final class UsageStateCLITests: XCTestCase {
    /// Each request costs exactly 10,000 micro-dollars (10 input tokens at $1 per 1k, no output),
    /// so the $1 budget holds exactly 100 of them.
    static let policy = """
        policy "exact" version 1
        model "m" {
          provider  test
          price     input $1 per 1k, output $1 per 1k
        }
        features ask_mode
        role developer {
          models    "m"
          features  ask_mode
        }
        budget organization_daily {
          scope   organization
          period  daily
          limit   $1
        }
        """

    static func requests(_ prefix: String, _ count: Int) -> String {
        (0..<count).map { index in
            #"{"request_id":"\#(prefix)-\#(index)","user":{"id":"u\#(index % 7)","role":"developer"},"model":"m","feature":"ask_mode","tokens_in":10,"max_tokens":0,"timestamp":"2026-12-07T10:00:00Z"}"#
        }.joined(separator: "\n") + "\n"
    }

    private func used(_ directory: String) throws -> Int {
        let store = try FileUsageStore(directory: directory)
        return try store.used([Meter(key: "budget/organization_daily/usd_micros/daily/", window: .calendar(.daily))], at: 1_796_637_600)[0]
    }

    private func setUpPolicy() throws -> (policy: String, state: String) {
        let directory = try makeTemporaryDirectory()
        let policy = directory.appendingPathComponent("exact.pol").path
        try Data(UsageStateCLITests.policy.utf8).write(to: URL(fileURLWithPath: policy))
        return (policy, directory.appendingPathComponent("state").path)
    }

    private func launch(_ arguments: [String]) throws -> (process: Process, input: FileHandle, output: FileHandle) {
        try CLITests.coprocess(arguments)
    }

    func testFourProcessesChargingOneBudgetAllowExactlyTheLimit() throws {
        let (policy, state) = try setUpPolicy()
        var children: [(process: Process, input: FileHandle, output: FileHandle)] = []
        for _ in 0..<4 { children.append(try launch(["eval", "--policy", policy, "--state", state, "--replay"])) }
        // Everything is written first, then read, so the four run at the same time.
        let outputs = Outputs()
        let group = DispatchGroup()
        for (index, child) in children.enumerated() {
            DispatchQueue.global().async(group: group) {
                let data = child.output.readDataToEndOfFile()
                outputs.set(index, String(decoding: data, as: UTF8.self))
            }
            child.input.write(Data(UsageStateCLITests.requests("p\(index)", 60).utf8))
            try child.input.close()
        }
        group.wait()
        for child in children { child.process.waitUntilExit() }
        let lines = outputs.all.flatMap { $0.split(separator: "\n") }
        XCTAssertEqual(lines.count, 240)
        let allowed = lines.filter { $0.hasPrefix(#"{"decision":"allow""#) }.count
        let refused = lines.filter { $0.contains(#""code":"budget_exceeded""#) }.count
        XCTAssertEqual(allowed, 100, "four processes together allow exactly what the budget holds")
        XCTAssertEqual(refused, 140)
        XCTAssertEqual(try used(state), 1_000_000)
    }

    func testAProcessKilledMidChargeLosesNoAcknowledgedChargeAndCountsNoneTwice() throws {
        let (policy, state) = try setUpPolicy()
        let child = try launch(["eval", "--policy", policy, "--state", state, "--replay"])
        let all = UsageStateCLITests.requests("k", 150).split(separator: "\n").map { String($0) + "\n" }
        var acknowledged = 0
        // Ten requests at a time; each decision read back is acknowledged.
        for chunk in 0..<8 {
            let lines = try XCTUnwrap(CLITests.exchange(child, all[chunk * 10..<chunk * 10 + 10]), "eval ended early")
            acknowledged += lines.filter { $0.starts(with: Array(#"{"decision":"allow""#.utf8)) }.count
        }
        XCTAssertEqual(acknowledged, 80)
        // More requests in flight, then SIGKILL: whatever eval was doing is cut short.
        child.input.write(Data(all[80..<150].joined().utf8))
        kill(child.process.processIdentifier, SIGKILL)
        child.process.waitUntilExit()

        let afterCrash = try used(state)
        XCTAssertGreaterThanOrEqual(afterCrash, acknowledged * 10_000, "every acknowledged charge survived")
        XCTAssertEqual(afterCrash % 10_000, 0, "no charge is half written")
        XCTAssertLessThanOrEqual(afterCrash, 1_000_000)

        // The gateway sends everything again: what was charged is recognised by its request id.
        let again = try launch(["eval", "--policy", policy, "--state", state, "--replay"])
        DispatchQueue.global().async {
            again.input.write(Data(all.joined().utf8))
            try? again.input.close()
        }
        let output = String(decoding: again.output.readDataToEndOfFile(), as: UTF8.self)
        again.process.waitUntilExit()
        XCTAssertEqual(output.split(separator: "\n").count, 150)
        XCTAssertEqual(try used(state), 1_000_000, "100 requests charged once each: nothing lost, nothing counted twice")
    }
}

/// Outputs of concurrent children, by index.
final class Outputs: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [Int: String] = [:]
    func set(_ index: Int, _ text: String) { lock.lock(); texts[index] = text; lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return texts.keys.sorted().map { texts[$0]! } }
}
