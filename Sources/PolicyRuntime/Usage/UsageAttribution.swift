/// Who a request's use is attributed to, for reports.
public struct UsageAttribution: Sendable, Equatable, Hashable {
    /// `user.id`
    public var user: String?
    /// `user.team`
    public var team: String?
    /// `user.department`
    public var department: String?
    /// `user.role`
    public var role: String?
    /// The model (canonical id).
    public var model: String?
    /// `feature`
    public var feature: String?

    /// Creates an attribution.
    public init(user: String? = nil, team: String? = nil, department: String? = nil, role: String? = nil, model: String? = nil,
                feature: String? = nil) {
        self.user = user
        self.team = team
        self.department = department
        self.role = role
        self.model = model
        self.feature = feature
    }
}
