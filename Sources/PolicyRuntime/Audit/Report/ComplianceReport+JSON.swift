/// The report as JSON: one object with every section, money in integer micro-dollars, times in
/// RFC 3339, keys in snake_case (sorted, as every document this project writes). The shape is
/// documented in docs/audit.md, "Reports"; the Markdown and HTML forms show these numbers.
extension ComplianceReport {
    /// The JSON text, indented, with a final newline.
    public func jsonBytes() -> [UInt8] { json.indentedBytes }

    /// The JSON value.
    public var json: JSONTree {
        .object([
            .init("alerts", alerts.json),
            .init("controls", controls.map { .array($0.map(\.json)) } ?? .null()),
            .init("cost", .object([.init("by_model", costByModel.json), .init("by_team", costByTeam.json), .init("by_user", costByUser.json)])),
            .init("detections", detections.json),
            .init("file_modifications", fileModifications.json),
            .init("high_risk", highRisk.json),
            .init("models", models.json),
            .init("period", .object([.init("from", ComplianceReport.time(from)), .init("to", ComplianceReport.time(to))])),
            .init("policies", .array(policies.map { .object(ComplianceReport.members($0.identity) + [.init("decisions", .integer($0.decisions))]) })),
            .init("policy", policy.map { .object(ComplianceReport.members($0) + [.init("decisions", .integer(policyDecisions ?? 0))]) } ?? .null()),
            .init("report", .string("compliance")),
            .init("security_events", securityEvents.json),
            .init("timeline", timeline.json),
            .init("top", top.map(JSONTree.integer) ?? .null()),
            .init("totals", totals.json),
            .init("trail_events", trailEvents.json),
            .init("trails", .array(trails.map(\.json))),
        ])
    }

    static func time(_ seconds: Int) -> JSONTree { .string(Timestamp(secondsSinceEpoch: seconds).rfc3339) }

    static func members(_ identity: PolicyIdentity) -> [JSONTree.Member] {
        [.init("digest", .string(identity.digest)), .init("name", .string(identity.name)), .init("version", .integer(identity.version))]
    }
}

extension ComplianceReport.Totals {
    var json: JSONTree {
        .object([
            .init("approval_required", .integer(approvalRequired)), .init("allowed", .integer(allowed)),
            .init("cost_micros", .integer(costMicros)), .init("decisions", .integer(decisions)), .init("denied", .integer(denied)),
            .init("erased_identities", .integer(erasedIdentities)), .init("file_modifications", .integer(fileModifications)),
            .init("high_risk", .integer(highRisk)), .init("records", .integer(records)),
            .init("security_events", .integer(securityEvents)), .init("sessions", .integer(sessions)),
            .init("tokens_in", .integer(tokensIn)), .init("tokens_out", .integer(tokensOut)), .init("unique_users", .integer(uniqueUsers)),
            .init("unsettled_cost_micros", .integer(unsettledCostMicros)),
        ])
    }
}

extension ComplianceReport.TrailRead {
    var json: JSONTree {
        .object([
            .init("end_checked", .bool(endChecked)), .init("files", .integer(files)), .init("first_seq", .integer(firstSeq)), .init("last_seq", .integer(lastSeq)),
            .init("path", .string(path)), .init("records", .integer(records)), .init("verified", .bool(verified)),
        ])
    }
}

extension ComplianceRow {
    var json: JSONTree {
        .object([
            .init("cost_micros", .integer(costMicros)), .init("count", .integer(count)), .init("name", name.map { .string($0) } ?? .null()),
            .init("tokens_in", .integer(tokensIn)), .init("tokens_out", .integer(tokensOut)), .init("users", .integer(users)),
        ])
    }
}

extension ComplianceRanking {
    var json: JSONTree {
        .object([.init("entries", .integer(entries)), .init("others", others?.json ?? .null()), .init("rows", .array(rows.map(\.json)))])
    }
}

extension ComplianceTimeline {
    var json: JSONTree {
        .object([
            .init("bucket_seconds", .integer(bucketSeconds)),
            .init("points", .array(points.map { point in
                .object([
                    .init("allowed", .integer(point.allowed)), .init("approval_required", .integer(point.approvalRequired)),
                    .init("denied", .integer(point.denied)), .init("start", ComplianceReport.time(point.start)),
                ])
            })),
        ])
    }
}

extension HighRiskActivity {
    var json: JSONTree {
        .object([
            .init("by_user", byUser.json),
            .init("records", .array(records.map { record in
                .object([
                    .init("alerts", .array(record.alerts.map { .string($0) })), .init("model", record.model.map { .string($0) } ?? .null()),
                    .init("outcome", .string(record.outcome)), .init("reasons", .array(record.reasons.map { .string($0) })),
                    .init("risk_percent", .integer(record.riskPercent)), .init("seq", .integer(record.seq)),
                    .init("time", ComplianceReport.time(record.time)), .init("trail", .integer(record.trail)),
                    .init("user", record.user.map { .string($0) } ?? .null()),
                ])
            })),
            .init("threshold_from", .string(thresholdFromPolicy ? "policy" : "default")),
            .init("threshold_percent", .integer(thresholdPercent)),
        ])
    }
}

extension ControlEvidence {
    var json: JSONTree {
        .object([
            .init("decisions", .integer(decisions)), .init("description", .string(description)),
            .init("first", first?.json ?? .null()),
            .init("id", .string(id)),
            .init("implemented_by", .array(implementedBy.map { implementer in
                .object([
                    .init("allowed", .integer(implementer.allowed)), .init("approval_required", .integer(implementer.approvalRequired)),
                    .init("decisions", .integer(implementer.decisions)), .init("denied", .integer(implementer.denied)),
                    .init("reference", .string(implementer.reference)),
                ])
            })),
            .init("last", last?.json ?? .null()),
            .init("source", .string(source)),
        ])
    }
}

extension ControlEvidence.Decision {
    var json: JSONTree {
        .object([.init("seq", .integer(seq)), .init("time", ComplianceReport.time(time)), .init("trail", .integer(trail))])
    }
}
