/// The report as Markdown: a title, the period, then every table of ``tables`` (the numbers the
/// JSON holds, money in dollars and cents).
extension ComplianceReport {
    /// The Markdown text, with a final newline.
    public func markdown() -> String {
        var lines = ["# \(ComplianceReport.markdownEscaped(title))", "",
                     "Period: \(Timestamp(secondsSinceEpoch: from).rfc3339) to \(Timestamp(secondsSinceEpoch: to).rfc3339) (the end excluded).", ""]
        for warning in warnings { lines += ["> **Warning.** " + warning, ""] }
        for table in tables {
            lines += ["## \(table.title)", "", table.note, ""]
            guard !table.rows.isEmpty else {
                lines += ["None in the period.", ""]
                continue
            }
            let numeric = ComplianceReport.numericColumns(table)
            lines.append("| " + table.columns.joined(separator: " | ") + " |")
            lines.append("|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined())
            for row in table.rows {
                lines.append("| " + row.map { $0.isName ? ComplianceReport.markdownCode($0.text) : ComplianceReport.markdownEscaped($0.text) }
                    .joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The report's title: the policy's name when one was given.
    var title: String {
        policy.map { "Compliance report: \($0.name) v\($0.version)" } ?? "Compliance report"
    }

    /// A name from the records as a code span in a table cell: inside one, no emphasis, link,
    /// autolink or HTML is recognised; a backtick run longer than any in the name fences it, and
    /// pipes are escaped as GFM tables require even inside code spans.
    static func markdownCode(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        var cleaned = ""
        var longestRun = 0, run = 0
        for scalar in text.unicodeScalars {
            if scalar == "`" { run += 1; longestRun = max(longestRun, run) } else { run = 0 }
            switch scalar {
            case "|": cleaned += "\\|"
            case "\n", "\r", "\t": cleaned += " "
            default: if scalar.value < 0x20 || scalar.value == 0x7F { cleaned += " " } else { cleaned.unicodeScalars.append(scalar) }
            }
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padding = cleaned.hasPrefix("`") || cleaned.hasSuffix("`") || cleaned.hasPrefix(" ") ? " " : ""
        return fence + padding + cleaned + padding + fence
    }

    /// Text safe in a Markdown table cell: `|`, backslashes, emphasis, code and link characters and line breaks
    /// cannot end the cell or start markup (a user id or file name is data, never layout).
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|", "\\", "*", "`", "[", "]": out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
