import PolicyRuntime

/// Budgets, audit settings, retention and redaction placeholders (rate limits and the usage
/// block are in Checker+Usage).
extension Checker {
    mutating func checkBudgets() {
        for declared in symbols.budgets.all {
            let budget = declared.syntax
            let file = declared.file
            let what = "budget `\(budget.name.text)`"
            let scope = resolveScope(budget.scope, budget.member, what, budget.name.span, file)
            let periodSeconds = windowSeconds(budget.periodName, budget.periodLength, among: Vocabulary.budgetPeriods,
                                              "budget period", "a budget period", example: "14d", file)
            let periodName = budget.periodName.flatMap { CalendarPeriod(rawValue: $0.text) }
            if budget.periodName == nil, budget.periodLength == nil {
                error(.missingProperty, "\(what) has no `period`", file, budget.name.span, help: "add `period monthly` or `period 30d`")
            }
            var limitMicros: Int?
            var limitTokens: Int?
            if let limit = budget.limit {
                switch limit.unit {
                case .money: limitMicros = micros(limit, "a budget limit", file, allowZero: false)
                case .count: limitTokens = count(limit, "a budget limit", file)
                default:
                    error(.unitMismatch, "a budget limit must be money or tokens, found \(describe(limit.unit)) `\(limit.text)`",
                          file, limit.span)
                }
            } else {
                error(.missingProperty, "\(what) has no `limit`", file, budget.name.span, help: "add `limit $5000` or `limit 10M`")
            }
            var thresholds: [Int] = []
            for quantity in budget.warnAt ?? [] {
                if let value = percent(quantity, "a warning threshold", file) {
                    if thresholds.contains(value) {
                        warning(.duplicateEntry, "warning threshold `\(quantity.text)` is listed twice", file, quantity.span)
                    } else {
                        thresholds.append(value)
                    }
                }
            }
            let alerts = resolveAlerts(budget.alerts ?? [], file, notifyingOnly: true)
            guard let scope, let periodSeconds, limitMicros != nil || limitTokens != nil else { continue }
            resolved.budgets.append(CompiledBudget(
                name: budget.name.text, scope: scope, member: budget.member?.value, periodSeconds: periodSeconds,
                periodName: periodName, limitMicros: limitMicros, limitTokens: limitTokens, warnAtPercent: thresholds.sorted(),
                alerts: alerts, source: file.reference(budget.span.start)))
        }
    }

    mutating func checkAudit() {
        guard let declared = symbols.audit else { return }
        let audit = declared.syntax
        let file = declared.file
        if let level = audit.defaultLevel, let value = resolveWord(level, AuditLevel.self, file) {
            resolved.audit.defaultLevel = value
        }
        if let mode = audit.logPrompts, let value = resolveWord(mode, LogMode.self, file) {
            resolved.audit.logPrompts = value
        }
        if let mode = audit.logResponses, let value = resolveWord(mode, LogMode.self, file) {
            resolved.audit.logResponses = value
        }
        if let refs = audit.redact, let targets = resolveTargets(refs, file) {
            resolved.audit.redact = targets.detectors + targets.patterns
        }
        if let flag = audit.encrypt, let value = resolveWord(flag, ["true", "false"], "value for `encrypt`", file) {
            resolved.audit.encrypt = value == "true"
        }
        if let flag = audit.failOpen, let value = resolveWord(flag, ["true", "false"], "value for `fail_open`", file) {
            resolved.audit.failOpen = value == "true"
        }
        if let threshold = audit.highRiskThreshold {
            resolved.audit.highRiskThresholdPercent = percent(threshold, "`high_risk_threshold`", file)
        }
        if let alert = audit.highRiskAlert {
            if symbols.alerts[alert.text] != nil {
                resolved.audit.highRiskAlert = referenced(.alert, alert, file)
            } else {
                error(.unknownAlert, "unknown alert `\(alert.text)`", file, alert.span,
                      help: Suggestion.help(for: alert.text, in: symbols.alerts.names))
            }
        }
    }

    mutating func checkRetention() {
        guard let declared = symbols.retention else { return }
        let file = declared.file
        var seen = Set<String>()
        for (kind, period) in declared.syntax.entries {
            let allowed = Vocabulary.retentionKinds + ["erasure_within"]
            guard let key = resolveWord(kind, allowed, "retention setting", file) else { continue }
            if !seen.insert(key).inserted {
                error(.duplicateProperty, "`\(key)` is already set in the retention block", file, kind.span)
                continue
            }
            guard let value = seconds(period, "`\(key)`", file) else { continue }
            if key == "erasure_within" {
                resolved.retention.erasureWithinSeconds = value
            } else {
                if let kind = RetentionKind(rawValue: key) { resolved.retention.periodsSeconds[kind] = value }
            }
        }
    }

    mutating func checkPlaceholders() {
        for declared in symbols.placeholders {
            let file = declared.file
            for (target, text) in declared.syntax.entries {
                if text.value.isEmpty {
                    error(.invalidQuantity, "a placeholder must not be empty", file, text.span)
                    continue
                }
                guard let targets = resolveTargets([target], file) else { continue }
                for name in targets.detectors + targets.patterns {
                    if resolved.placeholders[name] != nil {
                        error(.duplicateDeclaration, "placeholder for `\(name)` is already set", file, target.span)
                    }
                    resolved.placeholders[name] = text.value
                }
            }
        }
    }
}
