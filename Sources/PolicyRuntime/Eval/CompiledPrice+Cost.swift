/// The one definition of what tokens cost: the runtime's `request.cost`, reservations and
/// settlements, and the usage report's "what it would have cost on another model" all use it.
extension CompiledPrice {
    /// The cost of token counts at these prices, in micro-dollars, each part rounded up;
    /// saturates instead of overflowing. A missing count or price counts 0.
    public func cost(tokensIn: Int?, tokensOut: Int?) -> Int {
        func part(_ tokens: Int?, _ perMillion: Int?) -> Int {
            guard let tokens, let perMillion else { return 0 }
            let (product, overflow) = tokens.multipliedReportingOverflow(by: perMillion)
            // Rounded up without adding first, which could overflow near Int.max.
            return overflow ? Int.max / 2 : product / 1_000_000 + (product % 1_000_000 > 0 ? 1 : 0)
        }
        let (sum, overflow) = part(tokensIn, inputMicrosPerMillionTokens)
            .addingReportingOverflow(part(tokensOut, outputMicrosPerMillionTokens))
        return overflow ? Int.max : sum
    }

    /// Whether both per-token prices are declared: only then does ``cost(tokensIn:tokensOut:)``
    /// say what a request really costs (a subscription or a half-priced model would read as free).
    public var pricesEveryToken: Bool {
        inputMicrosPerMillionTokens != nil && outputMicrosPerMillionTokens != nil
    }
}
