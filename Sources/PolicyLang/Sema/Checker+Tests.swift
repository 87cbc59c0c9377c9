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

        // The request, as the JSON a gateway would send.
        let roleName = word(.role)?.text
        let role = roleName.flatMap { name in resolved.roles.first { $0.name == name } }
        var json: [UInt8] = Array("{\"user\":{\"id\":".utf8)
        func member(_ key: String, _ text: String) {
            json += Array(",\"\(key)\":".utf8)
            JSONWriter.string(text, into: &json)
        }
        func member(_ key: String, number: Int) { json += Array(",\"\(key)\":\(number)".utf8) }
        func member(_ key: String, list: [String]) {
            json += Array(",\"\(key)\":[".utf8)
            for (index, item) in list.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                JSONWriter.string(item, into: &json)
            }
            json.append(UInt8(ascii: "]"))
        }
        JSONWriter.string(string(.user) ?? "test-user", into: &json)
        if let roleName { member("role", roleName) }
        if let team = string(.team) { member("team", team) }
        if let department = string(.department) { member("department", department) }
        json.append(UInt8(ascii: "}"))
        member("action", word(.action)?.text ?? "prompt")
        if let session = string(.session) { member("session_id", session) }
        // Defaults: the role's first model and feature, so a test states only what it is about.
        if let model = string(.model) ?? role?.models.first { member("model", model) }
        if let feature = word(.feature)?.text ?? role?.features.first { member("feature", feature) }
        member("context_tokens", number: count(.contextTokens) ?? 0)
        if let tokens = count(.tokensIn) { member("tokens_in", number: tokens) }
        if let tokens = count(.tokensOut) { member("tokens_out", number: tokens) }
        member("prompt", string(.prompt) ?? "")
        if let response = string(.response) { member("response", response) }
        if let messages = strings(.messages) {
            json += Array(",\"messages\":[".utf8)
            for (index, message) in messages.enumerated() {
                json += Array(((index > 0 ? "," : "") + "{\"role\":\"user\",\"content\":").utf8)
                JSONWriter.string(message, into: &json)
                json.append(UInt8(ascii: "}"))
            }
            json.append(UInt8(ascii: "]"))
        }
        if let operations = names(.operations, symbols.operations.names, "operation", .unknownOperation) {
            member("operations", list: operations)
        }
        if let files = strings(.filesAccessed) { member("files_accessed", list: files) }
        if let files = strings(.filesModified) { member("files_modified", list: files) }
        if let address = string(.ipAddress) { member("ip_address", address) }
        if let agent = string(.userAgent) { member("user_agent", agent) }
        if let timestamp = string(.timestamp) { member("timestamp", timestamp) }
        let used = count(.budgetUsed, unit: .percent)
        let exceeded = word(.budgetExceeded)
        if exceeded.map({ $0.text != "true" && $0.text != "false" }) ?? false {
            fail("`budget_exceeded` takes `true` or `false`", exceeded!.span)
        }
        if used != nil || exceeded != nil {
            json += Array(",\"budget\":{".utf8)
            var parts: [String] = []
            if let used { parts.append("\"used_percent\":\(used)") }
            if let exceeded { parts.append("\"exceeded\":\(exceeded.text == "true")") }
            json += Array(parts.joined(separator: ",").utf8)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "}"))

        // The expectation.
        let decisions = ["allow", "deny", "require_approval"]
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
        let request: Request
        do {
            request = try RequestReader.read(json)
        } catch {
            fail("the test's request is not valid: \(error.message)", spans[.timestamp] ?? test.name.span)
            return nil
        }
        guard valid else { return nil }
        return PolicyTest(name: test.name.text, file: file.path, source: file.reference(test.span.start), request: request,
                          expectation: expectation)
    }
}
