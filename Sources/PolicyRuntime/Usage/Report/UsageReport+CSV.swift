/// The report's grouped rows as CSV (RFC 4180: a header line, CRLF line ends, a field with a
/// comma, quote or line break quoted and its quotes doubled), for spreadsheets; names are made
/// safe to open (``csvField(_:)``).
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

    /// One field, quoted when it must be. Names come from requests, so a field is also made
    /// safe to open: control characters other than line breaks become U+FFFD, and a field a
    /// spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`) is prefixed with `'`.
    package static func csvField(_ raw: String) -> String {
        var text = String(String.UnicodeScalarView(raw.unicodeScalars.map { scalar in
            scalar.value < 0x20 && scalar != "\n" && scalar != "\r" || scalar.value == 0x7F ? "\u{FFFD}" : scalar
        }))
        if let first = text.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")].contains(first),
           Int(text) == nil {
            text = "'" + text
        }
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            return text
        }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
