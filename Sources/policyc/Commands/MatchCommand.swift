import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc match (--pattern REGEX | --policy FILE) [FILE|-]`: try patterns on sample text.
enum MatchCommand: Command {
    static let name = "match"
    static let summary = "show what a regex or a policy's patterns and detectors find in a text"
    static let usage = "policyc match (--pattern REGEX [-i] | --policy FILE) [FILE|-]"
    static let details = """
        Reads the text from FILE or standard input and prints each match on its own line as
        `START-END TYPE/NAME` (byte offsets into the text), ordered by position:

          --pattern REGEX   one regular expression (grammar.md §3; `/…/i` works too): regex/REGEX
          --policy FILE     a .pol root or compiled .json: every detector (detector/pii.email),
                            pattern list (pattern/LIST) and role's blocked patterns (blocked/ROLE)

        The text itself is never printed. An invalid regex is reported with the offending
        position in the pattern.

        exit status: 0 something matched, 1 nothing did, 2 usage or I/O error, or an invalid
        pattern or policy
        """
    static let options = [
        OptionSpec("pattern", value: "REGEX", help: "the regular expression to try"),
        OptionSpec("ignore-case", short: "i", help: "with --pattern: case-insensitive"),
        OptionSpec("policy", value: "FILE", help: "try every pattern and detector of a policy"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard (arguments.value("pattern") == nil) != (arguments.value("policy") == nil) else {
            throw .usage("match: give either --pattern or --policy\n\(usage)")
        }
        guard arguments.positionals.count <= 1 else { throw .usage("match: one text file at most\n\(usage)") }
        let path = arguments.positionals.first ?? "-"
        let text = try Output.readInput(path)
        var lines: [String] = []
        if let source = arguments.value("pattern") {
            let regex = try compile(source, caseInsensitive: arguments.has("ignore-case"))
            lines = regex.matches(in: text).map { "\($0.lowerBound)-\($0.upperBound) regex/\(source)" }
        } else if let policyPath = arguments.value("policy") {
            let plan = try PolicyLoader.plan(policyPath, command: name)
            lines = plan.matches(in: text).map { "\($0.start)-\($0.end) \($0.kind)/\($0.name)" }
        }
        Output.out(lines.map { $0 + "\n" }.joined())
        return lines.isEmpty ? .policyErrors : .success
    }

    /// `REGEX` or `/REGEX/i`; an invalid one is a usage error that shows where.
    private static func compile(_ source: String, caseInsensitive: Bool) throws(CommandFailure) -> LinearRegex {
        var pattern = source
        var ignoreCase = caseInsensitive
        if source.count >= 2, source.hasPrefix("/"), let close = source.lastIndex(of: "/"), close > source.startIndex {
            let flags = source[source.index(after: close)...]
            if flags.allSatisfy({ $0 == "i" }) {
                pattern = String(source[source.index(after: source.startIndex)..<close])
                ignoreCase = ignoreCase || !flags.isEmpty
            }
        }
        do {
            return try LinearRegex(pattern, caseInsensitive: ignoreCase)
        } catch {
            let column = String(decoding: Array(pattern.utf8).prefix(error.offset), as: UTF8.self).count
            throw .usage("invalid regular expression: \(error.message)\n  \(pattern)\n  \(String(repeating: " ", count: column))^")
        }
    }
}
