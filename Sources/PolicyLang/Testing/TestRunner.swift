import Foundation
import PolicyRuntime

/// Runs `test` blocks against a planned policy and compares each decision with what the test
/// expects.
public enum TestRunner {
    /// How one test went.
    public struct Result: Sendable {
        /// The test.
        public var test: PolicyTest
        /// The decision it got.
        public var decision: Decision
        /// One line per expectation that did not hold, e.g. `decision: expected deny, got allow`.
        public var mismatches: [String]
        /// What decided: each reason's rule and source, or what allowed the request.
        public var decidedBy: [String]
        /// Whether every expectation held.
        public var passed: Bool { mismatches.isEmpty }
    }

    /// Runs `tests`, recording into `coverage` what each one exercised.
    ///
    /// A policy with budgets or rate limits decides each test through a ``UsageMeter`` over a
    /// fresh in-memory store holding the test's prior use, with the clock stopped, so a test
    /// sees what a gateway with a usage store would.
    public static func run(_ tests: [PolicyTest], plan: Plan, coverage: inout Coverage) -> [Result] {
        let now = Int(Date().timeIntervalSince1970)
        let metered = !plan.compiled.budgets.isEmpty || !plan.compiled.rateLimits.isEmpty
        return tests.map { test in
            var trace = EvaluationTrace()
            var decision: Decision
            var problems: [String] = []
            if metered {
                let store = MemoryUsageStore()
                let meter: UsageMeter
                do {
                    meter = try UsageMeter(plan: plan, store: store, options: .init(timestampTolerance: nil), clock: { now })
                } catch {
                    // A checked policy always meters; a document that does not is reported, not skipped.
                    decision = plan.evaluate(test.request, trace: &trace)
                    return Result(test: test, decision: decision, mismatches: ["usage: the policy cannot be metered: \(error)"],
                                  decidedBy: decidedBy(decision))
                }
                let time = test.request.timestamp?.secondsSinceEpoch ?? now
                for prior in test.priorUse {
                    if let target = meter.meter(named: prior.name, for: test.request) {
                        store.addPriorUse(prior.amount, to: target, at: time)
                    } else {
                        problems.append("used: `\(prior.name)` does not count this request (it is for another member of its scope)")
                    }
                }
                decision = meter.evaluate(test.request, trace: &trace)
            } else {
                decision = plan.evaluate(test.request, trace: &trace)
            }
            coverage.record(test.request, trace, decision, plan.compiled)
            return Result(test: test, decision: decision, mismatches: problems + mismatches(test.expectation, decision),
                          decidedBy: decidedBy(decision))
        }
    }

    static func mismatches(_ expected: PolicyTest.Expectation, _ decision: Decision) -> [String] {
        var lines: [String] = []
        if decision.outcome != expected.decision {
            lines.append("decision: expected \(expected.decision.rawValue), got \(decision.outcome.rawValue)")
        }
        func compare(_ what: String, _ expected: [String]?, _ actual: [String]) {
            guard let expected else { return }
            let wanted = Set(expected).sorted()
            let got = Set(actual).sorted()
            if wanted != got {
                lines.append("\(what): expected \(list(wanted)), got \(list(got))")
            }
        }
        compare("reasons", expected.reasons, decision.reasons.map(\.code.rawValue))
        compare("alerts", expected.alerts, decision.alerts.map(\.name))
        compare("detections", expected.detections, decision.detections.map(\.type))
        compare("approvals", expected.approvals, decision.approvals)
        compare("playbooks", expected.playbooks, decision.playbooks.map(\.name))
        if let level = expected.auditLevel, level != decision.auditLevel.rawValue {
            lines.append("audit: expected \(level), got \(decision.auditLevel.rawValue)")
        }
        return lines
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }

    static func decidedBy(_ decision: Decision) -> [String] {
        if decision.reasons.isEmpty { return ["nothing denied and nothing needs approval: the role's checks passed"] }
        return decision.reasons.map { reason in
            "\(reason.code.rawValue) by \(reason.rule)" + (reason.source.isEmpty ? "" : " (\(reason.source))")
        }
    }
}
