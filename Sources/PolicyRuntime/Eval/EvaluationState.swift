/// What one evaluation has decided so far, passed from stage to stage.
struct EvaluationState {
    var reasons: [Reason] = []
    var approvals: [String] = []
    var denies = false
    var needsApproval = false
    /// The risk so far, in whole percent: the weight of the most serious reason or finding.
    var risk = 0
    var detections: [Detection] = []
    /// Alert and playbook indexes, in the order they were raised or started.
    var raised: [Int] = []
    var started: [Int] = []
    var redactDetectors = BitSet(capacity: DetectorCatalog.entries.count)
    var redactLiterals: [BitSet] = []
    /// The rules that matched, kept only while tracing.
    var matchedRules: [Int] = []

    /// A denial, with the risk its reason carries.
    mutating func deny(_ code: ReasonCode, _ rule: String, _ message: String, _ source: String) {
        reasons.append(Reason(code: code, rule: rule, message: message, source: source))
        denies = true
        raiseRisk(to: code.riskWeight)
    }

    /// A reason that asks for a person's approval (unless something denies).
    mutating func requireApproval(_ code: ReasonCode, _ rule: String, _ message: String, _ source: String) {
        reasons.append(Reason(code: code, rule: rule, message: message, source: source))
        needsApproval = true
    }

    mutating func raiseRisk(to weight: Int) {
        if weight > risk { risk = weight }
    }

    /// Combining (stage 6): any deny denies; else any approval requires approval; else allow.
    var outcome: Decision.Outcome { denies ? .deny : (needsApproval ? .requireApproval : .allow) }
}
