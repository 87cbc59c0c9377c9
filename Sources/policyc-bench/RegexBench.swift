import Foundation
import PolicyRuntime

/// `policyc-bench regex`: the linear-time engine on patterns that make backtracking engines take
/// exponential time, the cost of compiling many patterns, and of case-insensitive large classes.
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
    // Case-insensitive classes over large ranges: folding walks the case-orbit table, never the
    // range scalar by scalar, so these cost about what a small class does.
    print("  compiling one case-insensitive class (median of 21)")
    for pattern in ["(?i)[a-z]", "(?i)[\\x{0}-\\x{10FFFF}]", "(?i)[^a]", "(?i)[\\x{100}-\\x{24F}]", "(?i)[\\x{430}-\\x{7FF}]", "(?i)\\W",
                    "(?i)[[:^upper:]\\x{370}-\\x{3FF}\\x{10400}-\\x{1044F}]"] {
        var regex: LinearRegex?
        let seconds = measure(21) { regex = try? LinearRegex(pattern) }
        guard regex != nil else { fail("cannot compile \(pattern)") }
        print("    " + pattern.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%8.1f µs", seconds * 1_000_000))
    }
}
