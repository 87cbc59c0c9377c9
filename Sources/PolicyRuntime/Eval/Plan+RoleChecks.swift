/// Stages 1 and 2: identity and role-based access, then the role's blocked patterns.
extension Plan {
    /// Stage 1. No role, or an unknown one, denies; the model, the feature and the context size
    /// must be the role's; every operation must be declared, and those the role marks need approval.
    func checkRole<Recorder: EvaluationRecorder>(_ request: Request, _ role: PlannedRole?, _ modelSlot: Int?,
                                                 _ state: inout EvaluationState, _ recorder: inout Recorder) {
        if Recorder.isRecording { recorder.record(.role(name: request.role, known: role != nil)) }
        if let role {
            let rule = role.rule
            let modelAllowed = modelSlot.map { role.models.contains($0) } ?? false
            if Recorder.isRecording {
                recorder.record(.model(requested: request.model, id: modelSlot.map { compiled.models[$0].id }, allowed: modelAllowed))
            }
            if !modelAllowed {
                let message = request.model.map { "model `\(Plan.shown($0))` is not allowed for role `\(role.name)`" } ?? "the request names no model"
                state.deny(.modelNotAllowed, rule, message, role.source)
            }
            let featureAllowed = request.feature.map { feature in featureIndex[feature].map { role.features.contains($0) } ?? false }
                ?? role.features.isEmpty
            if Recorder.isRecording { recorder.record(.feature(requested: request.feature, allowed: featureAllowed)) }
            if !featureAllowed {
                let message = request.feature.map { "feature `\(Plan.shown($0))` is not allowed for role `\(role.name)`" }
                    ?? "the request names no feature"
                state.deny(.featureNotAllowed, rule, message, role.source)
            }
            if let limit = role.maxContextTokens {
                let passed = request.contextTokens.map { $0 <= limit } ?? false
                if Recorder.isRecording { recorder.record(.contextLimit(limit: limit, tokens: request.contextTokens, passed: passed)) }
                if !passed {
                    let message = request.contextTokens.map { "context of \($0) tokens exceeds the limit of \(limit) for role `\(role.name)`" }
                        ?? "the request does not state `context_tokens`"
                    state.deny(.contextLimitExceeded, rule, message, role.source)
                }
            } else if Recorder.isRecording {
                recorder.record(.contextLimit(limit: nil, tokens: request.contextTokens, passed: true))
            }
        } else if let name = request.role {
            state.deny(.unknownRole, "role", "unknown role `\(Plan.shown(name))`", "")
        } else {
            state.deny(.unknownRole, "role", "the request names no role", "")
        }
        checkOperations(request, role, &state, &recorder)
    }

    /// Operations are compared exactly with the declared vocabulary: an undeclared one (a typo,
    /// another casing) denies, so it can never slip past the approval it would need.
    private func checkOperations<Recorder: EvaluationRecorder>(_ request: Request, _ role: PlannedRole?,
                                                               _ state: inout EvaluationState, _ recorder: inout Recorder) {
        var unknown: [String] = []
        for operation in request.operations {
            guard let slot = operationIndex[operation] else {
                if Recorder.isRecording { recorder.record(.operation(name: operation, declared: false, needsApproval: false)) }
                if !unknown.contains(operation) {
                    unknown.append(operation)
                    state.deny(.unknownOperation, "operations", "operation `\(Plan.shown(operation))` is not declared by the policy", "")
                }
                continue
            }
            let needsApproval = role?.approvals.contains(slot) ?? false
            if Recorder.isRecording { recorder.record(.operation(name: operation, declared: true, needsApproval: needsApproval)) }
            if needsApproval, !state.approvals.contains(operation) { state.approvals.append(operation) }
        }
        if let role, !state.approvals.isEmpty {
            state.requireApproval(.approvalRequired, role.rule,
                                  "operations need approval for role `\(role.name)`: \(state.approvals.joined(separator: ", "))", role.source)
        }
    }

    /// Stage 2. The role's blocked patterns, literals then regular expressions, in every text
    /// that goes to the model (prompt, system prompt, messages), on the normalized view of each.
    func findBlockedPatterns<Recorder: EvaluationRecorder>(_ request: Request, _ role: PlannedRole,
                                                           _ state: inout EvaluationState, _ recorder: inout Recorder) {
        guard role.blockedMatcher != nil || !role.blockedRegexes.isEmpty else { return }
        let matcher = role.blockedMatcher.map { roleMatchers[$0] }
        var found = false
        let firstDetection = state.detections.count
        var scannedTwice = false
        for field in TextField.modelBound where request.hasText(in: field) {
            let twice = request.forEachScanText(in: field) { original, placer in
                NormalizedText.withView(of: original) { view, normalized in
                    func hit(_ pattern: Int, _ start: Int, _ end: Int) -> Bool {
                        let (from, to) = normalized?.original(start, end) ?? (start, end)
                        let at = placer.place(from, to)
                        state.detections.append(Detection(type: "blocked_pattern", field: field.name, message: at.location.message,
                                                          part: at.location.part, start: at.start, end: at.end))
                        if Recorder.isRecording { recorder.record(.blockedPattern(index: pattern)) }
                        found = true
                        return true
                    }
                    matcher?.scan(view) { pattern, start, end in hit(role.literalPatternIndexes?[pattern] ?? pattern, start, end) }
                    for (index, regex) in role.blockedRegexes.enumerated() {
                        regex.forEachMatch(in: view) { start, end in hit(role.regexPatternIndexes[index], start, end) }
                    }
                }
            }
            scannedTwice = scannedTwice || twice
        }
        // A message scanned joined and part by part finds most patterns twice.
        if scannedTwice { Detection.removeDuplicates(in: &state.detections, from: firstDetection) }
        if found { state.deny(.blockedPattern, role.rule, role.blockedMessage, role.source) }
    }
}
