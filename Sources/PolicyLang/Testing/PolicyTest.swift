import PolicyRuntime

/// One `test` block, resolved: the request it sends and the decision it expects.
public struct PolicyTest: Sendable {
    /// What the decision must be; lists that are nil were not stated and are not compared.
    /// Lists compare as sets (order and repetition do not matter).
    public struct Expectation: Sendable, Equatable {
        /// allow, deny or require_approval.
        public var decision: Decision.Outcome
        /// Reason codes.
        public var reasons: [String]?
        /// Alert names.
        public var alerts: [String]?
        /// Detection types (`pii.email`, `blocked_pattern`, `pattern.internal_terms`).
        public var detections: [String]?
        /// Operations awaiting approval.
        public var approvals: [String]?
        /// Incident types whose playbooks start.
        public var playbooks: [String]?
        /// The audit level.
        public var auditLevel: String?
    }

    /// The test's name.
    public var name: String
    /// The file it is written in.
    public var file: String
    /// `file:line:col` of the `test` keyword.
    public var source: String
    /// The request, with the defaults applied (grammar.md, "Tests").
    public var request: Request
    /// What must come out.
    public var expectation: Expectation
    /// Use of budgets and rate limits before the request (`used per_user_daily $24`), in each
    /// one's unit (micro-dollars, tokens, requests).
    public var priorUse: [(name: String, amount: Int)] = []
}
