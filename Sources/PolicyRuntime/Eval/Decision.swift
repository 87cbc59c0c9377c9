/// What the runtime decided about one request, and everything else that must happen.
///
/// A decision never contains the sensitive text it detected: detections carry types and byte
/// offsets only, and `redactedPrompt` has every finding replaced by its placeholder.
public struct Decision: Sendable, Equatable {
    /// The outcome.
    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        /// The request may go through.
        case allow
        /// The request is refused.
        case deny
        /// The request waits for a person's approval.
        case requireApproval = "require_approval"
    }

    /// allow, deny or require_approval.
    public var outcome: Outcome
    /// Why, in evaluation order: role checks, then rules, alerts and playbooks in declaration order.
    public var reasons: [Reason]
    /// Alerts raised.
    public var alerts: [RaisedAlert]
    /// What the detectors and pattern lists found (types and offsets, never the text).
    public var detections: [Detection]
    /// Operations awaiting approval.
    public var approvals: [String]
    /// Audit level for this request.
    public var auditLevel: AuditLevel
    /// Playbooks started.
    public var playbooks: [StartedPlaybook]
    /// The prompt with findings replaced by placeholders, when a rule redacts.
    public var redactedPrompt: String?
    /// Risk in whole percent, 0–100 (the JSON form is a fraction in [0, 1]).
    public var riskPercent: Int
    /// The policy that decided.
    public var policy: PolicyIdentity
    /// What the request costs and holds against budgets and rate limits, when decided by a
    /// ``UsageMeter`` whose policy meters it; nil otherwise.
    public var usage: UsageSummary?
    /// Seconds after which a request a rate limit refused would have room, when it ever will.
    public var retryAfterSeconds: Int?

    /// Creates a decision.
    public init(outcome: Outcome, reasons: [Reason], alerts: [RaisedAlert], detections: [Detection], approvals: [String],
                auditLevel: AuditLevel, playbooks: [StartedPlaybook], redactedPrompt: String?, riskPercent: Int,
                policy: PolicyIdentity) {
        self.outcome = outcome
        self.reasons = reasons
        self.alerts = alerts
        self.detections = detections
        self.approvals = approvals
        self.auditLevel = auditLevel
        self.playbooks = playbooks
        self.redactedPrompt = redactedPrompt
        self.riskPercent = riskPercent
        self.policy = policy
    }
}

/// One reason for a decision.
public struct Reason: Sendable, Equatable {
    /// Why.
    public var code: ReasonCode
    /// The rule, alert, playbook or role check that gave it (`role:contractor` for role checks).
    public var rule: String
    /// A message for people; never contains request text.
    public var message: String
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a reason.
    public init(code: ReasonCode, rule: String, message: String, source: String) {
        self.code = code
        self.rule = rule
        self.message = message
        self.source = source
    }
}

/// An alert raised by a request.
public struct RaisedAlert: Sendable, Equatable {
    /// The alert's name.
    public var name: String
    /// Its severity.
    public var severity: AlertSeverity
    /// Its actions, in the guide's spelling.
    public var actions: [String]

    /// Creates a raised alert.
    public init(name: String, severity: AlertSeverity, actions: [String]) {
        self.name = name
        self.severity = severity
        self.actions = actions
    }
}

/// A playbook started by a request.
public struct StartedPlaybook: Sendable, Equatable {
    /// The incident type.
    public var name: String
    /// Its response actions in order.
    public var actions: [String]

    /// Creates a started playbook.
    public init(name: String, actions: [String]) {
        self.name = name
        self.actions = actions
    }
}

/// Something found in a text field: which detector or pattern list, where, never what.
public struct Detection: Sendable, Equatable, Hashable {
    /// Detector name (`pii.email`) or `pattern.<list>` / `blocked_pattern`.
    public var type: String
    /// `prompt`, `response` or `messages`.
    public var field: String
    /// Index of the message, for `messages`.
    public var message: Int?
    /// Index of the string within the message or the system prompt (document order), for
    /// `messages` and `system`: the part the finding starts in.
    public var part: Int?
    /// Byte offset where the finding starts in that field (or part).
    public var start: Int
    /// Byte offset one past its end, counted from the same first byte: past the part's length
    /// when the finding runs on into the next parts.
    public var end: Int
    /// Which of the detector's formats matched (`gitlab_pat`, `authorization_header`), for
    /// detectors that recognise several; nil otherwise.
    public var family: String?

    /// Creates a detection.
    public init(type: String, field: String, message: Int? = nil, part: Int? = nil, start: Int, end: Int, family: String? = nil) {
        self.type = type
        self.field = field
        self.message = message
        self.part = part
        self.start = start
        self.end = end
        self.family = family
    }
}

extension Detection {
    /// Removes repeated detections from `detections[start...]`, keeping the first of each.
    static func removeDuplicates(in detections: inout [Detection], from start: Int) {
        var seen = Set<Detection>()
        var kept = detections[..<start].map { $0 }
        for detection in detections[start...] where seen.insert(detection).inserted { kept.append(detection) }
        detections = kept
    }
}
