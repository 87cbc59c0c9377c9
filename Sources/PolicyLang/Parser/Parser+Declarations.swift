import PolicyRuntime

/// Declarations and their property blocks.
extension Parser {
    /// Keywords that start a top-level declaration; recovery resumes at one of them at line start.
    static let declarationKeywords = Set(GrammarTables.declarationKeywords)

    mutating func parseFile() -> PolicyFileSyntax {
        var header: HeaderSyntax?
        var imports: [ImportSyntax] = []
        var declarations: [Declaration] = []
        while !at(.eof) {
            guard at(.word), let keyword = current.keyword, Parser.declarationKeywords.contains(keyword) else {
                if at(.word) {
                    let word = text(current)
                    let names = Parser.declarationKeywords.map(\.rawValue).sorted()
                    error(.expectedToken, "expected a declaration, found `\(word)`", at: current.span,
                          help: Suggestion.help(for: word, in: names))
                } else {
                    expected("a declaration")
                }
                synchronize()
                continue
            }
            let start = current.span
            layoutBreaks.append(start.start)
            advance()
            switch keyword {
            case .policy:
                let parsed = parseHeader(start)
                if header != nil {
                    error(.duplicateHeader, "a file has one `policy` header", at: start)
                } else {
                    header = parsed
                }
            case .import:
                if let path = expectString("a file path in quotes") {
                    imports.append(ImportSyntax(path: path, span: start.union(path.span)))
                }
            case .model: if let model = parseModel(start) { declarations.append(.model(model)) }
            case .features: declarations.append(.vocabulary(parseVocabulary(.features, start)))
            case .operations: declarations.append(.vocabulary(parseVocabulary(.operations, start)))
            case .incidents: declarations.append(.vocabulary(parseVocabulary(.incidents, start)))
            case .actions: declarations.append(.vocabulary(parseVocabulary(.actions, start)))
            case .patterns: if let list = parsePatternList(start) { declarations.append(.patterns(list)) }
            case .internalDomains:
                let domains = stringList("a domain suffix in quotes")
                declarations.append(.internalDomains(InternalDomainsSyntax(domains: domains, span: start.union(previousEnd))))
            case .role: if let role = parseRole(start) { declarations.append(.role(role)) }
            case .rule: if let rule = parseRule(start) { declarations.append(.rule(rule)) }
            case .alert: if let alert = parseAlert(start) { declarations.append(.alert(alert)) }
            case .playbook: if let playbook = parsePlaybook(start) { declarations.append(.playbook(playbook)) }
            case .channel:
                if let name = expectName("a channel name"), let target = expectString("the channel's target in quotes") {
                    declarations.append(.channel(ChannelSyntax(name: name, target: target, span: start.union(target.span))))
                }
            case .budget: if let budget = parseBudget(start) { declarations.append(.budget(budget)) }
            case .rateLimit: if let limit = parseRateLimit(start) { declarations.append(.rateLimit(limit)) }
            case .usage: declarations.append(.usage(parseUsage(start)))
            case .audit: declarations.append(.audit(parseAudit(start)))
            case .retention: declarations.append(.retention(parseRetention(start)))
            case .control:
                if let id = expectString("a control id in quotes, such as \"SOC2 CC6.1\""),
                   let description = expectString("the control's description in quotes") {
                    declarations.append(.control(ControlSyntax(id: id, description: description, span: start.union(description.span))))
                }
            case .placeholders: declarations.append(.placeholders(parsePlaceholders(start)))
            case .test: if let test = parseTest(start) { declarations.append(.test(test)) }
            case .detector: if let detector = parseDetector(start) { declarations.append(.detector(detector)) }
            default:
                break
            }
        }
        var syntax = PolicyFileSyntax(file: file, header: header, imports: imports, declarations: declarations, comments: comments)
        syntax.layoutBreaks = layoutBreaks
        return syntax
    }

    /// The end of the previous token, for spans of list declarations.
    var previousEnd: Span {
        position > 0 ? Span.at(tokens[position - 1].span.end) : Span.at(0)
    }

    /// Skips at least one token, then to the next declaration keyword at the start of a line.
    mutating func synchronize() {
        advance()
        while !at(.eof) {
            if at(.word), let keyword = current.keyword, Parser.declarationKeywords.contains(keyword), atLineStart { return }
            advance()
        }
    }

    mutating func parseHeader(_ start: Span) -> HeaderSyntax? {
        guard let name = expectString("the policy's name in quotes") else { return nil }
        var version: Quantity?
        if at(.version) {
            advance()
            version = expectQuantity("a version number")
        } else {
            expected("`version`", help: "write `policy \"name\" version 1`")
        }
        return HeaderSyntax(name: name, version: version, span: start.union(previousEnd))
    }

    mutating func parseVocabulary(_ kind: VocabularyKind, _ start: Span) -> VocabularySyntax {
        let names = nameList("a \(kind.rawValue.dropLast()) name")
        return VocabularySyntax(kind: kind, names: names, span: start.union(previousEnd))
    }

    mutating func parsePatternList(_ start: Span) -> PatternListSyntax? {
        guard let name = expectName("a pattern list name") else { return nil }
        var wholeWord = false
        if at(.wholeWord) {
            wholeWord = true
            advance()
        }
        guard expect(.leftBrace) != nil else { return nil }
        var terms: [StringLiteral] = []
        var regexes: [RegexLiteralSyntax] = []
        // Items that were there but did not parse (already reported) are not "no patterns".
        let hasItems = !at(.rightBrace)
        if hasItems {
            repeat {
                if !terms.isEmpty || !regexes.isEmpty { advance() }
                layoutBreaks.append(current.span.start)
                if at(.regex) {
                    if let regex = regexLiteral() { regexes.append(regex) }
                } else if let term = expectString("a pattern in quotes or a `/regular expression/`") {
                    terms.append(term)
                } else {
                    break
                }
            } while at(.comma)
        }
        if at(.rightBrace) { layoutBreaks.append(current.span.start) }
        expect(.rightBrace)
        var list = PatternListSyntax(name: name, wholeWord: wholeWord, terms: terms,
                                     skippedItems: hasItems && terms.isEmpty && regexes.isEmpty, span: start.union(previousEnd))
        list.regexes = regexes
        return list
    }

    // MARK: - Property blocks

    /// Names a block in messages ("role `contractor`"), built only when a message needs it.
    struct BlockName: CustomStringConvertible {
        let kind: String
        let name: String?

        init(_ kind: String, _ name: String? = nil) {
            self.kind = kind
            self.name = name
        }

        var description: String { name.map { "\(kind) `\($0)`" } ?? kind }
    }

    /// Opens a `{ … }` block; false when there is no `{` (the error is reported).
    mutating func beginBlock(_ what: BlockName) -> Bool {
        guard at(.leftBrace) else {
            expected("`{` to open \(what)")
            return false
        }
        advance()
        return true
    }

    /// The next property keyword of a block, or nil at the block's end. Unknown words are
    /// reported with a suggestion and skipped up to the next property, `}` or declaration.
    mutating func nextProperty(_ allowed: [Keyword], in what: BlockName, seen: inout [Keyword], repeatable: [Keyword] = []) -> Keyword? {
        while true {
            if at(.rightBrace) {
                layoutBreaks.append(current.span.start)
                advance()
                return nil
            }
            if at(.eof) {
                expected("`}` to close \(what)")
                return nil
            }
            if at(.word), let keyword = current.keyword, allowed.contains(keyword) {
                let token = current
                layoutBreaks.append(token.span.start)
                advance()
                if seen.contains(keyword), !repeatable.contains(keyword) {
                    error(.duplicateProperty, "`\(keyword.rawValue)` is already set in \(what)", at: token.span,
                          help: "write each property once; the first one is kept")
                }
                if !seen.contains(keyword) { seen.append(keyword) }
                return keyword
            }
            if at(.word), let keyword = current.keyword, Parser.declarationKeywords.contains(keyword), atLineStart {
                expected("`}` to close \(what)")
                return nil
            }
            if at(.word) {
                let word = text(current)
                error(.expectedToken, "unknown property `\(word)` in \(what)", at: current.span,
                      help: Suggestion.help(for: word, in: allowed.map(\.rawValue))
                        ?? "expected one of: \(allowed.map(\.rawValue).joined(separator: ", "))")
            } else {
                expected("a property of \(what)")
            }
            advance()
            while !at(.eof), !at(.rightBrace) {
                if at(.word), let keyword = current.keyword,
                   allowed.contains(keyword) || (Parser.declarationKeywords.contains(keyword) && atLineStart) { break }
                advance()
            }
        }
    }

    mutating func parseModel(_ start: Span) -> ModelSyntax? {
        guard let id = expectString("the model's id in quotes") else { return nil }
        var model = ModelSyntax(id: id, provider: nil, context: nil, prices: [], aliases: [], outputEstimate: nil, span: start)
        let what = BlockName("model", id.value)
        guard beginBlock(what) else { return model }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.properties(.model), in: what, seen: &seen,
                                          repeatable: [.price]) {
            switch property {
            case .outputEstimate: model.outputEstimate = expectQuantity("a token count such as `4k`")
            case .provider: model.provider = expectName("a provider name")
            case .context: model.context = expectQuantity("a token count such as `200k`")
            case .price: model.prices += parsePrices()
            case .aliases: model.aliases += stringList("an alias in quotes")
            default: break
            }
        }
        model.span = start.union(previousEnd)
        return model
    }

    /// `input $0.015 per 1k, output $0.075 per 1k, monthly $20, includes 500 requests`
    mutating func parsePrices() -> [PriceSyntax] {
        var prices: [PriceSyntax] = []
        repeat {
            if !prices.isEmpty { advance() }
            let start = current.span
            if at(.input) || at(.output) {
                let isInput = at(.input)
                advance()
                guard let amount = expectQuantity("a price such as `$0.015`") else { break }
                guard at(.per) else {
                    expected("`per`", help: "write `\(isInput ? "input" : "output") \(amount.text) per 1k`")
                    break
                }
                advance()
                guard let per = expectQuantity("a token count such as `1k`") else { break }
                let span = start.union(per.span)
                prices.append(isInput ? .input(amount, per: per, span: span) : .output(amount, per: per, span: span))
            } else if at(.monthly) {
                advance()
                guard let amount = expectQuantity("a monthly price such as `$20`") else { break }
                prices.append(.monthly(amount, span: start.union(amount.span)))
            } else if at(.includes) {
                advance()
                guard let count = expectQuantity("a number of requests") else { break }
                if at(.requests) { advance() } else { expected("`requests`") }
                prices.append(.includes(count, span: start.union(previousEnd)))
            } else {
                expected("`input`, `output`, `monthly` or `includes`")
                break
            }
        } while at(.comma)
        return prices
    }

    mutating func parseRole(_ start: Span) -> RoleSyntax? {
        guard let name = expectName("a role name") else { return nil }
        var role = RoleSyntax(name: name, parent: nil, models: nil, features: nil, maxContext: nil, audit: nil,
                              requiresApproval: nil, block: [], span: start)
        if at(.extends) {
            advance()
            role.parent = expectName("the name of the role to extend")
        }
        let what = BlockName("role", name.text)
        guard beginBlock(what) else { return role }
        var seen: [Keyword] = []
        let allowed = GrammarTables.properties(.role)
        while let property = nextProperty(allowed, in: what, seen: &seen, repeatable: [.block]) {
            switch property {
            case .models:
                let models = stringList("a model id in quotes")
                if role.models == nil { role.models = models }
            case .features:
                let features = nameList("a feature name")
                if role.features == nil { role.features = features }
            case .maxContext:
                let limit = expectQuantity("a token count such as `50k`")
                if role.maxContext == nil { role.maxContext = limit }
            case .audit:
                let level = expectName("an audit level (standard, detailed or comprehensive)")
                if role.audit == nil { role.audit = level }
            case .requiresApproval:
                let operations = nameList("an operation name")
                if role.requiresApproval == nil { role.requiresApproval = operations }
            case .block:
                repeat {
                    if at(.comma) { advance() }
                    if at(.string) {
                        role.block.append(.literal(stringLiteral(current)))
                        advance()
                    } else if at(.word) {
                        role.block.append(.list(Name(text: text(current), span: current.span)))
                        advance()
                    } else if at(.regex) {
                        if let regex = regexLiteral() { role.block.append(.regex(regex)) }
                    } else {
                        expected("a pattern in quotes, a `/regular expression/` or a pattern list name")
                        break
                    }
                } while at(.comma)
            default: break
            }
        }
        role.span = start.union(previousEnd)
        return role
    }

    mutating func parseRule(_ start: Span) -> RuleSyntax? {
        guard let name = expectName("a rule name") else { return nil }
        var rule = RuleSyntax(name: name, condition: nil, deny: nil, requireApproval: nil, redact: nil, alerts: [],
                              incidents: [], reason: nil, controls: nil, message: nil, span: start)
        let what = BlockName("rule", name.text)
        guard beginBlock(what) else { return rule }
        var seen: [Keyword] = []
        let allowed = GrammarTables.properties(.rule)
        while let property = nextProperty(allowed, in: what, seen: &seen, repeatable: [.alert, .incident]) {
            switch property {
            case .when:
                let condition = parseExpression()
                if rule.condition == nil { rule.condition = condition }
            case .deny:
                let message = expectString("the denial message in quotes")
                if rule.deny == nil { rule.deny = message }
            case .requireApproval:
                let message = expectString("the approval message in quotes")
                if rule.requireApproval == nil { rule.requireApproval = message }
            case .redact:
                let targets = detectorRefList()
                if rule.redact == nil { rule.redact = targets }
            case .alert: rule.alerts += nameList("an alert name")
            case .incident: rule.incidents += nameList("an incident type")
            case .reason:
                let reason = expectName("a reason code")
                if rule.reason == nil { rule.reason = reason }
            case .controls:
                let controls = stringList("a control id in quotes")
                if rule.controls == nil { rule.controls = controls }
            case .message:
                let message = expectString("a message in quotes")
                if rule.message == nil { rule.message = message }
            default: break
            }
        }
        rule.span = start.union(previousEnd)
        return rule
    }

    mutating func parseAlert(_ start: Span) -> AlertSyntax? {
        guard let name = expectName("an alert name") else { return nil }
        let body = parseResponseBody(BlockName("alert", name.text))
        return AlertSyntax(name: name, body: body, span: start.union(previousEnd))
    }

    mutating func parsePlaybook(_ start: Span) -> PlaybookSyntax? {
        guard let incident = expectName("an incident type") else { return nil }
        let body = parseResponseBody(BlockName("playbook", incident.text))
        return PlaybookSyntax(incident: incident, body: body, span: start.union(previousEnd))
    }

    /// The `{ when … severity … then … controls … }` block of an alert or playbook.
    mutating func parseResponseBody(_ what: BlockName) -> ResponseSyntax {
        var body = ResponseSyntax()
        guard beginBlock(what) else { return body }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.responseProperties, in: what, seen: &seen) {
            switch property {
            case .when:
                let condition = parseExpression()
                if body.condition == nil { body.condition = condition }
            case .severity:
                let severity = expectName("a severity (low, medium, high or critical)")
                if body.severity == nil { body.severity = severity }
            case .then:
                let actions = actionList()
                if body.actions == nil { body.actions = actions }
            case .controls:
                let controls = stringList("a control id in quotes")
                if body.controls == nil { body.controls = controls }
            default: break
            }
        }
        return body
    }

    /// `block_request, notify(security_team), create_incident`
    mutating func actionList() -> [ActionSyntax] {
        var actions: [ActionSyntax] = []
        repeat {
            if !actions.isEmpty { advance() }
            guard let name = expectName("an action") else { break }
            var action = ActionSyntax(name: name, argument: nil, span: name.span)
            if at(.leftParen) {
                advance()
                action.argument = expectName("the action's target")
                expect(.rightParen)
                action.span = name.span.union(previousEnd)
            }
            actions.append(action)
        } while at(.comma)
        return actions
    }

    /// `pii, secret.jwt, my_patterns`
    mutating func detectorRefList() -> [DetectorRefSyntax] {
        var refs: [DetectorRefSyntax] = []
        repeat {
            if !refs.isEmpty { advance() }
            guard let ref = detectorRef() else { break }
            refs.append(ref)
        } while at(.comma)
        return refs
    }

    mutating func detectorRef() -> DetectorRefSyntax? {
        guard let first = expectName("a detector, category or pattern list") else { return nil }
        var parts = [first]
        if at(.dot), peek().kind == .word {
            advance()
            parts.append(Name(text: text(current), span: current.span))
            advance()
        }
        return DetectorRefSyntax(parts: parts, span: first.span.union(parts.last!.span))
    }

    mutating func parseBudget(_ start: Span) -> BudgetSyntax? {
        guard let name = expectName("a budget name") else { return nil }
        var budget = BudgetSyntax(name: name, scope: nil, member: nil, periodName: nil, periodLength: nil, limit: nil,
                                  warnAt: nil, alerts: nil, span: start)
        let what = BlockName("budget", name.text)
        guard beginBlock(what) else { return budget }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.properties(.budget), in: what, seen: &seen) {
            switch property {
            case .scope:
                let (scope, member) = parseScope()
                if budget.scope == nil { (budget.scope, budget.member) = (scope, member) }
            case .alert:
                let alerts = nameList("an alert name")
                if budget.alerts == nil { budget.alerts = alerts }
            case .period:
                if at(.word) {
                    let period = expectName("a period such as `monthly` or `30d`")
                    if budget.periodName == nil, budget.periodLength == nil { budget.periodName = period }
                } else {
                    let length = expectQuantity("a period such as `monthly` or `30d`")
                    if budget.periodName == nil, budget.periodLength == nil { budget.periodLength = length }
                }
            case .limit:
                let limit = expectQuantity("a limit such as `$5000` or `10M` tokens")
                if budget.limit == nil { budget.limit = limit }
            case .warnAt:
                var thresholds: [Quantity] = []
                repeat {
                    if !thresholds.isEmpty { advance() }
                    guard let threshold = expectQuantity("a percentage such as `80%`") else { break }
                    thresholds.append(threshold)
                } while at(.comma)
                if budget.warnAt == nil { budget.warnAt = thresholds }
            default: break
            }
        }
        budget.span = start.union(previousEnd)
        return budget
    }

    /// `scope team "platform"`: the scope's word and the optional member.
    mutating func parseScope() -> (Name?, StringLiteral?) {
        let scope = expectName("a scope (user, team, department, role or organization)")
        let member = at(.string) ? expectString("a member name") : nil
        return (scope, member)
    }

    /// `rate_limit name { scope user  limit 60 requests per minute  alert name }`
    mutating func parseRateLimit(_ start: Span) -> RateLimitSyntax? {
        guard let name = expectName("a rate limit name") else { return nil }
        var limit = RateLimitSyntax(name: name, span: start)
        let what = BlockName("rate_limit", name.text)
        guard beginBlock(what) else { return limit }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.properties(.rateLimit), in: what, seen: &seen) {
            switch property {
            case .scope:
                let (scope, member) = parseScope()
                if limit.scope == nil { (limit.scope, limit.member) = (scope, member) }
            case .limit:
                let help = "write `limit 60 requests per minute` or `limit 100k tokens per hour`"
                guard let count = expectQuantity("a number such as `60`"),
                      let unit = expectName("`requests` or `tokens`") else { break }
                guard at(.per) else {
                    expected("`per`", help: help)
                    break
                }
                advance()
                if limit.limit == nil { (limit.limit, limit.unit) = (count, unit) }
                if at(.word) {
                    let per = expectName("a unit of time such as `minute`, or a duration such as `10m`")
                    if limit.perName == nil, limit.perLength == nil { limit.perName = per }
                } else {
                    let per = expectQuantity("a unit of time such as `minute`, or a duration such as `10m`")
                    if limit.perName == nil, limit.perLength == nil { limit.perLength = per }
                }
            case .alert:
                let alerts = nameList("an alert name")
                if limit.alerts == nil { limit.alerts = alerts }
            default: break
            }
        }
        limit.span = start.union(previousEnd)
        return limit
    }

    /// `usage { output_estimate 4k  reservation_timeout 15m  fail_open false }`
    mutating func parseUsage(_ start: Span) -> UsageSyntax {
        var usage = UsageSyntax(span: start)
        let what = BlockName("the usage block")
        guard beginBlock(what) else { return usage }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.properties(.usage), in: what, seen: &seen) {
            switch property {
            case .outputEstimate:
                let estimate = expectQuantity("a token count such as `4k`")
                if usage.outputEstimate == nil { usage.outputEstimate = estimate }
            case .reservationTimeout:
                let timeout = expectQuantity("a duration such as `15m`")
                if usage.reservationTimeout == nil { usage.reservationTimeout = timeout }
            case .failOpen:
                let failOpen = expectName("`true` or `false`")
                if usage.failOpen == nil { usage.failOpen = failOpen }
            default: break
            }
        }
        usage.span = start.union(previousEnd)
        return usage
    }

    mutating func parseAudit(_ start: Span) -> AuditSyntax {
        var audit = AuditSyntax(span: start)
        guard beginBlock(BlockName("the audit block")) else { return audit }
        var seen: [Keyword] = []
        let allowed = GrammarTables.properties(.audit)
        while let property = nextProperty(allowed, in: BlockName("the audit block"), seen: &seen) {
            switch property {
            case .defaultLevel:
                let value = expectName("an audit level")
                if audit.defaultLevel == nil { audit.defaultLevel = value }
            case .logPrompts:
                let value = expectName("full, redacted or none")
                if audit.logPrompts == nil { audit.logPrompts = value }
            case .logResponses:
                let value = expectName("full, redacted or none")
                if audit.logResponses == nil { audit.logResponses = value }
            case .redact:
                let value = detectorRefList()
                if audit.redact == nil { audit.redact = value }
            case .encrypt:
                let value = expectName("`true` or `false`")
                if audit.encrypt == nil { audit.encrypt = value }
            case .highRiskThreshold:
                let value = expectQuantity("a percentage such as `70%`")
                if audit.highRiskThreshold == nil { audit.highRiskThreshold = value }
            case .highRiskAlert:
                let value = expectName("an alert name")
                if audit.highRiskAlert == nil { audit.highRiskAlert = value }
            case .failOpen:
                let value = expectName("`true` or `false`")
                if audit.failOpen == nil { audit.failOpen = value }
            default: break
            }
        }
        audit.span = start.union(previousEnd)
        return audit
    }

    mutating func parseRetention(_ start: Span) -> RetentionSyntax {
        var retention = RetentionSyntax(entries: [], span: start)
        let what = BlockName("the retention block")
        guard beginBlock(what) else { return retention }
        while !at(.rightBrace), !at(.eof) {
            if at(.word), let keyword = current.keyword, Parser.declarationKeywords.contains(keyword), atLineStart { break }
            layoutBreaks.append(current.span.start)
            guard let kind = expectName("a record kind such as `audit_logs`") else {
                advance()
                continue
            }
            if let period = expectQuantity("a duration such as `30d`") {
                retention.entries.append((kind, period))
            }
        }
        if at(.rightBrace) { layoutBreaks.append(current.span.start) }
        expect(.rightBrace, "`}` to close \(what)")
        retention.span = start.union(previousEnd)
        return retention
    }

    mutating func parsePlaceholders(_ start: Span) -> PlaceholdersSyntax {
        var placeholders = PlaceholdersSyntax(entries: [], span: start)
        let what = BlockName("the placeholders block")
        guard beginBlock(what) else { return placeholders }
        while !at(.rightBrace), !at(.eof) {
            if at(.word), let keyword = current.keyword, Parser.declarationKeywords.contains(keyword), atLineStart { break }
            layoutBreaks.append(current.span.start)
            guard let target = detectorRef() else {
                advance()
                continue
            }
            if let text = expectString("the placeholder text in quotes, such as \"[EMAIL]\"") {
                placeholders.entries.append((target, text))
            }
        }
        if at(.rightBrace) { layoutBreaks.append(current.span.start) }
        expect(.rightBrace, "`}` to close \(what)")
        placeholders.span = start.union(previousEnd)
        return placeholders
    }
}

extension AuditSyntax {
    init(span: Span) {
        self.init(defaultLevel: nil, logPrompts: nil, logResponses: nil, redact: nil, encrypt: nil,
                  highRiskThreshold: nil, highRiskAlert: nil, failOpen: nil, span: span)
    }
}

extension Parser {
    /// `test name { key value, value … }`: values are strings, quantities or (dotted) names.
    mutating func parseTest(_ start: Span) -> TestSyntax? {
        guard let name = expectName("a test name") else { return nil }
        var test = TestSyntax(name: name, properties: [], span: start)
        let what = BlockName("test", name.text)
        guard beginBlock(what) else { return test }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.testProperties, in: what, seen: &seen) {
            let keySpan = tokens[position - 1].span
            var values: [TestValueSyntax] = []
            if property == .used {
                // `used per_user_daily $24, team_tokens 9M`: a budget or rate limit and its prior use.
                repeat {
                    if !values.isEmpty { advance() }
                    guard let reference = detectorRef(), let amount = expectQuantity("the amount used, such as `$24` or `60`") else { break }
                    values += [.name(reference), .quantity(amount)]
                } while at(.comma)
                test.properties.append(TestPropertySyntax(key: property, keySpan: keySpan, values: values))
                continue
            }
            repeat {
                if !values.isEmpty { advance() }
                if at(.string) {
                    values.append(.string(stringLiteral(current)))
                    advance()
                } else if at(.number) || at(.money) || at(.percent) || at(.minus) {
                    guard let quantity = expectQuantity("a number") else { break }
                    values.append(.quantity(quantity))
                } else if at(.word), let reference = detectorRef() {
                    values.append(.name(reference))
                } else {
                    expected("a value for `\(property.rawValue)`")
                    break
                }
            } while at(.comma)
            test.properties.append(TestPropertySyntax(key: property, keySpan: keySpan, values: values))
        }
        test.span = start.union(previousEnd)
        return test
    }
}

extension Parser {
    /// `detector name { category pii  pattern /…/  validate luhn  examples "…"  rejects "…" }`
    mutating func parseDetector(_ start: Span) -> DetectorSyntax? {
        guard let name = expectName("a detector name") else { return nil }
        var detector = DetectorSyntax(name: name, category: nil, pattern: nil, validate: nil, examples: [], rejects: [], span: start)
        let what = BlockName("detector", name.text)
        guard beginBlock(what) else { return detector }
        var seen: [Keyword] = []
        while let property = nextProperty(GrammarTables.properties(.detector), in: what, seen: &seen) {
            switch property {
            case .category: detector.category = expectName("a category: pii, secret, network or injection")
            case .validate: detector.validate = expectName("a check: luhn or mod97")
            case .pattern:
                if at(.regex) {
                    detector.pattern = regexLiteral()
                } else {
                    expected("a `/regular expression/`")
                }
            case .examples: detector.examples = stringList("an example in quotes")
            case .rejects: detector.rejects = stringList("a text the detector must not match, in quotes")
            default: break
            }
        }
        detector.span = start.union(previousEnd)
        return detector
    }
}
