/// The report as Markdown: a title, the period, then every table of ``tables`` (the numbers the
/// JSON holds, money in dollars and cents).
extension ComplianceReport {
    /// The Markdown text, with a final newline.
    public func markdown() -> String {
        var lines = ["# \(ComplianceReport.markdownEscaped(title))", "",
                     "Period: \(Timestamp(secondsSinceEpoch: from).rfc3339) to \(Timestamp(secondsSinceEpoch: to).rfc3339) (the end excluded).", ""]
        if trails.contains(where: { !$0.verified }) {
            lines += ["> **Not verified.** The trail was read without its key, so its integrity was not checked.", ""]
        }
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
                lines.append("| " + row.map { ComplianceReport.markdownEscaped($0.text) }.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The report's title: the policy's name when one was given.
    var title: String {
        policy.map { "Compliance report: \($0.name) v\($0.version)" } ?? "Compliance report"
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
