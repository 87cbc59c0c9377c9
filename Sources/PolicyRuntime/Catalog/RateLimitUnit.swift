/// What a rate limit counts.
public enum RateLimitUnit: String, ClosedVocabulary {
    /// Each request counts one.
    case requests
    /// Each request counts its tokens, input and output (reserved at the estimate, settled at
    /// what the completion reports).
    case tokens

    /// `rate limit unit`
    public static let vocabularyName = "rate limit unit"
}
