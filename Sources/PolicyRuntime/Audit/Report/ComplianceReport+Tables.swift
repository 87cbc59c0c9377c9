/// The report's tables: what the Markdown and HTML forms show, defined once so that both show
/// the same rows, and every number cell names the JSON member it comes from (`path`, dotted,
/// list indices as numbers: `cost.by_team.rows.0.cost_micros`) with that member's value, which
/// is how a test checks that the page says what the JSON says.
extension ComplianceReport {
    /// One cell: the text shown, and for a number the JSON member it shows.
    struct Cell {
        var text: String
        var path: String?
        var value: Int?
        /// Whether the text is a name from the records (a user, a file): data, never markup.
        var isName = false

        static func text(_ text: String) -> Cell { Cell(text: text) }

        static func name(_ text: String) -> Cell { Cell(text: text, isName: true) }

        static func count(_ value: Int, _ path: String) -> Cell { Cell(text: GroupedNumber.text(value), path: path, value: value) }

        static func money(_ value: Int, _ path: String) -> Cell { Cell(text: MicroDollars.text(value), path: path, value: value) }

        static func percent(_ value: Int, _ path: String) -> Cell { Cell(text: "\(value)%", path: path, value: value) }
    }

    /// One table.
    struct Table {
        /// The section's anchor (`cost-by-team`).
        var id: String
        var title: String
        /// A sentence under the title saying what is counted.
        var note: String
        var columns: [String]
        var rows: [[Cell]]
    }

    /// A whole number with thousands separators: 1234567 → `1,234,567`.

    /// Which of a table's columns hold numbers (shown right-aligned).
    static func numericColumns(_ table: Table) -> [Bool] {
        table.columns.indices.map { column in table.rows.contains { $0[column].value != nil } }
    }

    /// The key figures.
    var summaryTable: Table {
        let rows: [(String, Cell)] = [
            ("Records in the period", .count(totals.records, "totals.records")),
            ("Decisions", .count(totals.decisions, "totals.decisions")),
            ("Allowed", .count(totals.allowed, "totals.allowed")),
            ("Denied", .count(totals.denied, "totals.denied")),
            ("Waiting for approval", .count(totals.approvalRequired, "totals.approval_required")),
            ("Sessions", .count(totals.sessions, "totals.sessions")),
            ("Unique users", .count(totals.uniqueUsers, "totals.unique_users")),
            ("Identities erased", .count(totals.erasedIdentities, "totals.erased_identities")),
            ("Security events", .count(totals.securityEvents, "totals.security_events")),
            ("High-risk decisions", .count(totals.highRisk, "totals.high_risk")),
            ("File modifications", .count(totals.fileModifications, "totals.file_modifications")),
            ("Spend", .money(totals.costMicros, "totals.cost_micros")),
            ("Spend no budget counted (usage store unavailable)", .money(totals.unsettledCostMicros, "totals.unsettled_cost_micros")),
            ("Tokens in", .count(totals.tokensIn, "totals.tokens_in")),
            ("Tokens out", .count(totals.tokensOut, "totals.tokens_out")),
        ]
        return Table(id: "summary", title: "Summary", note: "Every record whose time falls in the period.",
                     columns: ["Figure", "Value"], rows: rows.map { [.text($0.0), $0.1] })
    }

    /// A ranking as a table, with the rest added up in a last row.
    func rankingTable(_ ranking: ComplianceRanking, path: String, id: String, title: String, note: String, name: String,
                      missing: String, columns: [RankingColumn]) -> Table {
        func cells(_ row: ComplianceRow, _ rowPath: String, label: Cell) -> [Cell] {
            [label] + columns.map { column in
                switch column {
                case .count: return .count(row.count, rowPath + ".count")
                case .users: return .count(row.users, rowPath + ".users")
                case .tokensIn: return .count(row.tokensIn, rowPath + ".tokens_in")
                case .tokensOut: return .count(row.tokensOut, rowPath + ".tokens_out")
                case .cost: return .money(row.costMicros, rowPath + ".cost_micros")
                }
            }
        }
        var rows = ranking.rows.enumerated().map { index, row in
            cells(row, "\(path).rows.\(index)", label: row.name.map(Cell.name) ?? .text(missing))
        }
        if let others = ranking.others {
            rows.append(cells(others, "\(path).others", label: .text("\(ranking.entries - ranking.rows.count) more")))
        }
        return Table(id: id, title: title, note: note, columns: [name] + columns.map(\.heading), rows: rows)
    }

    /// A column of a ranking's table.
    enum RankingColumn {
        case count(String)
        case users
        case tokensIn
        case tokensOut
        case cost

        var heading: String {
            switch self {
            case .count(let heading): return heading
            case .users: return "Users"
            case .tokensIn: return "Tokens in"
            case .tokensOut: return "Tokens out"
            case .cost: return "Spend"
            }
        }
    }

    /// A decision's `seq`, with its trail's number when the report read several.
    private func seqCell(_ seq: Int, trail: Int, _ path: String) -> Cell {
        var cell = Cell.count(seq, path)
        if trails.count > 1 { cell.text += " (trail \(trail + 1))" }
        return cell
    }

    /// What a reader must know before trusting the figures, one sentence each (the Markdown
    /// and HTML show them at the top; `policyc report` also prints them on standard error).
    public var warnings: [String] {
        var warnings: [String] = []
        if trails.contains(where: { !$0.verified }) {
            warnings.append("Not verified. The trail was read without its key, so its integrity was not checked.")
        } else if trails.contains(where: { !$0.endChecked }) {
            warnings.append("End not checked. Files given without their directory have no checkpoint: records cut off their end cannot be found.")
        }
        if let policy, let made = policyDecisions, made < totals.decisions {
            warnings.append("The policy given (\(policy.name) v\(policy.version)) made \(made) of the period's \(totals.decisions) decisions: "
                            + "the evidence per control counts the rules, alerts and playbooks it names wherever they decided.")
        }
        return warnings
    }

    /// Every table, in the order the report shows them.
    var tables: [Table] {
        let spend: [RankingColumn] = [.count("Decisions"), .users, .tokensIn, .tokensOut, .cost]
        var tables = [summaryTable]
        tables.append(Table(
            id: "trails", title: "Trails read",
            note: "Verified: every record's MAC and place in the chain checked with the key as it was read. End checked: the "
                + "trail reaches its checkpoint, so no record was cut off its end (a directory only).",
            columns: ["Trail", "Files", "Records", "First seq", "Last seq", "Verified", "End checked"],
            rows: trails.enumerated().map { index, trail in
                [.name(trail.path), .count(trail.files, "trails.\(index).files"), .count(trail.records, "trails.\(index).records"),
                 .count(trail.firstSeq, "trails.\(index).first_seq"), .count(trail.lastSeq, "trails.\(index).last_seq"),
                 .text(trail.verified ? "yes" : "no"), .text(trail.endChecked ? "yes" : "no")]
            }))
        tables.append(rankingTable(models, path: "models", id: "models", title: "Model usage",
                                   note: "Decisions per model; tokens and spend of its completions.", name: "Model",
                                   missing: "(no model)", columns: spend))
        tables.append(rankingTable(costByUser, path: "cost.by_user", id: "cost-by-user", title: "Cost by user",
                                   note: "Spend of settled completions, and every decision, per user.", name: "User",
                                   missing: "(no user, or erased)", columns: [.count("Decisions"), .tokensIn, .tokensOut, .cost]))
        tables.append(rankingTable(costByTeam, path: "cost.by_team", id: "cost-by-team", title: "Cost by team",
                                   note: "Spend of settled completions, and every decision, per team.", name: "Team",
                                   missing: "(no team)", columns: spend))
        tables.append(rankingTable(costByModel, path: "cost.by_model", id: "cost-by-model", title: "Cost by model",
                                   note: "Spend of settled completions per model.", name: "Model", missing: "(no model)", columns: spend))
        tables.append(rankingTable(securityEvents, path: "security_events", id: "security-events", title: "Security events by type",
                                   note: "Decisions carrying each reason code that is a security event (every code but approvals and spending).",
                                   name: "Reason code", missing: "", columns: [.count("Decisions"), .users]))
        tables.append(rankingTable(detections, path: "detections", id: "detections", title: "Detections by type",
                                   note: "Decisions in which the detectors found each type (the text found is never recorded).",
                                   name: "Type", missing: "", columns: [.count("Decisions"), .users]))
        tables.append(rankingTable(alerts, path: "alerts", id: "alerts", title: "Alerts raised", note: "Decisions that raised each alert.",
                                   name: "Alert", missing: "", columns: [.count("Decisions"), .users]))
        tables.append(rankingTable(fileModifications, path: "file_modifications", id: "file-modifications", title: "File modifications",
                                   note: "Files named in `files_modified`, once per decision.", name: "File", missing: "",
                                   columns: [.count("Modifications"), .users]))
        tables.append(rankingTable(highRisk.byUser, path: "high_risk.by_user", id: "high-risk-users", title: "High-risk activity by user",
                                   note: "Decisions whose risk score was above \(highRisk.thresholdPercent)% "
                                       + (highRisk.thresholdFromPolicy ? "(the policy's `audit.high_risk_threshold`)." : "(the guide's threshold; the policy sets none)."),
                                   name: "User", missing: "(no user, or erased)", columns: [.count("Decisions")]))
        tables.append(Table(
            id: "high-risk-records", title: "Riskiest decisions", note: "The riskiest decisions of the period, highest first.",
            columns: ["Seq", "Time", "User", "Model", "Risk", "Outcome", "Reasons", "Alerts"],
            rows: highRisk.records.enumerated().map { index, record in
                let path = "high_risk.records.\(index)"
                return [seqCell(record.seq, trail: record.trail, path + ".seq"), .text(Timestamp(secondsSinceEpoch: record.time).rfc3339),
                        record.user.map(Cell.name) ?? .text("(no user, or erased)"), .name(record.model ?? ""),
                        .percent(record.riskPercent, path + ".risk_percent"), .text(record.outcome), .name(record.reasons.joined(separator: ", ")),
                        .name(record.alerts.joined(separator: ", "))]
            }))
        if let controls {
            tables.append(Table(
                id: "controls", title: "Evidence per control",
                note: "Each control the policy declares, what implements it, and the decisions those took part in.",
                columns: ["Control", "Implemented by", "Decisions", "Allowed", "Denied", "Approval", "First seq", "Last seq"],
                rows: controls.enumerated().flatMap { index, control -> [[Cell]] in
                    let path = "controls.\(index)"
                    let head: [Cell] = [.text("\(control.id): \(control.description)"), .text(control.implementedBy.isEmpty ? "nothing in the policy" : "any of the \(control.implementedBy.count) below"),
                                        .count(control.decisions, path + ".decisions"), .text(""), .text(""), .text(""),
                                        control.first.map { seqCell($0.seq, trail: $0.trail, path + ".first.seq") } ?? .text("–"),
                                        control.last.map { seqCell($0.seq, trail: $0.trail, path + ".last.seq") } ?? .text("–")]
                    return [head] + control.implementedBy.enumerated().map { position, implementer in
                        let path = "\(path).implemented_by.\(position)"
                        return [.text(""), .name(implementer.reference), .count(implementer.decisions, path + ".decisions"),
                                .count(implementer.allowed, path + ".allowed"), .count(implementer.denied, path + ".denied"),
                                .count(implementer.approvalRequired, path + ".approval_required"), .text(""), .text("")]
                    }
                }))
        }
        tables.append(Table(
            id: "policies", title: "Policies in force", note: "The policies the period's decisions were made under.",
            columns: ["Policy", "Version", "Digest", "Decisions"],
            rows: policies.enumerated().map { index, seen in
                [.name(seen.identity.name), .count(seen.identity.version, "policies.\(index).version"), .name(seen.identity.digest),
                 .count(seen.decisions, "policies.\(index).decisions")]
            }))
        tables.append(rankingTable(trailEvents, path: "trail_events", id: "trail-events", title: "Other records",
                                   note: "Records that are not decisions: repairs of a torn tail, erasure receipts, a gateway's own events.",
                                   name: "Kind", missing: "", columns: [.count("Records")]))
        return tables
    }
}
