/// Which member of a scope a request is counted for: the one definition the meter (from a
/// request) and the usage report (from a record's attribution) share.
extension BudgetScope {
    /// The member named by the request's `user.id`, `user.team`, `user.department` or
    /// `user.role`, `""` for the organization, or nil when the request did not name one.
    public func member(user: String?, team: String?, department: String?, role: String?) -> String? {
        switch self {
        case .user: return user
        case .team: return team
        case .department: return department
        case .role: return role
        case .organization: return ""
        }
    }

    /// The request field that names the member (nil for the organization), for messages.
    public var memberInput: RequestInput? {
        switch self {
        case .user: return .userID
        case .team: return .team
        case .department: return .department
        case .role: return .role
        case .organization: return nil
        }
    }
}
