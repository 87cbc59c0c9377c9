/// The JSON form of rate limits and usage settings (docs/compiled-format.md, "Budgets, rate limits, usage").
extension CompiledRateLimit {
    enum Key: String, CaseIterable {
        case name, scope, member, unit, limit, windowSeconds = "window_seconds", alerts, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), scope: try object.word(.scope), member: try object.optionalString(.member),
                  unit: try object.word(.unit), limit: try object.integer(.limit, in: DocumentValue.positive),
                  windowSeconds: try object.integer(.windowSeconds, in: DocumentValue.positive),
                  alerts: try object.strings(.alerts), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.scope, .word(scope)), (.member, .optional(member)), (.unit, .word(unit)),
            (.limit, .integer(limit)), (.windowSeconds, .integer(windowSeconds)), (.alerts, .strings(alerts)),
            (.source, .string(source)),
        ])
    }
}

extension CompiledUsageSettings {
    enum Key: String, CaseIterable {
        case outputEstimateTokens = "output_estimate_tokens", reservationTimeoutSeconds = "reservation_timeout_seconds"
        case failOpen = "fail_open"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(outputEstimateTokens: try object.optionalInteger(.outputEstimateTokens, in: DocumentValue.positive),
                  reservationTimeoutSeconds: try object.integer(.reservationTimeoutSeconds, in: DocumentValue.positive),
                  failOpen: try object.bool(.failOpen))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.outputEstimateTokens, .optional(outputEstimateTokens)),
            (.reservationTimeoutSeconds, .integer(reservationTimeoutSeconds)), (.failOpen, .bool(failOpen)),
        ])
    }
}
