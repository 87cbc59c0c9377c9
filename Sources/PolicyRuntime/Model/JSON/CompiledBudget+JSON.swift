/// The JSON form of budgets, audit and retention settings (docs/compiled-format.md, "Budgets, audit").
extension CompiledBudget {
    enum Key: String, CaseIterable {
        case name, scope, member, periodSeconds = "period_seconds", periodName = "period_name"
        case limitMicros = "limit_micros", limitTokens = "limit_tokens", warnAtPercent = "warn_at_percent", alerts, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), scope: try object.word(.scope), member: try object.optionalString(.member),
                  periodSeconds: try object.integer(.periodSeconds, in: DocumentValue.positive), periodName: try object.optionalWord(.periodName),
                  limitMicros: try object.optionalInteger(.limitMicros, in: DocumentValue.positive),
                  limitTokens: try object.optionalInteger(.limitTokens, in: DocumentValue.positive),
                  warnAtPercent: try object.array(.warnAtPercent) { (item, itemPath) throws(CompiledPolicyError) in
                      try DocumentValue.integer(item, itemPath, in: DocumentValue.percentages)
                  },
                  alerts: try object.strings(.alerts), source: try object.string(.source))
        guard (limitMicros == nil) != (limitTokens == nil) else {
            throw DocumentValue.error(path, "exactly one of \"limit_micros\" and \"limit_tokens\" must be set")
        }
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.scope, .word(scope)), (.member, .optional(member)), (.periodSeconds, .integer(periodSeconds)),
            (.periodName, .optional(periodName)), (.limitMicros, .optional(limitMicros)), (.limitTokens, .optional(limitTokens)),
            (.warnAtPercent, .array(warnAtPercent.map { .integer($0) })), (.alerts, .strings(alerts)), (.source, .string(source)),
        ])
    }
}

extension CompiledAudit {
    enum Key: String, CaseIterable {
        case defaultLevel = "default_level", logPrompts = "log_prompts", logResponses = "log_responses", redact
        case encrypt, highRiskThresholdPercent = "high_risk_threshold_percent", highRiskAlert = "high_risk_alert"
        case failOpen = "fail_open"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(defaultLevel: try object.word(.defaultLevel), logPrompts: try object.word(.logPrompts),
                  logResponses: try object.word(.logResponses), redact: try object.strings(.redact), encrypt: try object.bool(.encrypt),
                  highRiskThresholdPercent: try object.optionalInteger(.highRiskThresholdPercent, in: DocumentValue.percentages),
                  highRiskAlert: try object.optionalString(.highRiskAlert), failOpen: try object.bool(.failOpen))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.defaultLevel, .word(defaultLevel)), (.logPrompts, .word(logPrompts)), (.logResponses, .word(logResponses)),
            (.redact, .strings(redact)), (.encrypt, .bool(encrypt)), (.highRiskThresholdPercent, .optional(highRiskThresholdPercent)),
            (.highRiskAlert, .optional(highRiskAlert)), (.failOpen, .bool(failOpen)),
        ])
    }
}

extension CompiledRetention {
    enum Key: String, CaseIterable {
        case periodsSeconds = "periods_seconds", erasureWithinSeconds = "erasure_within_seconds"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        var periods: [RetentionKind: Int] = [:]
        for entry in try object.map(.periodsSeconds, { (key, item, itemPath) throws(CompiledPolicyError) -> (RetentionKind, Int) in
            guard let kind = RetentionKind(rawValue: key) else {
                throw DocumentValue.error(itemPath, "unknown \(RetentionKind.vocabularyName) \(JSONWriter.quoted(key)); expected \(RetentionKind.wordList)")
            }
            return (kind, try DocumentValue.integer(item, itemPath, in: DocumentValue.positive))
        }) {
            periods[entry.value.0] = entry.value.1
        }
        self.init(periodsSeconds: periods, erasureWithinSeconds: try object.optionalInteger(.erasureWithinSeconds, in: DocumentValue.positive))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.periodsSeconds, .object(periodsSeconds.map { JSONTree.Member($0.key.rawValue, .integer($0.value)) })),
            (.erasureWithinSeconds, .optional(erasureWithinSeconds)),
        ])
    }
}
