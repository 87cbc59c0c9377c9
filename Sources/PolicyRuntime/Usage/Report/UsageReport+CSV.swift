/// The report's grouped rows as CSV (RFC 4180: a header line, CRLF line ends, a field with a
/// comma, quote or line break quoted and its quotes doubled), for spreadsheets.
extension UsageReport {
    /// The header and one line per row of ``rows``. Money is given twice: exact micro-dollars,
    /// and exact dollars with six decimals (a spreadsheet's sum of rounded cents would drift);
    /// the share is in percent with two decimals, exact from basis points.
    public var csv: String {
        var lines = [[dimension.rawValue, "requests", "tokens_in", "tokens_out", "cost_micros", "cost_usd", "share_percent"]]
        for row in rows {
            lines.append([row.name ?? "", String(row.tally.requests), String(row.tally.tokensIn), String(row.tally.tokensOut),
                          String(row.tally.costMicros), MicroDollars.exactText(row.tally.costMicros), row.sharePercentText])
        }
        return lines.map { $0.map(UsageReport.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it must be.
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            return text
        }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
