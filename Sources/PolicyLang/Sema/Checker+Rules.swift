import PolicyRuntime

/// An alert's or playbook's actions after checking.
struct CheckedActions {
    /// Actions in the guide's spelling.
    let names: [String]
    /// Whether they block the request.
    let blocks: Bool
    /// Incident types `create_incident(…)` opens.
    let incidents: [String]
}

/// Rules, alerts, playbooks and their actions.
extension Checker {
    mutating func checkRules() {
        for declared in symbols.rules.all {
            let rule = declared.syntax
            let file = declared.file
            let what = "rule `\(rule.name.text)`"
            var condition: Condition?
            if let expression = rule.condition {
                condition = checkCondition(expression, file)
            } else {
                error(.missingProperty, "\(what) has no `when` condition", file, rule.name.span,
                      help: "add `when …` to say which requests it applies to")
            }
            var effect: RuleEffect?
            if rule.deny != nil, let second = rule.requireApproval {
                error(.ruleWithoutEffect, "\(what) both denies and requires approval", file, second.span,
                      help: "deny wins; keep one of the two")
            }
            if rule.deny != nil { effect = .deny } else if rule.requireApproval != nil { effect = .requireApproval }
            if effect == nil, rule.redact == nil, rule.alerts.isEmpty, rule.incidents.isEmpty {
                error(.ruleWithoutEffect, "\(what) has no effect", file, rule.name.span,
                      help: "add `deny \"…\"`, `require_approval \"…\"`, `redact …`, `alert …` or `incident …`")
            }
            var reason: ReasonCode = effect == .requireApproval ? .approvalRequired : .rule
            if let written = rule.reason, let code = resolveWord(written, ReasonCode.self, file) {
                reason = code
            }
            var redact: [String] = []
            if let targets = rule.redact {
                if let resolvedTargets = resolveTargets(targets, file) {
                    redact = resolvedTargets.detectors + resolvedTargets.patterns
                }
            }
            let alerts = resolveAlerts(rule.alerts, file)
            let incidents = rule.incidents.compactMap { resolvePlaybook($0, file) }
            let controls = resolveControls(rule.controls, file)
            let message = rule.deny?.value ?? rule.requireApproval?.value ?? rule.message?.value
            guard let condition else { continue }
            resolved.rules.append(CompiledRule(
                id: rule.name.text, effect: effect, reason: reason, message: message, condition: condition,
                stage: stage(of: condition), redact: unique(redact), alerts: unique(alerts), incidents: unique(incidents),
                controls: controls, source: file.reference(rule.span.start)))
            ruleSpans.append((rule.name.text, file, rule.name.span))
        }
    }

    mutating func checkAlerts() {
        // An alert that a rule, budget or rate limit raises by name may leave out `when`.
        var raisedByName = Set(symbols.rules.all.flatMap { $0.syntax.alerts.map(\.text) })
        raisedByName.formUnion(symbols.budgets.all.flatMap { ($0.syntax.alerts ?? []).map(\.text) })
        raisedByName.formUnion(symbols.rateLimits.all.flatMap { ($0.syntax.alerts ?? []).map(\.text) })
        for declared in symbols.alerts.all {
            let alert = declared.syntax
            let file = declared.file
            let raised = raisedByName.contains(alert.name.text)
            guard let checked = checkResponse(alert.body, "alert `\(alert.name.text)`", alert.name.span, file,
                                              defaultCondition: raised ? .constant(false) : nil) else { continue }
            resolved.alerts.append(CompiledAlert(
                name: alert.name.text, condition: checked.condition, severity: checked.severity, actions: checked.actions.names,
                blocks: checked.actions.blocks, incidents: checked.actions.incidents, controls: checked.controls,
                source: file.reference(alert.span.start)))
        }
    }

    mutating func checkPlaybooks() {
        for declared in symbols.playbooks.all {
            let playbook = declared.syntax
            let file = declared.file
            let incident = playbook.incident.text
            if !symbols.isIncidentType(incident) {
                error(.unknownPlaybook, "unknown incident type `\(incident)`", file, playbook.incident.span,
                      help: Suggestion.help(for: incident, in: symbols.incidentOrder) ?? "declare it: `incidents \(incident)`")
            }
            // Without `when`, only rules' `incident` and alerts' `create_incident(…)` start it.
            guard let checked = checkResponse(playbook.body, "playbook `\(incident)`", playbook.incident.span, file,
                                              defaultCondition: .constant(false)) else { continue }
            let reason = ReasonCode(rawValue: incident) ?? .rule
            resolved.playbooks.append(CompiledPlaybook(
                incident: incident, severity: checked.severity, trigger: checked.condition, blocks: checked.actions.blocks,
                reason: reason, actions: checked.actions.names, controls: checked.controls,
                source: file.reference(playbook.span.start)))
        }
    }

    /// Checks what alerts and playbooks share; nil when something is wrong (reported).
    /// - Parameter defaultCondition: the condition when `when` is absent, or nil when it is required.
    private mutating func checkResponse(_ body: ResponseSyntax, _ what: String, _ span: Span, _ file: SourceFile,
                                        defaultCondition: Condition?)
        -> (condition: Condition, severity: AlertSeverity, actions: CheckedActions, controls: [String])? {
        var condition = defaultCondition
        if let expression = body.condition {
            condition = checkCondition(expression, file)
        } else if defaultCondition == nil {
            error(.missingProperty, "\(what) has no `when` condition", file, span)
        }
        let severity = severityOf(body.severity, what, span, file)
        let actions = checkActions(body.actions, what, span, file)
        let controls = resolveControls(body.controls, file)
        guard let condition, let severity, let actions else { return nil }
        return (condition, severity, actions, controls)
    }

    private mutating func severityOf(_ name: Name?, _ what: String, _ span: Span, _ file: SourceFile) -> AlertSeverity? {
        guard let name else {
            error(.missingProperty, "\(what) has no `severity`", file, span, help: "add `severity low`, `medium`, `high` or `critical`")
            return nil
        }
        return resolveWord(name, AlertSeverity.self, file)
    }

    /// An incident type that has a playbook, or nil after reporting P2007.
    mutating func resolvePlaybook(_ name: Name, _ file: SourceFile) -> String? {
        if symbols.playbooks[name.text] != nil { return referenced(.incident, name, file) }
        if symbols.isIncidentType(name.text) {
            error(.unknownPlaybook, "incident type `\(name.text)` has no playbook", file, name.span,
                  help: "declare `playbook \(name.text) { severity … then … }`")
        } else {
            error(.unknownPlaybook, "unknown playbook `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: symbols.playbooks.names))
        }
        return nil
    }

    /// Checks an action list; returns the actions in the guide's spelling, whether they block
    /// the request, and the incidents they open.
    private mutating func checkActions(_ actions: [ActionSyntax]?, _ what: String, _ span: Span, _ file: SourceFile)
        -> CheckedActions? {
        guard let actions, !actions.isEmpty else {
            error(.missingProperty, "\(what) has no actions", file, span, help: "add `then block_request, notify(security_team), …`")
            return nil
        }
        var names: [String] = []
        var incidents: [String] = []
        var failed = false
        for action in actions {
            var name = action.name.text
            var argument = action.argument
            // The guide's spelling `notify_security_team` is `notify(security_team)`.
            if argument == nil, name.hasPrefix("notify_"), name.count > 7 {
                let target = String(name.dropFirst(7))
                let start = action.name.span.start + 7
                argument = Name(text: target, span: Span(start: start, end: action.name.span.end))
                name = "notify"
            }
            if let parameter = ActionCatalog.parameterised[name] {
                switch parameter {
                case .channel:
                    guard let target = argument else {
                        error(.missingProperty, "`notify` needs a channel", file, action.span, help: "write `notify(security_team)`")
                        failed = true
                        continue
                    }
                    guard symbols.channels[target.text] != nil || SymbolTable.implicitChannels.contains(target.text) else {
                        error(.actionWithoutHandler, "action `notify(\(target.text))` has no handler", file, action.span,
                              help: Suggestion.help(for: target.text, in: symbols.channels.names + SymbolTable.implicitChannels)
                                ?? "declare where it goes: `channel \(target.text) \"mailto:…\"`")
                        failed = true
                        continue
                    }
                    if symbols.channels[target.text] != nil { referenced(.channel, target, file) }
                    names.append("notify_" + target.text)
                case .incidentType:
                    names.append(name)
                    if let target = argument {
                        if let incident = resolvePlaybook(target, file) { incidents.append(incident) } else { failed = true }
                    }
                }
            } else if ActionCatalog.plain.contains(name) || symbols.customActions[name] != nil {
                if let argument {
                    error(.unknownAction, "action `\(name)` takes no target", file, argument.span)
                    failed = true
                    continue
                }
                if symbols.customActions[name] != nil { referenced(.action, action.name, file) }
                names.append(name)
            } else {
                let known = ActionCatalog.plain + ActionCatalog.parameterised.keys.sorted() + symbols.customActions.names
                    + (symbols.channels.names + SymbolTable.implicitChannels).map { "notify_" + $0 }
                error(.unknownAction, "unknown action `\(name)`", file, action.name.span,
                      help: Suggestion.help(for: name, in: known) ?? "declare custom actions with `actions \(name)`")
                failed = true
            }
        }
        if failed { return nil }
        let blocks = names.contains(where: ActionCatalog.blocking.contains)
        return CheckedActions(names: names, blocks: blocks, incidents: unique(incidents))
    }

    /// `response` when the condition reads the model's output, else `request`.
    func stage(of condition: Condition) -> RuleStage {
        condition.fields.contains(RequestField.response.path) ? .response : .request
    }
}
