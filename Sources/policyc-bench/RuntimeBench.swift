import Foundation
import PolicyRuntime

/// `policyc-bench runtime --data DIR`: the runtime workloads of `../shared/bench`, on the data its
/// `gen_data.py` writes, so the figures compare with the peers' in `peer-figures.md`.
func runRuntimeBench(_ arguments: [String]) {
    var data: String?
    var iterations = 5
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--data": data = rest.popFirst()
        case "--iterations": iterations = max(1, Int(rest.popFirst() ?? "") ?? iterations)
        default: fail("unknown option `\(argument)`")
        }
    }
    guard let data else { fail("runtime needs --data DIR (the output of ../shared/bench/gen_data.py)") }
    func load(_ name: String) -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: data + "/" + name) else { fail("cannot read \(data)/\(name)") }
        return [UInt8](contents)
    }

    print("W2a: literal patterns, ASCII case-insensitive, every occurrence counted (MB = 10^6 bytes)")
    for patternsFile in ["patterns_50.txt", "patterns_1000.txt"] {
        let literals = String(decoding: load(patternsFile), as: UTF8.self).split(separator: "\n").map(String.init)
        let matcher = LiteralMatcher(literals: literals)
        for corpus in ["corpus_1MiB.txt", "corpus_16MiB.txt"] {
            let text = load(corpus)
            var count = 0
            let seconds = measure(iterations) {
                count = 0
                text.withUnsafeBufferPointer { buffer in
                    matcher.scan(buffer) { _, _, _ in
                        count += 1
                        return true
                    }
                }
            }
            let rate = Double(text.count) / seconds / 1e6
            print("  \(literals.count) patterns, \(corpus): \(String(format: "%8.1f", rate)) MB/s  \(count) matches")
        }
    }
}
