import PolicyRuntime

/// Rate limits, the usage block, and what budgets and rate limits share (scopes, alerts).
extension Checker {
    /// Units of time a rate limit may be written per, in seconds.
    static let rateWindows: [(name: String, seconds: Int)] = [("second", 1), ("minute", 60), ("hour", 3_600), ("day", 86_400)]

    mutating func checkRateLimits() {
        for declared in symbols.rateLimits.all {
            let limit = declared.syntax
            let file = declared.file
            let what = "rate limit `\(limit.name.text)`"
            if let budget = symbols.budgets[limit.name.text] {
                // Budgets and rate limits share one namespace: decisions, usage and tests name them alike.
                error(.duplicateDeclaration, "\(what) has the name of a budget", file, limit.name.span,
                      help: firstDeclared(budget.file, budget.syntax.name.span))
            }
            let scope = resolveScope(limit.scope, limit.member, what, limit.name.span, file)
            var amount: Int?
            var unit: RateLimitUnit?
            if let quantity = limit.limit, let word = limit.unit {
                amount = count(quantity, "a rate limit", file)
                unit = resolveWord(word, RateLimitUnit.self, file)
            } else if limit.limit == nil {
                error(.missingProperty, "\(what) has no `limit`", file, limit.name.span,
                      help: "add `limit 60 requests per minute` or `limit 100k tokens per hour`")
            }
            let windowSeconds = self.windowSeconds(limit.perName, limit.perLength, among: Checker.rateWindows, "unit of time",
                                                   "a rate limit's window", example: "10m", file)
            let alerts = resolveAlerts(limit.alerts ?? [], file, notifyingOnly: true)
            guard let scope, let amount, let unit, let windowSeconds else { continue }
            resolved.rateLimits.append(CompiledRateLimit(
                name: limit.name.text, scope: scope, member: limit.member?.value, unit: unit, limit: amount,
                windowSeconds: windowSeconds, alerts: alerts, source: file.reference(limit.span.start)))
        }
    }

    mutating func checkUsageSettings() {
        guard let declared = symbols.usage else { return }
        let usage = declared.syntax
        let file = declared.file
        if let estimate = usage.outputEstimate {
            resolved.usage.outputEstimateTokens = count(estimate, "an output estimate", file)
        }
        if let timeout = usage.reservationTimeout, let value = seconds(timeout, "a reservation timeout", file) {
            resolved.usage.reservationTimeoutSeconds = value
        }
        if let flag = usage.failOpen, let value = resolveWord(flag, ["true", "false"], "value for `fail_open`", file) {
            resolved.usage.failOpen = value == "true"
        }
    }

    /// The length of a budget's period or a rate limit's window: a name among `names` (`monthly`,
    /// `minute`) or a duration (`30d`, `10m`); nil when neither is written or it is wrong (reported).
    mutating func windowSeconds(_ name: Name?, _ length: Quantity?, among names: [(name: String, seconds: Int)], _ vocabulary: String,
                                _ what: String, example: String, _ file: SourceFile) -> Int? {
        if let name {
            if let known = names.first(where: { $0.name == name.text }) { return known.seconds }
            let words = names.map(\.name)
            error(.unknownValue, "unknown \(vocabulary) `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: words)
                    ?? "expected one of: \(words.joined(separator: ", ")), or a duration such as `\(example)`")
            return nil
        }
        return length.flatMap { seconds($0, what, file) }
    }

    /// A budget's or rate limit's scope: its word, and a member only where the scope has members.
    mutating func resolveScope(_ name: Name?, _ member: StringLiteral?, _ what: String, _ at: Span,
                               _ file: SourceFile) -> BudgetScope? {
        guard let name else {
            error(.missingProperty, "\(what) has no `scope`", file, at,
                  help: "add `scope user`, `scope team`, `scope team \"platform\"`, `scope department`, `scope role` or `scope organization`")
            return nil
        }
        let scope = resolveWord(name, BudgetScope.self, file)
        if scope == .organization, let member {
            error(.invalidQuantity, "the organization scope has no members", file, member.span)
        }
        if scope == .role, let member {
            if symbols.roles[member.value] == nil {
                error(.unknownRole, "unknown role `\(member.value)`", file, member.span,
                      help: Suggestion.help(for: member.value, in: symbols.roles.names))
            } else {
                resolved.symbols.add(.role, member.value, member, file)
            }
        }
        return scope
    }

    /// The alerts a rule, budget or rate limit raises, each declared.
    /// - Parameter notifyingOnly: budgets and rate limits deny by themselves when their limit is
    ///   reached; the alerts they raise notify, so one whose actions block is refused.
    mutating func resolveAlerts(_ names: [Name], _ file: SourceFile, notifyingOnly: Bool = false) -> [String] {
        var alerts: [String] = []
        for alert in names {
            if let declared = symbols.alerts[alert.text] {
                referenced(.alert, alert, file)
                let blocking = (declared.syntax.body.actions ?? []).first { ActionCatalog.blocking.contains($0.name.text) }
                if notifyingOnly, let blocking {
                    error(.typeMismatch, "alert `\(alert.text)` blocks requests (`\(blocking.name.text)`); a budget or rate limit denies by itself when its limit is reached and raises alerts to notify",
                          file, alert.span, help: "raise an alert without `block_request`, or write a rule that denies")
                }
                if !alerts.contains(alert.text) { alerts.append(alert.text) }
            } else {
                error(.unknownAlert, "unknown alert `\(alert.text)`", file, alert.span,
                      help: Suggestion.help(for: alert.text, in: symbols.alerts.names))
            }
        }
        return alerts
    }
}
