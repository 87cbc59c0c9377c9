/// The compliance report over an audit trail's period (docs/audit.md, "Reports"): the guide's
/// `generateComplianceReport` — sessions, unique users, model usage, cost by user, team and
/// model, security events by type, file modifications, high-risk activity — and, for each
/// compliance control the policy declares, the rules, alerts and playbooks that implement it
/// and the decisions they produced. A value: built once from the trail, then rendered as JSON,
/// Markdown or a self-contained HTML page that all show the same numbers.
public struct ComplianceReport: Sendable, Equatable {
    /// The period's first second (seconds since the epoch).
    public var from: Int
    /// The first second after the period: `to` is exclusive.
    public var to: Int
    /// How long each ranked list is before the rest are added up; nil keeps every entry.
    public var top: Int?
    /// The trails read, in the order given.
    public var trails: [TrailRead]
    /// The policy given to the report (its controls and high-risk threshold), if any.
    public var policy: PolicyIdentity?
    /// With a policy: how many of the period's decisions it made (by digest). Fewer than all
    /// means its controls' evidence may miss what another policy's rules did.
    public var policyDecisions: Int?
    /// The period's figures.
    public var totals: Totals
    /// Decisions by outcome over the period, an hour or a day at a time.
    public var timeline: ComplianceTimeline
    /// Decisions per model (with users, tokens and spend), most used first.
    public var models: ComplianceRanking
    /// Spend by user, by team and by model, highest first.
    public var costByUser: ComplianceRanking
    /// Spend by team (a record without a team counts under no name).
    public var costByTeam: ComplianceRanking
    /// Spend by model.
    public var costByModel: ComplianceRanking
    /// Security events by type: the decisions carrying each reason code that is a security event
    /// (``ReasonCode/isSecurityEvent``), a decision counted once per code.
    public var securityEvents: ComplianceRanking
    /// What the detectors found, by type: the decisions with each type.
    public var detections: ComplianceRanking
    /// Alerts raised, by name.
    public var alerts: ComplianceRanking
    /// Files modified (`files_modified`), by path: modifications and the users who made them.
    public var fileModifications: ComplianceRanking
    /// Decisions whose risk score was above the high-risk threshold.
    public var highRisk: HighRiskActivity
    /// Evidence for each control the policy declares; nil without a policy.
    public var controls: [ControlEvidence]?
    /// The policies whose decisions the period holds (by digest), most decisions first.
    public var policies: [PolicySeen]
    /// Records of other kinds than decisions (repairs, erasure receipts, a gateway's own), by kind.
    public var trailEvents: ComplianceRanking

    /// The longest period a report covers, in days: the usage report's.
    public static let maximumDays = UsageReport.maximumDays
    /// The longest period reported an hour at a time; longer ones go a day at a time.
    public static let hourlyTimelineDays = 3
    /// The guide's high-risk threshold, used when no policy is given or the policy sets none.
    public static let defaultHighRiskPercent = 70

    /// A trail (directory) or file list read for the report.
    public struct TrailRead: Sendable, Equatable {
        /// The directory, or the first file, as given.
        public var path: String
        /// Files read.
        public var files: Int
        /// Records read, in the period or not.
        public var records: Int
        /// The first and last `seq` read (0 when there were none).
        public var firstSeq: Int
        /// The last `seq` read.
        public var lastSeq: Int
        /// Whether its chain was verified with the key as it was read.
        public var verified: Bool
        /// Whether its end was checked against its checkpoint too: only for a directory. Files
        /// given alone have no checkpoint, so records cut off their end cannot be found.
        public var endChecked: Bool
    }

    /// The period's figures.
    public struct Totals: Sendable, Equatable {
        /// Records of any kind in the period.
        public var records = 0
        /// Decisions.
        public var decisions = 0
        /// Decisions allowed.
        public var allowed = 0
        /// Decisions denied.
        public var denied = 0
        /// Decisions waiting for approval.
        public var approvalRequired = 0
        /// Distinct sessions.
        public var sessions = 0
        /// Distinct users.
        public var uniqueUsers = 0
        /// Decisions whose identity was erased (right to erasure).
        public var erasedIdentities = 0
        /// Decisions that are security events: a security reason, a detection or a playbook started.
        public var securityEvents = 0
        /// Decisions above the high-risk threshold.
        public var highRisk = 0
        /// Files modified, each counted once per decision that modified it.
        public var fileModifications = 0
        /// Spend, in micro-dollars: completions the usage store settled.
        public var costMicros = 0
        /// Cost of completions metered while the usage store was unavailable: spent with the
        /// provider, counted by no budget.
        public var unsettledCostMicros = 0
        /// Input tokens of that spend.
        public var tokensIn = 0
        /// Output tokens of that spend.
        public var tokensOut = 0
    }

    /// A policy the period's decisions were made under, and how many.
    public struct PolicySeen: Sendable, Equatable {
        /// Its name, version and digest.
        public var identity: PolicyIdentity
        /// Decisions made under it in the period.
        public var decisions: Int
    }
}

/// Decisions by outcome, a bucket (an hour or a UTC day) at a time, every bucket of the period
/// listed (an empty one as zeros).
public struct ComplianceTimeline: Sendable, Equatable {
    /// One bucket.
    public struct Point: Sendable, Equatable {
        /// Its first second.
        public var start: Int
        /// Decisions allowed in it.
        public var allowed = 0
        /// Decisions denied.
        public var denied = 0
        /// Decisions waiting for approval.
        public var approvalRequired = 0
    }

    /// A bucket's length in seconds: 3,600 or 86,400.
    public var bucketSeconds: Int
    /// The buckets, in time order.
    public var points: [Point]
}

/// Decisions whose risk score was above the threshold (the guide's `high_risk_ai_activity`).
public struct HighRiskActivity: Sendable, Equatable {
    /// One such decision.
    public struct Record: Sendable, Equatable {
        /// Its trail: an index into the report's ``ComplianceReport/trails``.
        public var trail: Int
        /// Its `seq` in its trail.
        public var seq: Int
        /// When.
        public var time: Int
        /// Who (nil when not given or erased).
        public var user: String?
        /// Which model.
        public var model: String?
        /// Its risk score, in whole percent.
        public var riskPercent: Int
        /// `allow`, `deny` or `require_approval`.
        public var outcome: String
        /// Its reason codes, in order.
        public var reasons: [String]
        /// The alerts it raised.
        public var alerts: [String]
    }

    /// The threshold, in whole percent: a score above it is high-risk.
    public var thresholdPercent: Int
    /// Whether the threshold is the policy's (else the guide's ``ComplianceReport/defaultHighRiskPercent``).
    public var thresholdFromPolicy: Bool
    /// By user, most first.
    public var byUser: ComplianceRanking
    /// The riskiest, highest first (then oldest), as many as the report's `top`.
    public var records: [Record]
}

/// What evidences one compliance control in the period: what implements it and the decisions
/// those produced.
public struct ControlEvidence: Sendable, Equatable {
    /// A rule, alert or playbook that implements the control, and its decisions.
    public struct Implementer: Sendable, Equatable {
        /// `rule:NAME`, `alert:NAME` or `playbook:TYPE`, as the compiled policy lists it.
        public var reference: String
        /// Decisions it took part in: a rule that gave a reason, an alert raised, a playbook started.
        public var decisions = 0
        /// Of which allowed.
        public var allowed = 0
        /// Denied.
        public var denied = 0
        /// Waiting for approval.
        public var approvalRequired = 0
    }

    /// The control's id, framework first (`SOC2 CC7.1`).
    public var id: String
    /// What the control requires.
    public var description: String
    /// Where the policy declares it.
    public var source: String
    /// What implements it, as the policy lists them.
    public var implementedBy: [Implementer]
    /// A decision named as evidence.
    public struct Decision: Sendable, Equatable {
        /// Its trail: an index into the report's ``ComplianceReport/trails``.
        public var trail: Int
        /// Its `seq` there.
        public var seq: Int
        /// When.
        public var time: Int
    }

    /// Decisions any of them took part in, each counted once.
    public var decisions = 0
    /// The first such decision (nil when there were none).
    public var first: Decision?
    /// The last.
    public var last: Decision?
}
