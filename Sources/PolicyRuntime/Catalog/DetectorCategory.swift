/// The categories of detectors, each with the risk weight of its findings (docs/runtime.md,
/// "Risk score"). A condition may name a category to mean every detector in it.
public enum DetectorCategory: String, ClosedVocabulary {
    case pii, secret, network, injection

    /// `detector category`
    public static let vocabularyName = "detector category"

    /// Risk, in whole percent, of a finding in this category.
    public var riskWeight: Int {
        switch self {
        case .secret: return 90
        case .injection: return 85
        case .pii: return 70
        case .network: return 50
        }
    }
}
