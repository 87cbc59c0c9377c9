import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc-bench diff [--roles N] [--write DIR]`: `policyc diff` on 1,000 roles × 20 models ×
/// 10 features × 4 operations, between a policy and a version where every third role changed (a
/// context limit, a model, a feature, an approval or a blocked pattern).
func runDiffBench(_ arguments: [String]) {
    var roles = 1_000
    var writeDirectory: String?
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--roles": roles = Int(rest.popFirst() ?? "") ?? roles
        case "--write": writeDirectory = rest.popFirst()
        default: fail("unknown option `\(argument)`")
        }
    }
    let old = diffBenchPolicy(roles: roles, version: 1)
    let new = diffBenchPolicy(roles: roles, version: 2)
    if let directory = writeDirectory {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/old.pol", contents: Data(old.utf8))
        _ = FileManager.default.createFile(atPath: directory + "/new.pol", contents: Data(new.utf8))
    }
    let before = compilePolicy(old)
    let after = compilePolicy(new)
    guard let oldPlan = try? Plan(before), let newPlan = try? Plan(after) else { fail("cannot plan the diff policies") }
    var diff: PolicyDiff?
    let seconds = measure(9) { diff = PolicyDiff(old: oldPlan, new: newPlan) }
    var rendered = ""
    let renderSeconds = measure(9) { rendered = DiffRenderer.text(diff!, color: false) }
    print(String(format: "Diff: %d roles × %d models × %d features × %d operations: %.1f ms to compare, %.1f ms to print; %d grants, %d revocations (%d lines)",
                 roles, before.models.count, before.features.count, before.operations.count + 1, seconds * 1000,
                 renderSeconds * 1000, diff!.grants, diff!.revocations, rendered.split(separator: "\n").count))
}

/// A deterministic policy; version 2 changes every third role in one way or another.
func diffBenchPolicy(roles: Int, version: Int) -> String {
    let models = (0..<20).map { "model-\($0)" }
    let features = (0..<10).map { "feature_\($0)" }
    let operations = ["database_operations", "deployment_commands", "production_access"]
    var text = "policy \"diff-bench\" version \(version)\n\n"
    for model in models { text += "model \"\(model)\" { provider bench }\n" }
    text += "features " + features.joined(separator: ", ") + "\noperations " + operations.joined(separator: ", ") + "\n\n"
    for index in 0..<roles {
        var roleModels = (0..<4).map { models[(index * 7 + $0 * 3) % models.count] }
        var roleFeatures = (0..<3).map { features[(index * 3 + $0) % features.count] }
        var limit = 20_000 + (index % 8) * 10_000
        var approvals = [operations[index % operations.count]]
        var blocked = ["term-\(index % 97)", "secret-\(index % 89)"]
        if version == 2, index % 3 == 0 {
            switch (index / 3) % 5 {
            case 0: limit += 15_000
            case 1: roleModels[0] = models[(index + 11) % models.count]
            case 2: roleFeatures.removeLast()
            case 3: approvals = []
            default: blocked.removeLast()
            }
        }
        text += "role role_\(index) {\n  models \(Set(roleModels).sorted().map { "\"\($0)\"" }.joined(separator: ", "))\n"
        text += "  features \(Set(roleFeatures).sorted().joined(separator: ", "))\n  max_context \(limit)\n"
        if !approvals.isEmpty { text += "  requires_approval \(approvals.joined(separator: ", "))\n" }
        text += "  block \(blocked.map { "\"\($0)\"" }.joined(separator: ", "))\n}\n"
    }
    return text
}
