import PolicyRuntime

/// `test` blocks: each property's values are checked for kind and resolved against the policy's
/// names; the request is built through the runtime's own request reader, so a test sends exactly
/// what a gateway would.
extension Checker {
    mutating func checkTests() {
        var seen: [String: (file: SourceFile, span: Span)] = [:]
        for syntax in files {
            for case .test(let test) in syntax.declarations {
                if let first = seen[test.name.text] {
                    error(.duplicateDeclaration, "test `\(test.name.text)` is already declared", syntax.file, test.name.span,
                          help: firstDeclared(first.file, first.span))
                    continue
                }
                seen[test.name.text] = (syntax.file, test.name.span)
                resolved.symbols.add(.test, test.name.text, test.name, syntax.file, declaration: true)
                indexReferences(of: test, syntax.file)
                if let resolved = resolveTest(test, syntax.file) { self.resolved.tests.append(resolved) }
            }
        }
    }

    private mutating func resolveTest(_ test: TestSyntax, _ file: SourceFile) -> PolicyTest? {
        var fields: [Keyword: [TestValueSyntax]] = [:]
        var spans: [Keyword: Span] = [:]
        for property in test.properties {
            fields[property.key] = property.values
            spans[property.key] = property.keySpan
        }
        var valid = true
        func fail(_ message: String, _ span: Span, code: DiagnosticCode = .typeMismatch, help: String? = nil) {
            error(code, message, file, span, help: help)
            valid = false
        }
        func single(_ key: Keyword) -> TestValueSyntax? {
            guard let values = fields[key] else { return nil }
            if values.count != 1 { fail("`\(key.rawValue)` takes one value", spans[key] ?? test.span) }
            return values.first
        }
        func string(_ key: Keyword) -> String? {
            guard let value = single(key) else { return nil }
            guard case .string(let literal) = value else { fail("`\(key.rawValue)` takes a string in quotes", value.span); return nil }
            return literal.value
        }
        func word(_ key: Keyword) -> Name? {
            guard let value = single(key) else { return nil }
            guard case .name(let reference) = value, reference.parts.count == 1 else {
                fail("`\(key.rawValue)` takes a name", value.span)
                return nil
            }
            return reference.parts[0]
        }
        func count(_ key: Keyword, unit: Quantity.Unit = .count) -> Int? {
            guard let value = single(key) else { return nil }
            guard case .quantity(let quantity) = value, quantity.unit == unit, !quantity.negative,
                  let number = quantity.integerValue else {
                fail("`\(key.rawValue)` takes a whole \(unit == .percent ? "percentage such as `80%`" : "number such as `20k`")", value.span)
                return nil
            }
            return number
        }
        func strings(_ key: Keyword) -> [String]? {
            guard let values = fields[key] else { return nil }
            var result: [String] = []
            for value in values {
                guard case .string(let literal) = value else { fail("`\(key.rawValue)` takes strings in quotes", value.span); continue }
                result.append(literal.value)
            }
            return result
        }
        /// Names as written (`none` alone means an empty list); a test may send an undeclared
        /// operation to check that it is refused.
        func names(_ key: Keyword) -> [String]? {
            guard let values = fields[key] else { return nil }
            if values.count == 1, case .name(let reference) = values[0], reference.text == "none" { return [] }
            var result: [String] = []
            for value in values {
                guard case .name(let reference) = value else { fail("`\(key.rawValue)` takes names", value.span); continue }
                result.append(reference.text)
            }
            return result
        }
        /// Names checked against `allowed` (`none` alone means an empty list).
        func names(_ key: Keyword, _ allowed: [String], _ what: String, _ code: DiagnosticCode) -> [String]? {
            guard let values = fields[key] else { return nil }
            if values.count == 1, case .name(let reference) = values[0], reference.text == "none" { return [] }
            var result: [String] = []
            for value in values {
                guard case .name(let reference) = value else { fail("`\(key.rawValue)` takes names", value.span); continue }
                guard allowed.contains(reference.text) else {
                    fail("unknown \(what) `\(reference.text)`", reference.span, code: code,
                         help: Suggestion.help(for: reference.text, in: allowed) ?? "write `none` to expect no \(what)s")
                    continue
                }
                result.append(reference.text)
            }
            return result
        }

        // The request, as the JSON a gateway would send: one member per field of the request
        // format (``RequestInput``) the test sets, nested in `user` and `budget` as the format nests
        // them. Defaults: the role's first model and feature, so a test states only what it is about.
        let roleName = word(.role)?.text
        let role = roleName.flatMap { name in resolved.roles.first { $0.name == name } }
        var members: [String?: [(key: String, json: [UInt8])]] = [:]
        func quoted(_ text: String) -> [UInt8] {
            var out: [UInt8] = []
            JSONWriter.string(text, into: &out)
            return out
        }
        func list(_ items: [String]) -> [UInt8] { Array(("[" + items.map { String(decoding: quoted($0), as: UTF8.self) }.joined(separator: ",") + "]").utf8) }
        for input in RequestInput.allCases {
            guard let keyword = Keyword(rawValue: input.testProperty) else { continue }
            var json: [UInt8]?
            switch input.type {
            case .string, .text, .blocks, .timestamp: json = string(keyword).map(quoted)
            case .name: json = input == .role ? roleName.map(quoted) : word(keyword).map { quoted($0.text) }
            case .action:
                if let name = word(keyword) { json = resolveWord(name, RequestAction.self, file).map { quoted($0.rawValue) } }
            case .count: json = count(keyword).map { Array(String($0).utf8) }
            case .percent: json = count(keyword, unit: .percent).map { Array(String($0).utf8) }
            case .bool:
                if let flag = word(keyword) {
                    if flag.text == "true" || flag.text == "false" {
                        json = Array(flag.text.utf8)
                    } else {
                        fail("`\(keyword.rawValue)` takes `true` or `false`", flag.span)
                    }
                }
            case .names:
                json = names(keyword).map(list)
            case .strings:
                json = strings(keyword).map(list)
            case .messages:
                json = strings(keyword).map { messages in
                    Array(("[" + messages.map { "{\"role\":\"user\",\"content\":" + String(decoding: quoted($0), as: UTF8.self) + "}" }
                        .joined(separator: ",") + "]").utf8)
                }
            }
            switch input {
            case .userID: json = json ?? quoted("test-user")
            case .requestID: json = json ?? quoted("test-request")
            case .team where countsEach(.team): json = json ?? quoted("test-team")
            case .department where countsEach(.department): json = json ?? quoted("test-department")
            case .model: json = json ?? role?.models.first.map(quoted)
            case .feature: json = json ?? role?.features.first.map(quoted)
            case .contextTokens: json = json ?? Array("0".utf8)
            default: break
            }
            if let json { members[input.object, default: []].append((input.key, json)) }
        }
        var json: [UInt8] = []
        func object(_ fields: [(key: String, json: [UInt8])]) {
            json.append(UInt8(ascii: "{"))
            for (index, field) in fields.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json += quoted(field.key)
                json.append(UInt8(ascii: ":"))
                json += field.json
            }
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "{"))
        var first = true
        for input in RequestInput.allCases {
            // Each top-level field, or an object at the place of its first field.
            let key = input.object ?? input.key
            guard let fields = input.object == nil ? members[nil]?.filter({ $0.key == input.key }) : members.removeValue(forKey: input.object),
                  !fields.isEmpty else { continue }
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            json += quoted(key)
            json.append(UInt8(ascii: ":"))
            if input.object == nil { json += fields[0].json } else { object(fields) }
        }
        json.append(UInt8(ascii: "}"))

        // The expectation.
        let decisions = Decision.Outcome.allCases.map(\.rawValue)
        guard let expect = word(.expect) else {
            if fields[.expect] == nil {
                fail("test `\(test.name.text)` has no `expect`", test.name.span, code: .missingProperty,
                     help: "say which decision the request must get: `expect allow`, `expect deny` or `expect require_approval`")
            }
            return nil
        }
        guard let outcome = resolveWord(expect, decisions, "decision", file).flatMap(Decision.Outcome.init(rawValue:)) else { return nil }
        let detectionTypes = DetectorCatalog.entries.map(\.name) + customDetectorTypes.map(\.type) + ["blocked_pattern"]
            + resolved.patterns.map { "pattern." + $0.name }
        let detections: [String]?
        if let values = fields[.detections] {
            var result: [String] = []
            for value in values {
                guard case .name(let reference) = value else { fail("`detections` takes detection types", value.span); continue }
                if values.count == 1, reference.text == "none" { break }
                guard detectionTypes.contains(reference.text) else {
                    fail("unknown detection type `\(reference.text)`", reference.span, code: .unknownDetector,
                         help: Suggestion.help(for: reference.text, in: detectionTypes) ?? "write `none` to expect no detections")
                    continue
                }
                result.append(reference.text)
            }
            detections = result
        } else {
            detections = nil
        }
        let expectation = PolicyTest.Expectation(
            decision: outcome,
            reasons: names(.reasons, Vocabulary.reasonCodes, "reason code", .unknownValue),
            alerts: names(.alerts, symbols.alerts.names, "alert", .unknownAlert),
            detections: detections,
            approvals: names(.approvals, symbols.operations.names, "operation", .unknownOperation),
            playbooks: names(.playbooks, symbols.incidentOrder.filter { symbols.playbooks[$0] != nil }, "playbook", .unknownPlaybook),
            auditLevel: word(.audit).flatMap { resolveWord($0, Vocabulary.auditLevels, "audit level", file) })
        let (priorUse, priorUseValid) = resolvePriorUse(fields[.used] ?? [], file)
        if !priorUseValid { valid = false }
        let metered = !symbols.budgets.all.isEmpty || !symbols.rateLimits.all.isEmpty
        for key in [Keyword.budgetUsed, .budgetExceeded] where metered && fields[key] != nil {
            // With budgets declared, tests run against a usage store, whose numbers win.
            fail("`\(key.rawValue)` is for gateways that keep their own usage; this policy's budgets and rate limits are metered by the runtime",
                 spans[key] ?? test.span, code: .typeMismatch, help: "state prior use instead: `used BUDGET AMOUNT`")
        }
        let request: Request
        do {
            request = try RequestReader.read(json)
        } catch {
            fail("the test's request is not valid: \(error.message)", spans[.timestamp] ?? test.name.span)
            return nil
        }
        guard valid else { return nil }
        return PolicyTest(name: test.name.text, file: file.path, source: file.reference(test.span.start), request: request,
                          expectation: expectation, priorUse: priorUse)
    }

    /// Records the declared names a test's properties use (a test may name an undeclared role or
    /// operation on purpose, to check it is refused; those are not references).
    private mutating func indexReferences(of test: TestSyntax, _ file: SourceFile) {
        for property in test.properties {
            for value in property.values {
                switch (property.key, value) {
                case (.model, .string(let literal)):
                    if let id = symbols.modelNames[literal.value] { resolved.symbols.add(.model, id, literal, file) }
                case (_, .name(let reference)) where reference.parts.count == 2:
                    if property.key == .detections, customDetectorTypes.contains(where: { $0.type == reference.text }) {
                        referenced(.detector, reference.parts[1], file)
                    } else if property.key == .detections, reference.parts[0].text == "pattern",
                              symbols.patternLists[reference.parts[1].text] != nil {
                        referenced(.patternList, reference.parts[1], file)
                    }
                case (_, .name(let reference)) where reference.parts.count == 1:
                    let name = reference.parts[0]
                    switch property.key {
                    case .role where symbols.roles[name.text] != nil: referenced(.role, name, file)
                    case .feature where symbols.features[name.text] != nil: referenced(.feature, name, file)
                    case .operations where symbols.operations[name.text] != nil, .approvals where symbols.operations[name.text] != nil:
                        referenced(.operation, name, file)
                    case .alerts where symbols.alerts[name.text] != nil: referenced(.alert, name, file)
                    case .playbooks where symbols.playbooks[name.text] != nil: referenced(.incident, name, file)
                    case .used where symbols.budgets[name.text] != nil: referenced(.budget, name, file)
                    case .used where symbols.rateLimits[name.text] != nil: referenced(.rateLimit, name, file)
                    default: break
                    }
                default: break
                }
            }
        }
    }

    /// Whether a budget or rate limit counts each member of `scope` separately: then a test's
    /// request needs one, and gets a default.
    private func countsEach(_ scope: BudgetScope) -> Bool {
        resolved.budgets.contains { $0.scope == scope && $0.member == nil }
            || resolved.rateLimits.contains { $0.scope == scope && $0.member == nil }
    }

    /// `used per_user_daily $24, per_user_rpm 60`: each a declared budget or rate limit and an
    /// amount in its unit (money for money budgets, a number of tokens or requests otherwise).
    private mutating func resolvePriorUse(_ values: [TestValueSyntax], _ file: SourceFile) -> ([(name: String, amount: Int)], Bool) {
        var result: [(name: String, amount: Int)] = []
        var valid = true
        var index = 0
        while index + 1 < values.count {
            defer { index += 2 }
            guard case .name(let reference) = values[index], case .quantity(let quantity) = values[index + 1] else { continue }
            let name = reference.text
            let money: Bool
            if let budget = symbols.budgets[name] {
                money = budget.syntax.limit?.unit == .money
            } else if symbols.rateLimits[name] != nil {
                money = false
            } else {
                let names = symbols.budgets.names + symbols.rateLimits.names
                error(.unknownName, "unknown budget or rate limit `\(name)`", file, reference.span, help: Suggestion.help(for: name, in: names))
                valid = false
                continue
            }
            let amount = money ? micros(quantity, "prior use of a money budget", file, allowZero: true)
                               : count(quantity, "prior use of `\(name)`", file, allowZero: true)
            if let amount { result.append((name, amount)) } else { valid = false }
        }
        return (result, valid)
    }
}
