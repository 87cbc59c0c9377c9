/// What a budget meters, read once from its document form so that the meter and the usage
/// report cannot disagree about it.
extension CompiledBudget {
    /// Money when the budget has a money limit, else tokens.
    public var unit: UsageUnit { limitMicros != nil ? .usdMicros : .tokens }

    /// The limit, in ``unit``.
    public var limit: Int { limitMicros ?? limitTokens ?? 0 }

    /// How the budget counts over time.
    public var window: UsageWindow { UsageWindow(self) }
}
