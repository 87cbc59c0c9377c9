/// Stages 4 and 5: rules in declaration order, then alerts and playbooks, which may read the
/// risk score the earlier stages set.
extension Plan {
    /// Stage 4. A matching `deny` rule denies, a `require_approval` rule asks for approval; its
    /// redactions, alerts and incidents take effect whatever the decision.
    func applyRules<Recorder: EvaluationRecorder>(_ context: inout EvaluationContext, _ state: inout EvaluationState,
                                                  _ recorder: inout Recorder) {
        for (ruleIndex, planned) in rules.enumerated() {
            let holds: Bool
            if Recorder.isRecording {
                let trace = context.trace(planned.condition)
                recorder.recordRule(trace)
                holds = trace.holds
            } else {
                holds = context.holds(planned.condition)
            }
            guard holds else { continue }
            if Recorder.isRecording { state.matchedRules.append(ruleIndex) }
            let rule = planned.rule
            let message = rule.message ?? "rule `\(rule.id)` matched"
            switch rule.effect {
            case .deny: state.deny(rule.reason, rule.id, message, rule.source)
            case .requireApproval: state.requireApproval(rule.reason, rule.id, message, rule.source)
            case nil: break
            }
            for index in planned.alerts where !state.raised.contains(index) { state.raised.append(index) }
            for playbook in planned.playbooks where !state.started.contains(playbook) { state.started.append(playbook) }
            if !rule.redact.isEmpty {
                state.redactDetectors.formUnion(planned.redactDetectors)
                state.redactLiterals.append(planned.redactLiterals)
            }
        }
    }

    /// Stage 5. Alerts whose condition holds are raised, and `audit.high_risk_alert` when the risk
    /// is above its threshold; playbooks start by trigger or from rules and alerts. A blocking
    /// alert or playbook denies.
    func raiseAlertsAndStartPlaybooks<Recorder: EvaluationRecorder>(_ context: EvaluationContext, _ state: inout EvaluationState,
                                                                    _ recorder: inout Recorder) {
        let byRules = Recorder.isRecording ? state.raised : []
        for (index, planned) in alerts.enumerated() {
            if Recorder.isRecording {
                let trace = context.trace(planned.condition)
                if trace.holds, !state.raised.contains(index) { state.raised.append(index) }
                recorder.recordAlert(EvaluationTrace.AlertTrace(
                    condition: trace, raisedByRules: byRules.contains(index) ? rulesRaising(index, state) : [], raisedByRisk: false))
            } else if !state.raised.contains(index), context.holds(planned.condition) {
                state.raised.append(index)
            }
        }
        if let threshold = compiled.audit.highRiskThresholdPercent, let index = highRiskAlert, state.risk > threshold {
            if !state.raised.contains(index) { state.raised.append(index) }
            if Recorder.isRecording { recorder.markAlertRaisedByRisk(index) }
        }
        if state.raised.count > 1 { state.raised.sort() }
        let startedByRules = Recorder.isRecording ? state.started : []
        for (index, planned) in playbooks.enumerated() {
            if Recorder.isRecording {
                let trace = context.trace(planned.trigger)
                if trace.holds, !state.started.contains(index) { state.started.append(index) }
                let alertNames = state.raised.filter { alerts[$0].playbooks.contains(index) }.map { alerts[$0].alert.name }
                recorder.recordPlaybook(EvaluationTrace.PlaybookTrace(
                    trigger: trace, startedByRules: startedByRules.contains(index) ? rulesStarting(index, state) : [],
                    startedByAlerts: alertNames))
            } else if !state.started.contains(index), context.holds(planned.trigger) {
                state.started.append(index)
            }
        }
        for index in state.raised {
            let alert = alerts[index].alert
            if alert.blocks { state.deny(.rule, "alert:" + alert.name, "blocked by alert `\(alert.name)`", alert.source) }
            for playbook in alerts[index].playbooks where !state.started.contains(playbook) { state.started.append(playbook) }
        }
        if state.started.count > 1 { state.started.sort() }
        for index in state.started where playbooks[index].playbook.blocks {
            let playbook = playbooks[index].playbook
            state.deny(playbook.reason, "playbook:" + playbook.incident, "blocked by the `\(playbook.incident)` incident playbook",
                       playbook.source)
        }
    }

    /// The names of the matching rules that raise an alert (for a trace).
    private func rulesRaising(_ alert: Int, _ state: EvaluationState) -> [String] {
        state.matchedRules.filter { rules[$0].alerts.contains(alert) }.map { rules[$0].rule.id }
    }

    /// The names of the matching rules whose incidents start a playbook (for a trace).
    private func rulesStarting(_ playbook: Int, _ state: EvaluationState) -> [String] {
        state.matchedRules.filter { rules[$0].playbooks.contains(playbook) }.map { rules[$0].rule.id }
    }
}
