/// What one evaluation did, step by step: each role check, each blocked pattern found, and the
/// value of every rule, alert and playbook condition, node by node.
///
/// Recorded by ``Plan/evaluate(_:trace:)`` — the same evaluation that decides, so what it
/// records is what decided. It is the one source of `policyc eval --explain`, of `policyc test
/// --coverage` and of the role cells of `policyc diff`. Without a trace, evaluation records
/// nothing and pays nothing for it.
public struct EvaluationTrace: Sendable, Equatable {
    /// The role checks of stages 1 and 2 (docs/runtime.md, "How a request is decided"), in order.
    public var roleChecks: [RoleCheck] = []
    /// Per rule, in declaration order: whether its condition held, and each node's value.
    public var rules: [ConditionTrace] = []
    /// Per alert, in declaration order.
    public var alerts: [AlertTrace] = []
    /// Per playbook, in declaration order.
    public var playbooks: [PlaybookTrace] = []

    /// An empty trace, to pass to ``Plan/evaluate(_:trace:)``.
    public init() {}

    /// One check of the role stage.
    public enum RoleCheck: Sendable, Equatable {
        /// The request's role, and whether the policy declares it.
        case role(name: String?, known: Bool)
        /// The model asked for, its canonical id when the policy knows it, and whether the role may use it.
        case model(requested: String?, id: String?, allowed: Bool)
        /// The feature asked for and whether the role may use it.
        case feature(requested: String?, allowed: Bool)
        /// The role's context limit (nil: none), the request's context size, and whether it passed.
        case contextLimit(limit: Int?, tokens: Int?, passed: Bool)
        /// An operation of the request: whether the policy declares it and whether the role
        /// needs approval for it.
        case operation(name: String, declared: Bool, needsApproval: Bool)
        /// A blocked pattern of the role found: its index in the role's `blocked_patterns`.
        case blockedPattern(index: Int)
    }

    /// A condition's outcome and the value of each of its nodes in pre-order (a node, then its
    /// parts), so that it can be shown against the compiled condition.
    public struct ConditionTrace: Sendable, Equatable {
        /// Whether the whole condition held.
        public var holds: Bool
        /// Each node's value, pre-order.
        public var values: [Bool]
    }

    /// Whether an alert was raised, and by what.
    public struct AlertTrace: Sendable, Equatable {
        /// Its condition, evaluated.
        public var condition: ConditionTrace
        /// The rules that raised it.
        public var raisedByRules: [String]
        /// Whether the risk score's threshold raised it (`audit.high_risk_alert`).
        public var raisedByRisk: Bool
        /// Whether it was raised, by any of these.
        public var raised: Bool { condition.holds || !raisedByRules.isEmpty || raisedByRisk }
    }

    /// Whether a playbook was started, and by what.
    public struct PlaybookTrace: Sendable, Equatable {
        /// Its trigger, evaluated.
        public var trigger: ConditionTrace
        /// The rules whose `incident` started it.
        public var startedByRules: [String]
        /// The alerts whose `create_incident` started it.
        public var startedByAlerts: [String]
        /// Whether it was started, by any of these.
        public var started: Bool { trigger.holds || !startedByRules.isEmpty || !startedByAlerts.isEmpty }
    }
}

/// Receives what an evaluation does. Evaluation is generic over it, so the no-op recorder is
/// compiled away and deciding without a trace costs nothing extra.
protocol EvaluationRecorder {
    /// Whether anything is recorded: evaluation skips recording work when false.
    static var isRecording: Bool { get }
    mutating func record(_ check: EvaluationTrace.RoleCheck)
    mutating func recordRule(_ trace: EvaluationTrace.ConditionTrace)
    mutating func recordAlert(_ trace: EvaluationTrace.AlertTrace)
    mutating func recordPlaybook(_ trace: EvaluationTrace.PlaybookTrace)
    /// Notes that the risk threshold raised an alert already recorded.
    mutating func markAlertRaisedByRisk(_ alert: Int)
}

/// The recorder of an evaluation nobody traces.
struct NoTrace: EvaluationRecorder {
    static var isRecording: Bool { false }
    @inline(__always) mutating func record(_ check: EvaluationTrace.RoleCheck) {}
    @inline(__always) mutating func recordRule(_ trace: EvaluationTrace.ConditionTrace) {}
    @inline(__always) mutating func recordAlert(_ trace: EvaluationTrace.AlertTrace) {}
    @inline(__always) mutating func recordPlaybook(_ trace: EvaluationTrace.PlaybookTrace) {}
    @inline(__always) mutating func markAlertRaisedByRisk(_ alert: Int) {}
}

extension EvaluationTrace: EvaluationRecorder {
    static var isRecording: Bool { true }
    mutating func record(_ check: RoleCheck) { roleChecks.append(check) }
    mutating func recordRule(_ trace: ConditionTrace) { rules.append(trace) }
    mutating func recordAlert(_ trace: AlertTrace) { alerts.append(trace) }
    mutating func recordPlaybook(_ trace: PlaybookTrace) { playbooks.append(trace) }
    mutating func markAlertRaisedByRisk(_ alert: Int) { alerts[alert].raisedByRisk = true }
}
