/// The JSON form of models and prices (docs/compiled-format.md, "Models").
extension CompiledModel {
    enum Key: String, CaseIterable {
        case id, provider, contextTokens = "context_tokens", aliases, price, outputEstimateTokens = "output_estimate_tokens", source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        let priceValue = object.value(.price) ?? .null()
        self.init(id: try object.string(.id), provider: try object.optionalString(.provider),
                  contextTokens: try object.optionalInteger(.contextTokens, in: DocumentValue.positive), aliases: try object.strings(.aliases),
                  price: priceValue.isNull ? nil : try CompiledPrice(document: priceValue, path: object.child(.price)),
                  outputEstimateTokens: try object.optionalInteger(.outputEstimateTokens, in: DocumentValue.positive),
                  source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.id, .string(id)), (.provider, .optional(provider)), (.contextTokens, .optional(contextTokens)),
            (.aliases, .strings(aliases)), (.price, price?.documentJSON ?? .null()),
            (.outputEstimateTokens, .optional(outputEstimateTokens)), (.source, .string(source)),
        ])
    }
}

extension CompiledPrice {
    enum Key: String, CaseIterable {
        case inputMicrosPerMillionTokens = "input_micros_per_million_tokens"
        case outputMicrosPerMillionTokens = "output_micros_per_million_tokens"
        case monthlyMicros = "monthly_micros"
        case includedRequests = "included_requests"
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(inputMicrosPerMillionTokens: try object.optionalInteger(.inputMicrosPerMillionTokens),
                  outputMicrosPerMillionTokens: try object.optionalInteger(.outputMicrosPerMillionTokens),
                  monthlyMicros: try object.optionalInteger(.monthlyMicros), includedRequests: try object.optionalInteger(.includedRequests))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.inputMicrosPerMillionTokens, .optional(inputMicrosPerMillionTokens)),
            (.outputMicrosPerMillionTokens, .optional(outputMicrosPerMillionTokens)),
            (.monthlyMicros, .optional(monthlyMicros)), (.includedRequests, .optional(includedRequests)),
        ])
    }
}
