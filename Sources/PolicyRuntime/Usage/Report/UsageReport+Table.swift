/// The report as aligned text for a terminal: headed sections, dollars with cents (rounded half
/// up from the exact micro-dollars), names made safe to print.
extension UsageReport {
    /// Every section, each under its heading, with a final newline.
    public var table: String {
        var lines = ["Usage from \(Timestamp(secondsSinceEpoch: from).rfc3339) to \(Timestamp(secondsSinceEpoch: to).rfc3339) "
                     + "(\(trend.days.count) \(trend.days.count == 1 ? "day" : "days"), the end excluded)", ""]
        lines.append("Totals")
        lines += UsageReport.aligned([["requests", String(totals.requests)], ["tokens in", String(totals.tokensIn)],
                                      ["tokens out", String(totals.tokensOut)], ["cost", MicroDollars.text(totals.costMicros)]],
                                     right: [1])
        lines += ["", "By \(dimension.rawValue)"] + UsageReport.rowTable(dimension.rawValue, rows)
        lines += ["", "Models"] + UsageReport.rowTable("model", models)
        lines += ["", "Top users"] + UsageReport.rowTable("user", topUsers)
        lines += ["", "Daily trend"]
        lines += UsageReport.aligned([["date", "requests", "cost"]]
            + trend.days.map { [$0.date, String($0.tally.requests), MicroDollars.text($0.tally.costMicros)] }, right: [1, 2])
        let halves = "second half \(MicroDollars.text(trend.secondHalfCostMicros)), first half \(MicroDollars.text(trend.firstHalfCostMicros))"
        lines.append("  " + halves + (trend.changePercent.map { ": \($0 > 0 ? "+" : "")\($0)%" } ?? ": no change to compute, the first half cost nothing"))
        lines += ["", "Budgets"]
        if let budgets {
            lines += budgets.isEmpty ? ["  none: the policy declares no budget"] : UsageReport.aligned(
                [["budget", "member", "used", "limit", "remaining", "used %", "peak", "period"]] + budgets.map { use in
                    let status = use.status
                    let period = status.periodEnd.map { "\(UsageReport.moment(use.periodStart)) to \(UsageReport.moment($0))" }
                        ?? "rolling, from \(UsageReport.moment(use.periodStart))"
                    return [status.name, status.key.isEmpty ? "(organization)" : UsageReport.shown(status.key),
                            UsageMeter.describe(status.used, status.unit), UsageMeter.describe(status.limit, status.unit),
                            UsageMeter.describe(status.remaining, status.unit), "\(use.percentUsed)%",
                            "\(UsageMeter.describe(use.peakUsed, status.unit)) (\(BudgetUse.percent(use.peakUsed, of: status.limit))%)", period]
                }, right: [2, 3, 4, 5, 6])
        } else {
            lines.append("  not computed: the report was made without a policy")
        }
        lines += ["", "Recommendations"]
        if recommendations.isEmpty {
            lines.append(budgets == nil ? "  not computed: the report was made without a policy" : "  none")
        }
        for (index, recommendation) in recommendations.enumerated() {
            let saving = recommendation.savingMicros.map { "save \(MicroDollars.text($0)): " } ?? ""
            lines.append("  \(index + 1). " + saving + UsageReport.shown(recommendation.message))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table of a grouping.
    private static func rowTable(_ heading: String, _ rows: [UsageRow]) -> [String] {
        guard !rows.isEmpty else { return ["  none"] }
        return aligned([[heading, "requests", "tokens in", "tokens out", "cost", "share"]] + rows.map { row in
            return [row.name.map(shown) ?? "(none)", String(row.tally.requests), String(row.tally.tokensIn), String(row.tally.tokensOut),
                    MicroDollars.text(row.tally.costMicros), row.sharePercentText + "%"]
        }, right: [1, 2, 3, 4, 5])
    }

    /// Columns padded to their widest cell, two spaces apart, indented by two; the columns in
    /// `right` are aligned right (numbers).
    private static func aligned(_ cells: [[String]], right: Set<Int>) -> [String] {
        var widths: [Int] = []
        for row in cells {
            for (column, cell) in row.enumerated() {
                if column == widths.count { widths.append(0) }
                widths[column] = max(widths[column], cell.count)
            }
        }
        return cells.map { row in
            var line = " "
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += " " + (right.contains(column) ? padding + cell : cell + (column == row.count - 1 ? "" : padding))
                if column < row.count - 1 { line += " " }
            }
            return line
        }
    }

    /// A name as a terminal may print it: control characters (which could move the cursor or
    /// forge lines) become `?`.
    static func shown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) ? "?" : $0 }))
    }
}
