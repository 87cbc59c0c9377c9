import PolicyRuntime

/// Typing and resolving conditions into the compiled ``Condition`` form.
extension Checker {
    /// An operand after name resolution.
    enum Operand {
        case field(RequestField, Span)
        case word(Name)
        case string(StringLiteral)
        case quantity(Quantity)
        case boolean(Bool, Span)
        case list([ExpressionSyntax], Span)
        case other(ExpressionSyntax)
    }

    /// Resolves and types a condition; nil when it has errors (already reported).
    mutating func checkCondition(_ expression: ExpressionSyntax, _ file: SourceFile) -> Condition? {
        switch expression {
        case .binary(let op, _, _, _) where op == .and || op == .or:
            // `a and b and c …` parses left-deep, one level per term: walk the chain's left spine
            // in a loop, so a condition of thousands of terms costs no stack (only parentheses
            // nest, and the parser caps those).
            var operands: [ExpressionSyntax] = []
            var spine = expression
            while case .binary(op, let left, let right, _) = spine {
                operands.append(right)
                spine = left
            }
            operands.append(spine)
            var parts: [Condition] = []
            var failed = false
            for operand in operands.reversed() {
                guard let condition = checkCondition(operand, file) else {
                    failed = true
                    continue
                }
                switch (condition, op) {
                case (.all(let inner), .and), (.any(let inner), .or): parts += inner
                default: parts.append(condition)
                }
            }
            if failed { return nil }
            return op == .and ? .all(parts) : .any(parts)
        case .binary(let op, let left, let right, let span):
            return checkComparison(op, left, right, span, file)
        case .not(let inner, _):
            return checkCondition(inner, file).map { .not($0) }
        case .membership(let item, let set, let negated, let span):
            let condition = checkMembership(item, set, span, file)
            return negated ? condition.map { .not($0) } : condition
        case .contains(let container, let item, let span):
            return checkContains(container, item, span, file)
        case .has(let subject, let minimum, let refs, _):
            return checkHas(subject, minimum, refs, file)
        case .path:
            switch operand(expression, file) {
            case .boolean(let value, _): return .constant(value)
            case .field(let field, let span):
                if field.type == .bool { return .isTrue(field: field.path) }
                let example = field.type == .text ? "`\(field.path) has pii`" : "`\(field.path) == …`"
                error(.typeMismatch, "`\(field.path)` is \(article(field.type)), not a condition", file, span,
                      help: "test it, e.g. \(example)")
                return nil
            case .word(let name):
                error(.unknownName, "unknown name `\(name.text)`", file, name.span,
                      help: Suggestion.help(for: name.text, in: RequestField.all.map(\.path))
                        ?? "a condition starts from a request field such as `request.model` or `prompt`")
                return nil
            default:
                return nil
            }
        case .string, .quantity, .list:
            if expression.containsError { return nil }  // the parser reported what is wrong inside
            error(.typeMismatch, "expected a condition, found \(describeOperand(expression))", file, expression.span,
                  help: "compare a request field with it, e.g. `request.context_tokens > 50k`")
            return nil
        case .bad:
            return nil
        }
    }

    /// Resolves a path to a field, a literal boolean or a bare word; reports unknown dotted paths.
    mutating func operand(_ expression: ExpressionSyntax, _ file: SourceFile) -> Operand {
        switch expression {
        case .path(let parts, let span):
            let joined = parts.map(\.text).joined(separator: ".")
            if let field = RequestField.named(joined) { return .field(field, span) }
            if parts.count == 1 {
                if joined == "true" { return .boolean(true, span) }
                if joined == "false" { return .boolean(false, span) }
                return .word(parts[0])
            }
            error(.unknownField, "unknown field `\(joined)`", file, span,
                  help: Suggestion.help(for: joined, in: RequestField.all.map(\.path)))
            return .other(.bad(span: span))
        case .string(let literal): return .string(literal)
        case .quantity(let quantity): return .quantity(quantity)
        case .list(let items, let span): return .list(items, span)
        default: return .other(expression)
        }
    }

    private mutating func checkComparison(_ op: BinaryOperator, _ left: ExpressionSyntax, _ right: ExpressionSyntax, _ span: Span,
                                          _ file: SourceFile) -> Condition? {
        var lhs = operand(left, file)
        var rhs = operand(right, file)
        if case .other(.bad) = lhs { return nil }
        if case .other(.bad) = rhs { return nil }
        var comparison = compiledOperator(op)
        if case .field = rhs, !isField(lhs) {
            swap(&lhs, &rhs)
            comparison = mirrored(comparison)
        }
        guard case .field(let field, let fieldSpan) = lhs else {
            error(.typeMismatch, "a comparison needs a request field on one side", file, span,
                  help: "e.g. `request.context_tokens > 50k`")
            return nil
        }
        if case .field(let other, _) = rhs {
            error(.typeMismatch, "`\(field.path)` is compared with another field `\(other.path)`", file, span,
                  help: "compare a field with a value")
            return nil
        }
        switch field.type {
        case .text, .operationList, .stringList:
            let suggestion = field.type == .text ? "`\(field.path) contains \"…\"` or `\(field.path) has pii`"
                                                 : "`\(field.path) contains …`"
            error(.typeMismatch, "`\(op.rawValue)` cannot compare \(article(field.type)) `\(field.path)`", file, span,
                  help: "use \(suggestion)")
            return nil
        case .bool, .string, .role, .model, .feature, .operation, .action, .weekday:
            guard comparison == .eq || comparison == .ne else {
                error(.typeMismatch, "`\(op.rawValue)` needs numbers, but `\(field.path)` is \(article(field.type))", file, span,
                      help: "use `==` or `!=`")
                return nil
            }
        case .tokens, .count, .money, .percent, .duration:
            break
        }
        guard let value = scalar(rhs, for: field, fieldSpan: fieldSpan, file) else { return nil }
        return .compare(field: field.path, op: comparison, value: value)
    }

    private func isField(_ operand: Operand) -> Bool {
        if case .field = operand { return true }
        return false
    }

    private func compiledOperator(_ op: BinaryOperator) -> ComparisonOperator {
        switch op {
        case .equal: return .eq
        case .notEqual: return .ne
        case .less: return .lt
        case .lessEqual: return .le
        case .greater: return .gt
        case .greaterEqual: return .ge
        case .and, .or: return .eq  // not reached: handled by checkCondition
        }
    }

    private func mirrored(_ op: ComparisonOperator) -> ComparisonOperator {
        switch op {
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        default: return op
        }
    }

    /// Converts a value operand to the field's type, resolving names against the vocabularies.
    mutating func scalar(_ value: Operand, for field: RequestField, fieldSpan: Span, _ file: SourceFile) -> ScalarValue? {
        let what = "`\(field.path)`"
        switch (field.type, value) {
        case (.bool, .boolean(let flag, _)):
            return .boolean(flag)
        case (.tokens, .quantity(let quantity)), (.count, .quantity(let quantity)):
            return count(quantity, what, file, allowZero: true).map { .integer($0) }
        case (.money, .quantity(let quantity)):
            return micros(quantity, what, file).map { .integer($0) }
        case (.percent, .quantity(let quantity)):
            return percent(quantity, what, file, range: 0...10_000).map { .integer($0) }
        case (.duration, .quantity(let quantity)):
            return seconds(quantity, what, file).map { .integer($0) }
        case (.string, .string(let literal)):
            return .string(literal.value)
        case (.model, .string(let literal)):
            return resolveModel(literal, file).map { .string($0) }
        case (.role, .word), (.role, .string):
            let name = nameOf(value)!
            if symbols.roles[name.text] != nil {
                if case .string(let literal) = value { resolved.symbols.add(.role, name.text, literal, file) } else { referenced(.role, name, file) }
                return .string(name.text)
            }
            error(.unknownRole, "unknown role `\(name.text)`", file, name.span,
                  help: Suggestion.help(for: name.text, in: symbols.roles.names))
            return nil
        case (.feature, .word(let name)):
            return resolveVocabulary(name, file, kind: .features).map { .string($0) }
        case (.operation, .word(let name)):
            return resolveVocabulary(name, file, kind: .operations).map { .string($0) }
        case (.action, .word(let name)):
            return resolveWord(name, RequestAction.self, file).map { .string($0.rawValue) }
        case (.weekday, .word(let name)):
            return resolveWord(name, Weekday.self, file).map { .string($0.rawValue) }
        case (_, .other(.bad)):
            return nil
        default:
            let found = describe(value)
            var help: String?
            if field.type == .string, case .word(let name) = value { help = "put text in quotes: `\"\(name.text)\"`" }
            if field.type == .model, case .word(let name) = value { help = "model ids are strings: `\"\(name.text)\"`" }
            if case .quantity(let quantity) = value, [.tokens, .count, .money, .percent, .duration].contains(field.type) {
                error(.unitMismatch, "\(what) is \(article(field.type)), but `\(quantity.text)` is \(describe(quantity.unit))",
                      file, quantity.span)
                return nil
            }
            error(.typeMismatch, "\(what) is \(article(field.type)), but \(found) is not", file, span(of: value) ?? fieldSpan,
                  help: help)
            return nil
        }
    }

    private func nameOf(_ operand: Operand) -> Name? {
        switch operand {
        case .word(let name): return name
        case .string(let literal): return Name(text: literal.value, span: literal.span)
        default: return nil
        }
    }

    private func span(of operand: Operand) -> Span? {
        switch operand {
        case .field(_, let span), .boolean(_, let span), .list(_, let span): return span
        case .word(let name): return name.span
        case .string(let literal): return literal.span
        case .quantity(let quantity): return quantity.span
        case .other(let expression): return expression.span
        }
    }

    private func describe(_ operand: Operand) -> String {
        switch operand {
        case .field(let field, _): return "`\(field.path)`"
        case .word(let name): return "`\(name.text)`"
        case .string(let literal): return "the string `\(literal.value)`"
        case .quantity(let quantity): return "`\(quantity.text)`"
        case .boolean(let flag, _): return "`\(flag)`"
        case .list: return "a list"
        case .other(let expression): return describeOperand(expression)
        }
    }

    func describeOperand(_ expression: ExpressionSyntax) -> String {
        switch expression {
        case .string(let literal): return "the string `\(literal.value)`"
        case .quantity(let quantity): return "`\(quantity.text)`"
        case .list: return "a list"
        default: return "an expression"
        }
    }

    func article(_ type: FieldType) -> String {
        switch type {
        case .text: return "text"
        case .string: return "a string"
        case .tokens: return "a token count"
        case .count: return "a number"
        case .money: return "money"
        case .percent: return "a percentage"
        case .duration: return "a duration"
        case .bool: return "true or false"
        case .role: return "a role"
        case .model: return "a model"
        case .feature: return "a feature"
        case .operation: return "an operation"
        case .action: return "a request action"
        case .weekday: return "a weekday"
        case .operationList: return "a list of operations"
        case .stringList: return "a list of strings"
        }
    }

    private mutating func checkMembership(_ item: ExpressionSyntax, _ set: ExpressionSyntax, _ span: Span, _ file: SourceFile) -> Condition? {
        let lhs = operand(item, file)
        let rhs = operand(set, file)
        // `deployment_commands in request.operations` reads as `request.operations contains …`.
        if case .field(let field, _) = rhs, field.type == .operationList || field.type == .stringList {
            return checkContains(set, item, span, file)
        }
        guard case .field(let field, let fieldSpan) = lhs else {
            if case .other(.bad) = lhs { return nil }
            error(.typeMismatch, "`in` needs a request field on its left", file, item.span,
                  help: "e.g. `request.feature in [agent_mode, terminal_access]`")
            return nil
        }
        guard case .list(let items, _) = rhs else {
            if case .other(.bad) = rhs { return nil }
            error(.typeMismatch, "`in` needs a list such as `[a, b]` on its right", file, set.span)
            return nil
        }
        guard ![.text, .operationList, .stringList, .bool].contains(field.type) else {
            error(.typeMismatch, "`in` cannot test \(article(field.type)) `\(field.path)`", file, fieldSpan,
                  help: field.type == .text ? "use `contains` or `has`" : nil)
            return nil
        }
        var values: [ScalarValue] = []
        var failed = false
        for element in items {
            if let value = scalar(operand(element, file), for: field, fieldSpan: fieldSpan, file) {
                values.append(value)
            } else {
                failed = true
            }
        }
        if items.isEmpty {
            warning(.unreachableRule, "`\(field.path) in []` is never true", file, set.span)
        }
        return failed ? nil : .oneOf(field: field.path, values: values)
    }

    private mutating func checkContains(_ container: ExpressionSyntax, _ item: ExpressionSyntax, _ span: Span, _ file: SourceFile) -> Condition? {
        guard case .field(let field, _) = operand(container, file) else {
            error(.typeMismatch, "`contains` needs a text or list field on its left", file, container.span,
                  help: "e.g. `prompt contains \"internal\"` or `request.operations contains deployment_commands`")
            return nil
        }
        let value = operand(item, file)
        switch field.type {
        case .text:
            guard case .string(let literal) = value else {
                error(.typeMismatch, "`\(field.path) contains` needs a string in quotes", file, item.span,
                      help: "to use detectors or pattern lists, write `\(field.path) has …`")
                return nil
            }
            if literal.value.isEmpty {
                error(.invalidQuantity, "an empty string is contained in every text", file, literal.span)
                return nil
            }
            return .textContains(field: field.path, text: literal.value, wholeWord: false)
        case .operationList:
            guard case .word(let name) = value else {
                error(.typeMismatch, "`\(field.path)` holds operations, but \(describe(value)) is not one", file, item.span)
                return nil
            }
            return resolveVocabulary(name, file, kind: .operations).map { .includes(field: field.path, value: $0) }
        case .stringList:
            guard case .string(let literal) = value else {
                error(.typeMismatch, "`\(field.path)` holds strings; put the value in quotes", file, item.span)
                return nil
            }
            return .includes(field: field.path, value: literal.value)
        default:
            error(.typeMismatch, "`contains` cannot search \(article(field.type)) `\(field.path)`", file, container.span,
                  help: "use `==` to compare it")
            return nil
        }
    }

    private mutating func checkHas(_ subject: ExpressionSyntax, _ minimum: Quantity?, _ refs: [DetectorRefSyntax], _ file: SourceFile) -> Condition? {
        guard case .field(let field, let fieldSpan) = operand(subject, file) else {
            error(.typeMismatch, "`has` needs a text field on its left", file, subject.span,
                  help: "one of `prompt`, `messages`, `response`")
            return nil
        }
        guard field.type == .text else {
            error(.typeMismatch, "`has` scans text, but `\(field.path)` is \(article(field.type))", file, fieldSpan,
                  help: "scan `prompt`, `messages` or `response`")
            return nil
        }
        var minCount = 1
        if let minimum {
            guard let value = count(minimum, "the minimum number of findings", file) else { return nil }
            minCount = value
        }
        guard !refs.isEmpty, let targets = resolveTargets(refs, file) else { return nil }
        return .has(field: field.path, detectors: targets.detectors, patterns: targets.patterns, minCount: minCount)
    }
}
