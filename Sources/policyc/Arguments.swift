import Foundation
import PolicyLang
import PolicyRuntime

/// A small, table-driven argument parser (the project takes no package dependencies).
///
/// Supports `--flag`, `--option value`, `--option=value`, `-o value`, `--` to end options,
/// and `-` as a positional (standard input).
struct OptionSpec {
    /// Long name without dashes.
    let name: String
    /// One-letter short name, if any.
    let short: Character?
    /// Name of the value (`FILE`), or nil for a flag.
    let value: String?
    /// Allowed values, when fixed.
    let choices: [String]
    /// One line of help.
    let help: String

    init(_ name: String, short: Character? = nil, value: String? = nil, choices: [String] = [], help: String) {
        self.name = name
        self.short = short
        self.value = value
        self.choices = choices
        self.help = help
    }
}

/// Parsed command-line arguments of one command.
struct ParsedArguments {
    var values: [String: String] = [:]
    /// Every value of each option, in order (an option given twice keeps the last in `values`).
    var allValues: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { values[name] }
    /// Every value given for a repeatable option (`--audit-key A --audit-key B`).
    func values(_ name: String) -> [String] { allValues[name] ?? [] }
    func has(_ name: String) -> Bool { flags.contains(name) }
}

enum ArgumentParser {
    /// Parses `arguments` against `options`; `--help` is always accepted.
    static func parse(_ arguments: [String], options: [OptionSpec], command: String) throws(CommandFailure) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        func spec(named name: String) throws(CommandFailure) -> OptionSpec {
            if name == "help" { return OptionSpec("help", help: "") }
            if let found = options.first(where: { $0.name == name }) { return found }
            let hint = Suggestion.closest(to: name, in: options.map(\.name) + ["help"]).map { "; did you mean `--\($0)`?" } ?? ""
            throw .usage("\(command): unknown option `--\(name)`\(hint)")
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name: String
            var inlineValue: String?
            if argument.hasPrefix("--") {
                name = String(argument.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
            } else {
                let letter = argument.dropFirst()
                if letter == "h" {
                    name = "help"
                } else if letter.count == 1, let found = options.first(where: { $0.short == letter.first }) {
                    name = found.name
                } else {
                    throw .usage("\(command): unknown option `\(argument)`")
                }
            }
            let option = try spec(named: name)
            guard let valueName = option.value else {
                if inlineValue != nil { throw .usage("\(command): `--\(name)` takes no value") }
                result.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw .usage("\(command): `--\(name)` needs a value \(valueName)") }
                value = arguments[index]
                index += 1
            }
            if !option.choices.isEmpty, !option.choices.contains(value) {
                throw .usage("\(command): `--\(name)` must be one of \(option.choices.joined(separator: ", ")), not `\(value)`")
            }
            result.values[name] = value
            result.allValues[name, default: []].append(value)
        }
        return result
    }

    /// Help lines for a command's options.
    static func helpLines(_ options: [OptionSpec]) -> String {
        let rows = options.map { option -> (String, String) in
            var left = option.short.map { "-\($0), " } ?? "    "
            left += "--\(option.name)"
            if let value = option.value { left += " \(value)" }
            var help = option.help
            if !option.choices.isEmpty { help += " (\(option.choices.joined(separator: "|")))" }
            return (left, help)
        } + [("-h, --help", "show this help")]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }
}
