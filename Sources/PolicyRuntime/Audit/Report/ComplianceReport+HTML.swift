/// The report as one self-contained HTML page: inline style, inline SVG charts (decisions over
/// time, cost by team, security events by type, model usage) and every table of ``tables``; no
/// script and no outside resource (a Content-Security-Policy says so to the browser), so that it
/// reads offline and can be attached to an audit as it is.
extension ComplianceReport {
    /// The page.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(MarkupText.escaped(title))</title>
            <style>\(ComplianceReport.style)</style>
            </head>
            <body>
            <h1>\(MarkupText.escaped(title))</h1>
            <p class="period">\(Timestamp(secondsSinceEpoch: from).rfc3339) to \(Timestamp(secondsSinceEpoch: to).rfc3339) (the end excluded)</p>

            """
        for warning in warnings {
            page += "<p class=\"warning\"><strong>Warning.</strong> \(MarkupText.escaped(warning))</p>\n"
        }
        page += "<section class=\"cards\">"
        for (label, cell) in summaryCards {
            page += "<div class=\"card\"><div class=\"figure\"\(ComplianceReport.dataAttributes(cell))>\(MarkupText.escaped(cell.text))</div>"
                + "<div class=\"caption\">\(MarkupText.escaped(label))</div></div>"
        }
        page += "</section>\n<section class=\"charts\">\n"
        page += [timelineChart, teamCostChart, securityChart, modelChart].map { "<figure>\($0)</figure>" }.joined(separator: "\n")
        page += "\n</section>\n"
        for table in tables {
            page += "<section id=\"\(table.id)\"><h2>\(MarkupText.escaped(table.title))</h2><p class=\"note\">\(MarkupText.escaped(table.note))</p>"
            guard !table.rows.isEmpty else {
                page += "<p class=\"empty\">None in the period.</p></section>\n"
                continue
            }
            let numeric = ComplianceReport.numericColumns(table)
            page += "<table><thead><tr>" + zip(table.columns, numeric).map { column, isNumber in
                "<th\(isNumber ? " class=\"number\"" : "")>\(MarkupText.escaped(column))</th>"
            }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                page += "<tr>" + row.map { cell in
                    "<td\(cell.value == nil ? "" : " class=\"number\"")\(ComplianceReport.dataAttributes(cell))>\(MarkupText.escaped(cell.text))</td>"
                }.joined() + "</tr>"
            }
            page += "</tbody></table></section>\n"
        }
        page += "<footer>policyc report · every number here is in the JSON report (`--format json`) at the member its <code>data-json</code> attribute names</footer>\n</body>\n</html>\n"
        return page
    }

    /// The figures shown large at the top.
    private var summaryCards: [(String, Cell)] {
        [("decisions", .count(totals.decisions, "totals.decisions")), ("denied", .count(totals.denied, "totals.denied")),
         ("sessions", .count(totals.sessions, "totals.sessions")), ("unique users", .count(totals.uniqueUsers, "totals.unique_users")),
         ("security events", .count(totals.securityEvents, "totals.security_events")),
         ("high-risk", .count(totals.highRisk, "totals.high_risk")), ("spend", .money(totals.costMicros, "totals.cost_micros"))]
    }

    private static func dataAttributes(_ cell: Cell) -> String {
        guard let path = cell.path, let value = cell.value else { return "" }
        return " data-json=\"\(path)\" data-value=\"\(value)\""
    }

    private var timelineChart: String {
        let columns = timeline.points.enumerated().map { index, point -> [SVGChart.Bar] in
            let path = "timeline.points.\(index)"
            return [SVGChart.Bar(label: "allowed", value: point.allowed, shown: GroupedNumber.text(point.allowed), path: path + ".allowed"),
                    SVGChart.Bar(label: "denied", value: point.denied, shown: GroupedNumber.text(point.denied), path: path + ".denied"),
                    SVGChart.Bar(label: "waiting for approval", value: point.approvalRequired,
                                 shown: GroupedNumber.text(point.approvalRequired), path: path + ".approval_required")]
        }
        let labels = timeline.points.map { point in
            let text = Timestamp(secondsSinceEpoch: point.start).rfc3339
            return timeline.bucketSeconds == 86_400 ? String(text.prefix(10)) : String(text.prefix(13)) + "h"
        }
        return SVGChart.stackedColumns(columns, labels: labels, colours: [SVGChart.allowColour, SVGChart.denyColour, SVGChart.approvalColour],
                                       legend: ["allowed", "denied", "waiting for approval"],
                                       title: "Decisions per \(timeline.bucketSeconds == 86_400 ? "day" : "hour")")
    }

    private var teamCostChart: String {
        SVGChart.horizontalBars(bars(costByTeam, path: "cost.by_team", missing: "(no team)", value: \.costMicros, field: "cost_micros") {
            MicroDollars.text($0)
        }, title: "Cost by team")
    }

    private var securityChart: String {
        SVGChart.horizontalBars(bars(securityEvents, path: "security_events", missing: "", value: \.count, field: "count") {
            GroupedNumber.text($0)
        }, title: "Security events by type", colour: SVGChart.denyColour)
    }

    private var modelChart: String {
        SVGChart.horizontalBars(bars(models, path: "models", missing: "(no model)", value: \.count, field: "count") {
            GroupedNumber.text($0)
        }, title: "Model usage (decisions)")
    }

    private func bars(_ ranking: ComplianceRanking, path: String, missing: String, value: KeyPath<ComplianceRow, Int>, field: String,
                      shown: (Int) -> String) -> [SVGChart.Bar] {
        var bars = ranking.rows.enumerated().map { index, row in
            SVGChart.Bar(label: row.name ?? missing, value: row[keyPath: value], shown: shown(row[keyPath: value]),
                         path: "\(path).rows.\(index).\(field)")
        }
        if let others = ranking.others {
            bars.append(SVGChart.Bar(label: "\(ranking.entries - ranking.rows.count) more", value: others[keyPath: value],
                                     shown: shown(others[keyPath: value]), path: "\(path).others.\(field)"))
        }
        return bars
    }

    /// The page's style sheet.
    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a202c;max-width:1100px;margin:24px auto;padding:0 16px}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 4px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
        .period,.note,footer{color:#4a5568}.warning{background:#fffaf0;border:1px solid #dd6b20;padding:8px 12px;border-radius:4px}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{border:1px solid #e2e8f0;border-radius:6px;padding:10px 16px;min-width:110px}
        .figure{font-size:22px;font-weight:600}.caption{color:#4a5568;font-size:12px}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}figure{margin:0;border:1px solid #e2e8f0;border-radius:6px;padding:10px;overflow-x:auto}
        svg{max-width:100%;height:auto}svg .label{font-size:12px;fill:#2d3748}svg .value{font-size:11px;fill:#4a5568}svg .chart-title{font-size:14px;font-weight:600;fill:#1a202c}
        table{border-collapse:collapse;width:100%;margin-top:6px}th,td{border-bottom:1px solid #edf2f7;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f7fafc;font-weight:600}td.number,th.number{text-align:right;font-variant-numeric:tabular-nums}footer{margin:32px 0;font-size:12px}
        """
}
