/// What a usage report groups its rows by (`policyc usage report --by`): one of the names a
/// record is attributed to.
public enum UsageDimension: String, ClosedVocabulary {
    /// `user.id`
    case user
    /// `user.team`
    case team
    /// `user.department`
    case department
    /// The model, as recorded.
    case model
    /// `feature`
    case feature

    /// `report dimension`
    public static let vocabularyName = "report dimension"

    /// The name a record is counted under, or nil when the request did not say.
    public func name(of record: UsageRecord) -> String? {
        switch self {
        case .user: return record.attribution.user
        case .team: return record.attribution.team
        case .department: return record.attribution.department
        case .model: return record.attribution.model
        case .feature: return record.attribution.feature
        }
    }
}
