/// A custom rule: when its condition holds, its effects apply.
///
/// Combining is fixed (see grammar.md): default deny, deny overrides require-approval
/// overrides allow. `redact`, `alerts` and `incidents` apply whatever the decision.
public struct CompiledRule: Sendable, Equatable {
    /// The rule's name, unique in the policy; decisions cite it as `rule`.
    public var id: String
    /// `deny`, `require_approval`, or nil when the rule only redacts, alerts or opens incidents.
    public var effect: RuleEffect?
    /// Reason code the decision reports when this rule decides (`rule` unless the author chose one).
    public var reason: ReasonCode
    /// Message the decision reports.
    public var message: String?
    /// When the rule applies.
    public var condition: Condition
    /// `request` when the condition reads only the request, `response` when it reads the model's output.
    public var stage: RuleStage
    /// Detectors and pattern lists whose matches are replaced by placeholders.
    public var redact: [String]
    /// Alerts the rule raises.
    public var alerts: [String]
    /// Incident types whose playbooks the rule starts.
    public var incidents: [String]
    /// Compliance control ids, e.g. `SOC2 CC6.1`.
    public var controls: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a rule entry.
    public init(id: String, effect: RuleEffect?, reason: ReasonCode, message: String?, condition: Condition, stage: RuleStage,
                redact: [String], alerts: [String], incidents: [String], controls: [String], source: String) {
        self.id = id
        self.effect = effect
        self.reason = reason
        self.message = message
        self.condition = condition
        self.stage = stage
        self.redact = redact
        self.alerts = alerts
        self.incidents = incidents
        self.controls = controls
        self.source = source
    }
}

/// What a matching rule does to the decision.
public enum RuleEffect: String, ClosedVocabulary {
    /// The request is denied.
    case deny
    /// The request waits for a person's approval (unless something denies).
    case requireApproval = "require_approval"

    /// `rule effect`
    public static let vocabularyName = "rule effect"
}

/// An alert: raised whenever its condition holds; its actions are carried out in order.
public struct CompiledAlert: Sendable, Equatable {
    /// The alert's name.
    public var name: String
    /// When the alert is raised.
    public var condition: Condition
    /// How serious the alert is.
    public var severity: AlertSeverity
    /// Actions in the guide's spelling (`notify(security_team)` becomes `notify_security_team`).
    public var actions: [String]
    /// Whether the actions block the request (`block_request` or `block_user_immediately`),
    /// so that raising the alert denies the request that raised it.
    public var blocks: Bool
    /// Incident types that `create_incident(…)` names, whose playbooks start when the alert fires.
    public var incidents: [String]
    /// Compliance control ids.
    public var controls: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates an alert entry.
    public init(name: String, condition: Condition, severity: AlertSeverity, actions: [String], blocks: Bool,
                incidents: [String], controls: [String], source: String) {
        self.name = name
        self.condition = condition
        self.severity = severity
        self.actions = actions
        self.blocks = blocks
        self.incidents = incidents
        self.controls = controls
        self.source = source
    }
}

/// An incident-response playbook for one incident type.
public struct CompiledPlaybook: Sendable, Equatable {
    /// The incident type it responds to, e.g. `data_exfiltration`.
    public var incident: String
    /// How serious the incident is.
    public var severity: AlertSeverity
    /// What detects the incident; `false` when only rules or alerts start it.
    public var trigger: Condition
    /// Whether the actions block the request (`block_request` or `block_user_immediately`),
    /// so that the triggering request is denied.
    public var blocks: Bool
    /// Reason code a blocked request reports: the incident type when it is a reason code
    /// (`prompt_injection`, `data_exfiltration`), else `rule`.
    public var reason: ReasonCode
    /// Response actions, in order, in the guide's spelling.
    public var actions: [String]
    /// Compliance control ids.
    public var controls: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a playbook entry.
    public init(incident: String, severity: AlertSeverity, trigger: Condition, blocks: Bool, reason: ReasonCode,
                actions: [String], controls: [String], source: String) {
        self.incident = incident
        self.severity = severity
        self.trigger = trigger
        self.blocks = blocks
        self.reason = reason
        self.actions = actions
        self.controls = controls
        self.source = source
    }
}

/// Where `notify(name)` delivers.
public struct CompiledChannel: Sendable, Equatable {
    /// The channel's name as actions write it.
    public var name: String
    /// Address of the handler: a URL, `mailto:` address or queue name, opaque to the runtime.
    public var target: String
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a channel entry.
    public init(name: String, target: String, source: String) {
        self.name = name
        self.target = target
        self.source = source
    }
}

/// A compliance control and the parts of the policy that implement it.
public struct CompiledControl: Sendable, Equatable {
    /// Control id, framework first: `SOC2 CC6.1`.
    public var id: String
    /// What the control requires, in the framework's words.
    public var description: String
    /// Rules, alerts and playbooks tagged with the control, as `rule:NAME`, `alert:NAME`, `playbook:TYPE`.
    public var implementedBy: [String]
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a control entry.
    public init(id: String, description: String, implementedBy: [String], source: String) {
        self.id = id
        self.description = description
        self.implementedBy = implementedBy
        self.source = source
    }

}
