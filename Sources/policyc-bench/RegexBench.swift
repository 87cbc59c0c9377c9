import Foundation
import PolicyRuntime

/// `policyc-bench regex`: the linear-time engine on patterns that make backtracking engines take
/// exponential time, and the cost of compiling many patterns.
func runRegexBench() {
    let text = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
    print("Regex: pathological patterns over 100 KB of `a` (median of 5)")
    for pattern in ["(a+)+b", "(a|aa)*c", "(.*a){20}"] {
        guard let regex = try? LinearRegex(pattern) else { fail("cannot compile \(pattern)") }
        var count = 0
        let seconds = measure(5) { count = regex.matches(in: text).count }
        print(String(format: "  %-10@ %8.2f ms  %d matches", pattern as NSString, seconds * 1000, count))
    }
    let patterns = (0..<1_000).map { "(?i)customer-[0-9]{6}-\($0)|ord(er)?\\s*#?\\d{4,8}x\($0)|\\b[a-z]+_\($0)_secret\\b" }
    var compiled: [LinearRegex] = []
    let seconds = measure(5) { compiled = patterns.compactMap { try? LinearRegex($0) } }
    print(String(format: "  compiling %d regexes: %.1f ms", compiled.count, seconds * 1000))
}
