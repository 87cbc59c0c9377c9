/// Conditions, by precedence climbing: `or` < `and` < `not` < comparisons and tests.
extension Parser {
    /// Properties of blocks that hold conditions (rules, alerts, playbooks); at the start of a
    /// line they end a condition.
    static let blockPropertyKeywords = Set(GrammarTables.properties(.rule) + GrammarTables.responseProperties)

    /// Parses a condition. Nesting deeper than ``Limits/maxNestingDepth`` is reported once
    /// and the rest of the expression is skipped, so hostile input cannot exhaust the stack.
    mutating func parseExpression(minimumPrecedence: Int = 1) -> ExpressionSyntax {
        var left = parseUnary()
        while let op = binaryOperator(), op.precedence >= minimumPrecedence {
            advance()
            // Left-associative: the right side binds only tighter operators.
            let right = parseExpression(minimumPrecedence: op.precedence + 1)
            left = .binary(op, left, right, span: left.span.union(right.span))
        }
        return left
    }

    func binaryOperator() -> BinaryOperator? {
        switch current.kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .word:
            if current.keyword == .and { return .and }
            if current.keyword == .or { return .or }
            return nil
        default: return nil
        }
    }

    mutating func enterNesting() -> Bool {
        depth += 1
        if depth > Limits.maxNestingDepth {
            error(.nestingTooDeep, "condition is nested more than \(Limits.maxNestingDepth) levels deep", at: current.span,
                  help: "split the condition into several rules")
            skipNestedExpression()
            return false
        }
        return true
    }

    /// After a nesting error: skip the rest of the over-deep expression without recursion.
    mutating func skipNestedExpression() {
        var balance = 0
        while !at(.eof) {
            switch current.kind {
            case .leftParen, .leftBracket: balance += 1
            case .rightParen, .rightBracket:
                balance -= 1
                if balance < 0 { return }
            case .rightBrace: return
            default:
                // The brackets of an over-deep expression are unbalanced garbage: resume at
                // the block's next property or the next declaration whatever the balance.
                if at(.word), let keyword = current.keyword,
                   Parser.declarationKeywords.contains(keyword) || Parser.blockPropertyKeywords.contains(keyword) { return }
            }
            advance()
        }
    }

    mutating func parseUnary() -> ExpressionSyntax {
        if at(.not), peek().keyword != .in {
            let start = current.span
            advance()
            guard enterNesting() else {
                depth -= 1
                return .bad(span: start)
            }
            // `not` binds looser than comparisons: `not a == b` is `not (a == b)`.
            let operand = parseExpression(minimumPrecedence: BinaryOperator.equal.precedence)
            depth -= 1
            return .not(operand, span: start.union(operand.span))
        }
        return parsePostfix()
    }

    /// An operand followed by `in`, `not in`, `contains` or `has`.
    mutating func parsePostfix() -> ExpressionSyntax {
        let operand = parsePrimary()
        if at(.in) || (at(.not) && peek().keyword == .in) {
            let negated = at(.not)
            if negated { advance() }
            advance()
            let set = parsePrimary()
            return .membership(operand, set, negated: negated, span: operand.span.union(set.span))
        }
        if at(.contains) {
            advance()
            let item = parsePrimary()
            return .contains(operand, item, span: operand.span.union(item.span))
        }
        if at(.has) {
            advance()
            var minimum: Quantity?
            if at(.at) {
                advance()
                if at(.least) { advance() } else { expected("`least`", help: "write `has at least 5 pii`") }
                minimum = expectQuantity("a count")
            }
            let refs = detectorRefList()
            let end = refs.last?.span ?? previousEnd
            return .has(operand, minimum: minimum, refs, span: operand.span.union(end))
        }
        return operand
    }

    mutating func parsePrimary() -> ExpressionSyntax {
        let start = current.span
        switch current.kind {
        case .leftParen:
            advance()
            guard enterNesting() else {
                depth -= 1
                return .bad(span: start)
            }
            let inner = parseExpression()
            depth -= 1
            expect(.rightParen, "`)`")
            return inner
        case .leftBracket:
            advance()
            guard enterNesting() else {
                depth -= 1
                return .bad(span: start)
            }
            var items: [ExpressionSyntax] = []
            while !at(.rightBracket), !at(.eof) {
                items.append(parsePrimary())
                guard at(.comma) else { break }
                advance()
            }
            depth -= 1
            expect(.rightBracket, "`]`")
            return .list(items, span: start.union(previousEnd))
        case .word where atLineStart && current.keyword.map(Parser.blockPropertyKeywords.contains) == true:
            // `when x >` followed by `deny "…"` on the next line: the operand is missing, and the
            // next line is the block's next property, not a name.
            expected("a value")
            return .bad(span: start)
        case .word:
            var parts = [Name(text: text(current), span: current.span)]
            advance()
            while at(.dot), peek().kind == .word {
                advance()
                parts.append(Name(text: text(current), span: current.span))
                advance()
            }
            return .path(parts, span: start.union(parts.last!.span))
        case .string:
            let literal = stringLiteral(current)
            advance()
            return .string(literal)
        case .number, .money, .percent, .minus:
            guard let quantity = expectQuantity("a value") else { return .bad(span: start) }
            return .quantity(quantity)
        case .regex:
            reportRegex()
            return .bad(span: start)
        default:
            expected("a condition")
            // Consume the offending token unless it can end or continue the enclosing block.
            if !at(.eof), !at(.rightBrace), !at(.rightParen), !at(.rightBracket) { advance() }
            return .bad(span: start)
        }
    }
}
