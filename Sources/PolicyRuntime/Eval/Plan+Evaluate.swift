/// Deciding requests.
extension Plan {
    /// Decides one request: role checks, content scanning, rules, alerts and playbooks, combined
    /// as grammar.md §5 states (default deny; deny overrides require-approval overrides allow).
    /// Safe to call from many threads at once.
    public func evaluate(_ request: Request) -> Decision {
        var reasons: [Reason] = []
        var approvals: [String] = []
        var decidesDeny = false
        var decidesApproval = false
        var risk = 0
        func deny(_ code: String, _ rule: String, _ message: String, _ source: String) {
            reasons.append(Reason(code: code, rule: rule, message: message, source: source))
            decidesDeny = true
            risk = max(risk, Plan.riskWeight(reason: code))
        }

        // Identity and role-based access.
        let role = request.role.flatMap { roleIndex[$0] }.map { roles[$0] }
        let modelSlot = request.model.flatMap { modelIndex[$0] }
        let modelID = modelSlot.map { compiled.models[$0].id }
        if let role {
            let rule = role.rule
            if let requested = request.model {
                if modelSlot.map({ !role.models.contains($0) }) ?? true {
                    deny("model_not_allowed", rule, "model `\(Plan.shown(requested))` is not allowed for role `\(role.name)`", role.source)
                }
            } else {
                deny("model_not_allowed", rule, "the request names no model", role.source)
            }
            if let feature = request.feature {
                if featureIndex[feature].map({ !role.features.contains($0) }) ?? true {
                    deny("feature_not_allowed", rule, "feature `\(Plan.shown(feature))` is not allowed for role `\(role.name)`", role.source)
                }
            } else if !role.features.isEmpty {
                deny("feature_not_allowed", rule, "the request names no feature", role.source)
            }
            if let limit = role.maxContextTokens {
                if let tokens = request.contextTokens {
                    if tokens > limit {
                        deny("context_limit_exceeded", rule,
                             "context of \(tokens) tokens exceeds the limit of \(limit) for role `\(role.name)`", role.source)
                    }
                } else {
                    deny("context_limit_exceeded", rule, "the request does not state `context_tokens`", role.source)
                }
            }
            for operation in request.operations {
                if let slot = operationIndex[operation], role.approvals.contains(slot), !approvals.contains(operation) {
                    approvals.append(operation)
                }
            }
        } else if let name = request.role {
            deny("unknown_role", "role", "unknown role `\(Plan.shown(name))`", "")
        } else {
            deny("unknown_role", "role", "the request names no role", "")
        }
        if !approvals.isEmpty, let role {
            reasons.append(Reason(code: "approval_required", rule: role.rule,
                                  message: "operations need approval for role `\(role.name)`: \(approvals.joined(separator: ", "))",
                                  source: role.source))
            decidesApproval = true
        }

        // Content: the role's blocked patterns, then one pass of the policy's literals and one of
        // the detectors over each text some condition reads.
        var detections: [Detection] = []
        if let role, role.blockedMatcher != nil || !role.blockedRegexes.isEmpty {
            let before = detections.count
            findBlocked(request, role.blockedMatcher.map { roleMatchers[$0] }, role.blockedRegexes, into: &detections)
            if detections.count > before {
                risk = max(risk, 60)
                deny("blocked_pattern", role.rule, role.blockedMessage, role.source)
            }
        }
        let scan = scanTexts(request)
        for field in [TextField.prompt, .messages, .response] where scan.hasAny(in: field) {
            for located in scan[findings: field] {
                risk = max(risk, Plan.riskWeight(detector: located.finding.detector))
                detections.append(Detection(type: DetectorCatalog.entries[located.finding.detector.rawValue].name, field: field.name,
                                            message: located.message, start: located.finding.start, end: located.finding.end))
            }
            for hit in scan[literals: field] {
                if let type = slotTypes[hit.literal] {
                    risk = max(risk, Plan.riskWeight(category: String(type.prefix { $0 != "." })))
                    detections.append(Detection(type: type, field: field.name, message: hit.message, start: hit.start, end: hit.end))
                }
                for list in literalLists[hit.literal] {
                    detections.append(Detection(type: "pattern." + compiled.patterns[list].name, field: field.name,
                                                message: hit.message, start: hit.start, end: hit.end))
                }
            }
        }

        // Rules, then risk, then alerts and playbooks (which may read it). A policy with none of
        // them (the role table alone) skips building the condition context.
        var raised: [Int] = []
        var started: [Int] = []
        var redactDetectors = BitSet(capacity: DetectorCatalog.entries.count)
        var redactLiterals: [BitSet] = []
        if !(rules.isEmpty && alerts.isEmpty && playbooks.isEmpty) {
            var context = EvaluationContext(request: request, modelID: modelID, cost: cost(request, modelSlot), riskPercent: 0,
                                             scan: scan)
            for planned in rules where context.holds(planned.condition) {
                let rule = planned.rule
                let message = rule.message ?? "rule `\(rule.id)` matched"
                switch rule.effect {
                case .deny: deny(rule.reason, rule.id, message, rule.source)
                case .requireApproval:
                    reasons.append(Reason(code: rule.reason, rule: rule.id, message: message, source: rule.source))
                    decidesApproval = true
                case nil: break
                }
                for index in planned.alerts where !raised.contains(index) { raised.append(index) }
                for playbook in planned.playbooks where !started.contains(playbook) { started.append(playbook) }
                if !rule.redact.isEmpty {
                    for detector in DetectorID.allCases where planned.redactDetectors.contains(detector.rawValue) {
                        redactDetectors.insert(detector.rawValue)
                    }
                    redactLiterals.append(planned.redactLiterals)
                }
            }
            context.riskPercent = risk
            for (index, planned) in alerts.enumerated() where !raised.contains(index) && context.holds(planned.condition) {
                raised.append(index)
            }
            if let threshold = compiled.audit.highRiskThresholdPercent, let name = compiled.audit.highRiskAlert,
               risk > threshold, let index = alerts.firstIndex(where: { $0.alert.name == name }), !raised.contains(index) {
                raised.append(index)
            }
            for (index, planned) in playbooks.enumerated() where !started.contains(index) && context.holds(planned.trigger) {
                started.append(index)
            }
        }
        if raised.count > 1 { raised.sort() }
        for index in raised {
            let alert = alerts[index].alert
            if alert.blocks { deny("rule", "alert:" + alert.name, "blocked by alert `\(alert.name)`", alert.source) }
            for playbook in alerts[index].playbooks where !started.contains(playbook) { started.append(playbook) }
        }
        if started.count > 1 { started.sort() }
        for index in started where playbooks[index].playbook.blocks {
            let playbook = playbooks[index].playbook
            deny(playbook.reason, "playbook:" + playbook.incident, "blocked by the `\(playbook.incident)` incident playbook",
                 playbook.source)
        }

        let outcome: Decision.Outcome = decidesDeny ? .deny : (decidesApproval ? .requireApproval : .allow)
        let redacted = redactDetectors.isEmpty && redactLiterals.allSatisfy(\.isEmpty)
            ? nil : redact(request.prompt, scan: scan, detectors: redactDetectors, literals: redactLiterals)
        return Decision(
            outcome: outcome, reasons: reasons,
            alerts: raised.map { RaisedAlert(name: alerts[$0].alert.name, severity: alerts[$0].alert.severity,
                                             actions: alerts[$0].alert.actions) },
            detections: detections, approvals: approvals,
            auditLevel: role?.auditLevel ?? "comprehensive",
            playbooks: started.map { StartedPlaybook(name: playbooks[$0].playbook.incident, actions: playbooks[$0].playbook.actions) },
            redactedPrompt: redacted, riskPercent: risk, policy: compiled.policy)
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
        Decision(outcome: .deny, reasons: [Reason(code: "invalid_request", rule: "request", message: message, source: "")],
                 alerts: [], detections: [], approvals: [], auditLevel: "comprehensive", playbooks: [], redactedPrompt: nil,
                 riskPercent: 100, policy: compiled.policy)
    }

    /// Request text shown in messages: names only, cut short, so a decision cannot echo a prompt.
    static func shown(_ text: String) -> String {
        text.utf8.count <= 64 ? text : String(text.prefix(60)) + "…"
    }

    /// The request's cost in micro-dollars at the model's prices, rounded up; saturates instead of overflowing.
    func cost(_ request: Request, _ modelSlot: Int?) -> Int {
        guard let modelSlot, let price = compiled.models[modelSlot].price else { return 0 }
        func part(_ tokens: Int?, _ perMillion: Int?) -> Int {
            guard let tokens, let perMillion else { return 0 }
            let (product, overflow) = tokens.multipliedReportingOverflow(by: perMillion)
            return overflow ? Int.max / 2 : (product + 999_999) / 1_000_000
        }
        let (sum, overflow) = part(request.tokensIn, price.inputMicrosPerMillionTokens)
            .addingReportingOverflow(part(request.tokensOut, price.outputMicrosPerMillionTokens))
        return overflow ? Int.max : sum
    }

    /// Risk weight of a finding (docs/runtime.md): secrets 90, injection 85, personal data 70,
    /// network identifiers 50.
    static func riskWeight(detector: DetectorID) -> Int {
        switch detector {
        case .awsAccessKey, .githubToken, .privateKey, .jwt, .connectionString, .apiKey, .password: return 90
        case .instructionOverride, .jailbreak, .hiddenText: return 85
        case .email, .phone, .ssn, .creditCard, .iban: return 70
        case .ipAddress, .internalURL: return 50
        }
    }

    /// Risk weight of a custom detector's finding, by its category (as for the built-in ones).
    static func riskWeight(category: String) -> Int {
        switch category {
        case "secret": return 90
        case "injection": return 85
        case "pii": return 70
        default: return 50
        }
    }

    /// Risk weight of a denial reason: exfiltration and unreadable requests 100, injection 90,
    /// unknown role 50, other role checks 30.
    static func riskWeight(reason code: String) -> Int {
        switch code {
        case "data_exfiltration", "invalid_request": return 100
        case "prompt_injection": return 90
        case "unknown_role": return 50
        case "model_not_allowed", "feature_not_allowed", "context_limit_exceeded": return 30
        default: return 0
        }
    }

    /// Finds the role's blocked patterns (literals, then regular expressions) in the prompt and
    /// the chat messages.
    func findBlocked(_ request: Request, _ matcher: LiteralMatcher?, _ regexes: [LinearRegex], into detections: inout [Detection]) {
        func scanOne(_ text: [UInt8], _ field: TextField, message: Int?) {
            text.withUnsafeBufferPointer { original in
                NormalizedText.withView(of: original) { view, normalized in
                    func found(_ start: Int, _ end: Int) -> Bool {
                        let (from, to) = normalized?.original(start, end) ?? (start, end)
                        detections.append(Detection(type: "blocked_pattern", field: field.name, message: message, start: from, end: to))
                        return true
                    }
                    matcher?.scan(view) { _, start, end in found(start, end) }
                    for regex in regexes { regex.forEachMatch(in: view, found) }
                }
            }
        }
        scanOne(request.prompt, .prompt, message: nil)
        for part in request.messages { scanOne(part.text, .messages, message: part.message) }
    }

    /// Scans the texts some condition or redaction reads, with the policy's literals and detectors.
    func scanTexts(_ request: Request) -> ScanResults {
        var results = ScanResults()
        let detectorsWanted = !usedDetectors.isEmpty
        let literalsWanted = !literals.patterns.isEmpty
        func scanOne(_ text: [UInt8], _ field: TextField, message: Int?) {
            text.withUnsafeBufferPointer { original in
                NormalizedText.withView(of: original) { buffer, normalized in
                    func place(_ start: Int, _ end: Int) -> (Int, Int) { normalized?.original(start, end) ?? (start, end) }
                    if literalsWanted {
                        // Regexes whose required literal turns up in this pass are run after it.
                        var wanted = listRegexes.isEmpty ? [] : unfilteredRegexes
                        if !caseFormRegexes.isEmpty, LinearRegex.containsNonASCIICaseForms(buffer) { wanted += caseFormRegexes }
                        literals.scan(buffer) { literal, start, end in
                            let (from, to) = place(start, end)
                            results.append(ScanResults.LiteralHit(literal: literal, start: from, end: to, message: message), to: field)
                            for regex in regexesByLiteral[literal] where !wanted.contains(regex) { wanted.append(regex) }
                            return true
                        }
                        if wanted.count > 1 { wanted.sort() }
                        for index in wanted {
                            let validation = regexValidations[index]
                            listRegexes[index].forEachMatch(in: buffer, prefiltered: true) { start, end in
                                if let validation, !validation.accepts(UnsafeBufferPointer(rebasing: buffer[start..<end])) { return true }
                                let (from, to) = place(start, end)
                                results.append(ScanResults.LiteralHit(literal: listRegexSlots[index], start: from, end: to, message: message),
                                               to: field)
                                return true
                            }
                        }
                    }
                    if detectorsWanted {
                        for finding in detectorScanner.scan(buffer, original: normalized == nil ? nil : original, enabled: usedDetectors,
                                                            place: place) {
                            results.append(ScanResults.Located(finding: finding, message: message), to: field)
                        }
                    }
                }
            }
        }
        guard scannedFields != 0 else { return results }
        if scannedFields & 1 << TextField.prompt.rawValue != 0 { scanOne(request.prompt, .prompt, message: nil) }
        if scannedFields & 1 << TextField.messages.rawValue != 0 {
            for part in request.messages { scanOne(part.text, .messages, message: part.message) }
        }
        if scannedFields & 1 << TextField.response.rawValue != 0, let response = request.response {
            scanOne(response, .response, message: nil)
        }
        return results
    }

    /// The prompt with the chosen findings replaced by their placeholders (overlaps merged).
    func redact(_ prompt: [UInt8], scan: ScanResults, detectors: BitSet, literals redactLiterals: [BitSet]) -> String {
        var spans: [(start: Int, end: Int, placeholder: String)] = []
        for located in scan[findings: .prompt] where detectors.contains(located.finding.detector.rawValue) {
            spans.append((located.finding.start, located.finding.end, detectorPlaceholders[located.finding.detector.rawValue]))
        }
        for hit in scan[literals: .prompt] where redactLiterals.contains(where: { $0.contains(hit.literal) }) {
            let placeholder = slotPlaceholders[hit.literal] ?? literalLists[hit.literal].first.map { listPlaceholders[$0] } ?? "[REDACTED]"
            spans.append((hit.start, hit.end, placeholder))
        }
        spans.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var out: [UInt8] = []
        out.reserveCapacity(prompt.count)
        var position = 0
        for span in spans {
            if span.start >= position {
                out.append(contentsOf: prompt[position..<span.start])
                out.append(contentsOf: span.placeholder.utf8)
                position = span.end
            } else if span.end > position {
                // Overlaps the previous placeholder: cover the rest of it too, so nothing leaks.
                position = span.end
            }
        }
        if position < prompt.count { out.append(contentsOf: prompt[position...]) }
        return String(decoding: out, as: UTF8.self)
    }
}
