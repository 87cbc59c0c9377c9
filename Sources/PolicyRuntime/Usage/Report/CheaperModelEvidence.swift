/// Requests of one role, feature and model, and what they would have cost on another model.
public struct CheaperModelEvidence: Sendable, Equatable {
    /// `user.role`.
    public var role: String
    /// The feature, or nil when the requests named none.
    public var feature: String?
    /// The model they ran on, as recorded.
    public var model: String
    /// The cheapest other model the role may use that holds every one of the requests.
    public var alternative: String
    /// What the requests used and actually cost.
    public var tally: UsageTally
    /// The same tokens at the alternative's prices, each request rounded up as the runtime
    /// charges it.
    public var alternativeCostMicros: Int

    /// Creates the evidence.
    public init(role: String, feature: String?, model: String, alternative: String, tally: UsageTally, alternativeCostMicros: Int) {
        self.role = role
        self.feature = feature
        self.model = model
        self.alternative = alternative
        self.tally = tally
        self.alternativeCostMicros = alternativeCostMicros
    }
}
