/// Deciding requests, in the stages docs/runtime.md ("How a request is decided") lists: each
/// stage is one function, and each can record what it did into an ``EvaluationTrace``.
extension Plan {
    /// Decides one request. Safe to call from many threads at once.
    public func evaluate(_ request: Request) -> Decision {
        var recorder = NoTrace()
        return evaluate(request, recording: &recorder)
    }

    /// Decides one request and records how (for explanations, coverage and diffs). The decision
    /// is the one ``evaluate(_:)`` gives.
    public func evaluate(_ request: Request, trace: inout EvaluationTrace) -> Decision {
        evaluate(request, recording: &trace)
    }

    /// Decides a request given as JSON; a request that cannot be read is denied with
    /// `invalid_request` and the reader's message.
    public func evaluate(json: [UInt8]) -> Decision {
        do {
            return evaluate(try RequestReader.read(json))
        } catch {
            return invalidRequest(error.description)
        }
    }

    /// The decision for a request that could not be read: deny, `invalid_request`.
    public func invalidRequest(_ message: String) -> Decision {
        Decision(outcome: .deny, reasons: [Reason(code: .invalidRequest, rule: "request", message: message, source: "")],
                 alerts: [], detections: [], approvals: [], auditLevel: .comprehensive, playbooks: [], redactedPrompt: nil,
                 riskPercent: ReasonCode.invalidRequest.riskWeight, policy: compiled.policy)
    }

    func evaluate<Recorder: EvaluationRecorder>(_ request: Request, recording recorder: inout Recorder) -> Decision {
        var state = EvaluationState()
        let role = request.role.flatMap { roleIndex[$0] }.map { roles[$0] }
        let modelSlot = request.model.flatMap { modelIndex[$0] }
        checkRole(request, role, modelSlot, &state, &recorder)
        if let role { findBlockedPatterns(request, role, &state, &recorder) }
        let scan = scanTexts(request)
        collectDetections(scan, &state)
        if !(rules.isEmpty && alerts.isEmpty && playbooks.isEmpty) {
            // A policy with no rules, alerts or playbooks (the role table alone) builds no context.
            // Rules see the risk of the role checks and the findings; alerts and playbooks also
            // that of the rules' own denials.
            var context = EvaluationContext(request: request, modelID: modelSlot.map { compiled.models[$0].id },
                                            cost: cost(request, modelSlot), riskPercent: state.risk, scan: scan)
            applyRules(&context, &state, &recorder)
            context.riskPercent = state.risk
            raiseAlertsAndStartPlaybooks(context, &state, &recorder)
        }
        return decision(request, role, scan, state)
    }

    /// Stage 6: the decision, with everything the stages gathered.
    private func decision(_ request: Request, _ role: PlannedRole?, _ scan: ScanResults, _ state: EvaluationState) -> Decision {
        let redacted = state.redactDetectors.isEmpty && state.redactLiterals.allSatisfy(\.isEmpty)
            ? nil : redact(request.prompt, scan: scan, detectors: state.redactDetectors, literals: state.redactLiterals)
        return Decision(
            outcome: state.outcome, reasons: state.reasons,
            alerts: state.raised.map { RaisedAlert(name: alerts[$0].alert.name, severity: alerts[$0].alert.severity,
                                                   actions: alerts[$0].alert.actions) },
            detections: state.detections, approvals: state.approvals,
            auditLevel: role?.auditLevel ?? .comprehensive,
            playbooks: state.started.map { StartedPlaybook(name: playbooks[$0].playbook.incident, actions: playbooks[$0].playbook.actions) },
            redactedPrompt: redacted, riskPercent: state.risk, policy: compiled.policy)
    }

    /// Request text shown in messages: names only, cut short, so a decision cannot echo a prompt.
    static func shown(_ text: String) -> String {
        text.utf8.count <= 64 ? text : String(text.prefix(60)) + "…"
    }

    /// The request's cost in micro-dollars at the model's prices, rounded up; saturates instead of overflowing.
    func cost(_ request: Request, _ modelSlot: Int?) -> Int {
        cost(tokensIn: request.tokensIn, tokensOut: request.tokensOut, modelSlot: modelSlot)
    }

    /// The cost of token counts at a model's prices (``CompiledPrice/cost(tokensIn:tokensOut:)``);
    /// zero for a model without prices.
    func cost(tokensIn: Int?, tokensOut: Int?, modelSlot: Int?) -> Int {
        guard let modelSlot, let price = compiled.models[modelSlot].price else { return 0 }
        return price.cost(tokensIn: tokensIn, tokensOut: tokensOut)
    }
}
