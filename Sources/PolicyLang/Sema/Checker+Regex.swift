import PolicyRuntime

/// Regular expressions in pattern lists and `block`: each is compiled by the runtime's engine at
/// check time, so a pattern the engine refuses is an error pointing into the pattern — never a
/// surprise at request time.
extension Checker {
    /// Whether the regex compiles and cannot match the empty string; reports P1009 otherwise.
    mutating func checkRegex(_ regex: RegexLiteralSyntax, _ file: SourceFile) -> Bool {
        do {
            let compiled = try LinearRegex(regex.pattern, caseInsensitive: regex.caseInsensitive)
            if compiled.matchesEmpty {
                error(.invalidRegex, "this regular expression matches the empty string, so it would match every text", file, regex.span,
                      help: "make it require at least one character, e.g. `+` instead of `*`")
                return false
            }
            return true
        } catch let problem {
            // Point at the offending character: one UTF-8 sequence from the pattern's offset.
            let start = min(regex.patternStart + UInt32(problem.offset), regex.span.end)
            var end = start + 1
            while end < regex.span.end, file.bytes[Int(end)] & 0xC0 == 0x80 { end += 1 }
            error(.invalidRegex, "invalid regular expression: \(problem.message)", file, Span(start: start, end: min(end, regex.span.end)),
                  help: "regular expressions follow the RE2-like syntax in grammar.md; nothing that needs backtracking")
            return false
        }
    }

    /// The compiled form of a regex written in a policy.
    func compiledBlockedRegex(_ regex: RegexLiteralSyntax, list: String?) -> CompiledBlockedPattern {
        CompiledBlockedPattern(text: regex.pattern, wholeWord: false, list: list,
                               regex: CompiledRegexFlags(caseInsensitive: regex.caseInsensitive))
    }
}
