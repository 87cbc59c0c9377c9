/// An AI model a role may be granted, as the compiled document describes it.
public struct CompiledModel: Sendable, Equatable {
    /// Canonical model id, e.g. `claude-3-opus`.
    public var id: String
    /// Provider name, e.g. `anthropic`.
    public var provider: String?
    /// Context window in tokens, when declared.
    public var contextTokens: Int?
    /// Other names requests may use for this model.
    public var aliases: [String]
    /// Prices, when declared.
    public var price: CompiledPrice?
    /// Output tokens reserved against budgets for a request to this model that gives no
    /// `max_tokens`, when declared (else the policy's `usage.output_estimate_tokens`).
    public var outputEstimateTokens: Int?
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a model entry.
    public init(id: String, provider: String?, contextTokens: Int?, aliases: [String], price: CompiledPrice?,
                outputEstimateTokens: Int? = nil, source: String) {
        self.outputEstimateTokens = outputEstimateTokens
        self.id = id
        self.provider = provider
        self.contextTokens = contextTokens
        self.aliases = aliases
        self.price = price
        self.source = source
    }

}

/// Exact prices in integer micro-dollars (1 USD = 1,000,000), never floating point.
public struct CompiledPrice: Sendable, Equatable {
    /// Price of one million input tokens, in micro-dollars.
    public var inputMicrosPerMillionTokens: Int?
    /// Price of one million output tokens, in micro-dollars.
    public var outputMicrosPerMillionTokens: Int?
    /// Flat monthly subscription, in micro-dollars.
    public var monthlyMicros: Int?
    /// Requests the subscription includes each month.
    public var includedRequests: Int?

    /// Creates a price entry.
    public init(inputMicrosPerMillionTokens: Int?, outputMicrosPerMillionTokens: Int?, monthlyMicros: Int?, includedRequests: Int?) {
        self.inputMicrosPerMillionTokens = inputMicrosPerMillionTokens
        self.outputMicrosPerMillionTokens = outputMicrosPerMillionTokens
        self.monthlyMicros = monthlyMicros
        self.includedRequests = includedRequests
    }

}
