/// The report as JSON: one object with every section, money in integer micro-dollars, times in
/// RFC 3339, keys in snake_case (sorted, as every document this project writes). The shape is
/// documented in docs/runtime.md, "Usage reports".
extension UsageReport {
    /// The JSON text, indented, with a final newline.
    public func jsonBytes() -> [UInt8] { json.indentedBytes }

    /// The JSON value.
    public var json: JSONTree {
        .object([
            .init("budgets", budgets.map { .array($0.map(\.json)) } ?? .null()),
            .init("by", .string(dimension.rawValue)),
            .init("models", .array(models.map(\.json))),
            .init("period", .object([
                .init("days", UsageReport.number(trend.days.count)),
                .init("from", .string(Timestamp(secondsSinceEpoch: from).rfc3339)),
                .init("to", .string(Timestamp(secondsSinceEpoch: to).rfc3339)),
            ])),
            .init("recommendations", .array(recommendations.map(\.json))),
            .init("rows", .array(rows.map(\.json))),
            .init("top_users", .array(topUsers.map(\.json))),
            .init("totals", .object(totals.jsonMembers)),
            .init("trend", trend.json),
        ])
    }

    static func number(_ value: Int) -> JSONTree { .number(String(value)) }

    static func optional(_ value: Int?) -> JSONTree { value.map(number) ?? .null() }

    static func optional(_ value: String?) -> JSONTree { value.map { .string($0) } ?? .null() }
}

extension UsageTally {
    /// `requests`, `tokens_in`, `tokens_out`, `cost_micros`.
    var jsonMembers: [JSONTree.Member] {
        [.init("cost_micros", UsageReport.number(costMicros)), .init("requests", UsageReport.number(requests)),
         .init("tokens_in", UsageReport.number(tokensIn)), .init("tokens_out", UsageReport.number(tokensOut))]
    }
}

extension UsageRow {
    var json: JSONTree {
        .object([.init("name", UsageReport.optional(name)), .init("share_basis_points", UsageReport.number(shareBasisPoints))]
            + tally.jsonMembers)
    }
}

extension UsageTrend {
    var json: JSONTree {
        .object([
            .init("change_percent", UsageReport.optional(changePercent)),
            .init("days", .array(days.map { .object([.init("date", .string($0.date))] + $0.tally.jsonMembers) })),
            .init("first_half_cost_micros", UsageReport.number(firstHalfCostMicros)),
            .init("second_half_cost_micros", UsageReport.number(secondHalfCostMicros)),
        ])
    }
}

extension BudgetUse {
    /// A decision's budget status (`name` … `period_end`) and what the report adds.
    var json: JSONTree {
        .object([
            .init("key", .string(status.key)),
            .init("limit", UsageReport.number(status.limit)),
            .init("name", .string(status.name)),
            .init("peak_period_start", UsageReport.optional(peakPeriodStart.map { Timestamp(secondsSinceEpoch: $0).rfc3339 })),
            .init("peak_used", UsageReport.number(peakUsed)),
            .init("percent_used", UsageReport.number(percentUsed)),
            .init("period_end", UsageReport.optional(status.periodEnd.map { Timestamp(secondsSinceEpoch: $0).rfc3339 })),
            .init("period_start", .string(Timestamp(secondsSinceEpoch: periodStart).rfc3339)),
            .init("remaining", UsageReport.number(status.remaining)),
            .init("scope", .string(status.scope.rawValue)),
            .init("unit", .string(status.unit.rawValue)),
            .init("used", UsageReport.number(status.used)),
        ])
    }
}

extension UsageRecommendation {
    var json: JSONTree {
        let evidence: JSONTree
        switch self.evidence {
        case .cheaperModel(let found):
            evidence = .object([
                .init("alternative", .string(found.alternative)),
                .init("alternative_cost_micros", UsageReport.number(found.alternativeCostMicros)),
                .init("feature", UsageReport.optional(found.feature)),
                .init("model", .string(found.model)),
                .init("role", .string(found.role)),
            ] + found.tally.jsonMembers)
        case .budget(let found):
            evidence = .object([
                .init("budget", .string(found.budget)),
                .init("members", .array(found.members.map(\.json))),
                .init("members_seen", UsageReport.number(found.membersSeen)),
            ])
        }
        return .object([
            .init("evidence", evidence),
            .init("kind", .string(kind.rawValue)),
            .init("message", .string(message)),
            .init("saving_micros", UsageReport.optional(savingMicros)),
        ])
    }
}
