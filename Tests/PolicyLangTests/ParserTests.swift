@testable import PolicyLang
import XCTest

final class ParserTests: XCTestCase {
    private func parse(_ text: String) -> (PolicyFileSyntax, [Diagnostic]) {
        let result = Parser.parse(SourceFile(path: "t.pol", text: text))
        return (result.syntax, result.diagnostics)
    }

    /// Renders a condition with explicit parentheses, to check precedence.
    private func shape(_ expression: ExpressionSyntax) -> String {
        switch expression {
        case .binary(let op, let left, let right, _): return "(\(shape(left)) \(op.rawValue) \(shape(right)))"
        case .not(let inner, _): return "(not \(shape(inner)))"
        case .path(let parts, _): return parts.map(\.text).joined(separator: ".")
        case .string(let literal): return "\"\(literal.value)\""
        case .quantity(let quantity): return quantity.text
        case .list(let items, _): return "[" + items.map(shape).joined(separator: ", ") + "]"
        case .membership(let item, let set, let negated, _): return "(\(shape(item)) \(negated ? "not in" : "in") \(shape(set)))"
        case .contains(let container, let item, _): return "(\(shape(container)) contains \(shape(item)))"
        case .has(let subject, let minimum, let refs, _):
            let least = minimum.map { " at least \($0.text)" } ?? ""
            return "(\(shape(subject)) has\(least) \(refs.map(\.text).joined(separator: ", ")))"
        case .bad: return "<bad>"
        }
    }

    private func condition(_ text: String) -> (String, [Diagnostic]) {
        let (syntax, diagnostics) = parse("rule r {\n  when \(text)\n  deny \"x\"\n}")
        guard case .rule(let rule) = syntax.declarations.first, let expression = rule.condition else {
            return ("<none>", diagnostics)
        }
        return (shape(expression), diagnostics)
    }

    func testHeaderAndImports() {
        let (syntax, diagnostics) = parse("policy \"acme\" version 3\nimport \"a.pol\"\nimport \"dir/b.pol\"")
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(syntax.header?.name.value, "acme")
        XCTAssertEqual(syntax.header?.version?.integerValue, 3)
        XCTAssertEqual(syntax.imports.map(\.path.value), ["a.pol", "dir/b.pol"])
    }

    func testModelWithPricesAndAliases() {
        let (syntax, diagnostics) = parse("""
            model "claude-3-opus" {
              provider anthropic
              context 200k
              price input $0.015 per 1k, output $0.075 per 1k
              price monthly $20, includes 500 requests
              aliases "opus", "claude-opus"
            }
            """)
        XCTAssertEqual(diagnostics, [])
        guard case .model(let model) = syntax.declarations.first else { return XCTFail("no model") }
        XCTAssertEqual(model.id.value, "claude-3-opus")
        XCTAssertEqual(model.provider?.text, "anthropic")
        XCTAssertEqual(model.context?.integerValue, 200_000)
        XCTAssertEqual(model.prices.count, 4)
        XCTAssertEqual(model.aliases.map(\.value), ["opus", "claude-opus"])
    }

    func testRoleProperties() {
        let (syntax, diagnostics) = parse("""
            role contractor extends base {
              models "claude-3-haiku"
              features ask_mode
              max_context 20k
              audit comprehensive
              requires_approval database_operations, deployment_commands
              block "production", internal_terms
              block "customer_data"
            }
            """)
        XCTAssertEqual(diagnostics, [])
        guard case .role(let role) = syntax.declarations.first else { return XCTFail("no role") }
        XCTAssertEqual(role.name.text, "contractor")
        XCTAssertEqual(role.parent?.text, "base")
        XCTAssertEqual(role.models?.map(\.value), ["claude-3-haiku"])
        XCTAssertEqual(role.features?.map(\.text), ["ask_mode"])
        XCTAssertEqual(role.maxContext?.integerValue, 20_000)
        XCTAssertEqual(role.audit?.text, "comprehensive")
        XCTAssertEqual(role.requiresApproval?.map(\.text), ["database_operations", "deployment_commands"])
        XCTAssertEqual(role.block.count, 3, "repeated `block` lines accumulate")
    }

    func testKeywordsAreContextual() {
        let (syntax, diagnostics) = parse("operations deny, role, policy\nfeatures when")
        XCTAssertEqual(diagnostics, [])
        guard case .vocabulary(let list) = syntax.declarations.first else { return XCTFail("no list") }
        XCTAssertEqual(list.names.map(\.text), ["deny", "role", "policy"])
    }

    func testAndBindsTighterThanOr() {
        XCTAssertEqual(condition("a.x == 1 or b.y == 2 and not c.z").0, "((a.x == 1) or ((b.y == 2) and (not c.z)))")
    }

    func testNotBindsLooserThanComparisons() {
        XCTAssertEqual(condition("not a == 1 and b").0, "((not (a == 1)) and b)")
    }

    func testParenthesesOverridePrecedence() {
        XCTAssertEqual(condition("(a or b) and c").0, "((a or b) and c)")
    }

    func testOrIsLeftAssociative() {
        XCTAssertEqual(condition("a or b or c").0, "((a or b) or c)")
    }

    func testMembershipContainsAndHas() {
        XCTAssertEqual(condition("request.feature not in [agent_mode, ask_mode]").0, "(request.feature not in [agent_mode, ask_mode])")
        XCTAssertEqual(condition("request.operations contains deployment_commands").0,
                       "(request.operations contains deployment_commands)")
        XCTAssertEqual(condition("response has at least 5 pii, secret.jwt").0, "(response has at least 5 pii, secret.jwt)")
    }

    func testMissingOperandBeforeNextPropertyRecovers() {
        let (syntax, diagnostics) = parse("rule r {\n  when request.context_tokens >\n  deny \"too big\"\n}")
        XCTAssertEqual(diagnostics.map(\.code), [.expectedToken])
        guard case .rule(let rule) = syntax.declarations.first else { return XCTFail("no rule") }
        XCTAssertEqual(rule.deny?.value, "too big", "the next property is still parsed")
    }

    func testRecoveryReportsEveryBrokenDeclaration() {
        let (syntax, diagnostics) = parse("""
            role a { modles "x" }
            role b models "y" }
            rule c { when prompt has pii deny "z" }
            garbage here
            features ok
            """)
        XCTAssertEqual(diagnostics.count, 3, diagnostics.map(\.message).joined(separator: "; "))
        XCTAssertEqual(syntax.declarations.count, 4, "a, b, c and features all survive recovery")
    }

    func testUnknownPropertySuggestsTheClosest() {
        let (_, diagnostics) = parse("role a { max_contxt 20k }")
        XCTAssertEqual(diagnostics.first?.help, "did you mean `max_context`?")
    }

    func testSecondErrorOnALineIsDropped() {
        let (_, diagnostics) = parse("role a { models , , , }")
        XCTAssertEqual(diagnostics.count, 1)
    }

    func testDeepNestingIsCappedWithoutStackOverflow() {
        let depth = 100_000
        let text = "rule r { when " + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth) + " deny \"x\" }"
        let (_, diagnostics) = parse(text)
        XCTAssertEqual(diagnostics.first?.code, .nestingTooDeep)
    }

    func testDeepNotChainIsCapped() {
        let text = "rule r { when " + String(repeating: "not ", count: 50_000) + "a deny \"x\" }"
        let (_, diagnostics) = parse(text)
        XCTAssertEqual(diagnostics.first?.code, .nestingTooDeep)
    }

    func testEmptyAndGarbageInputNeverCrash() {
        XCTAssertEqual(parse("").1, [])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = Parser.parse(SourceFile(path: "g.pol", bytes: bytes))
        }
        let tokens = "role { } ( ) [ ] , . == policy model rule when deny \"s\" 1k $1 5% /r/ not and or has in"
            .split(separator: " ").map(String.init)
        for _ in 0..<200 {
            let text = (0..<60).map { _ in tokens.randomElement(using: &generator)! }.joined(separator: " ")
            _ = Parser.parse(SourceFile(path: "t.pol", text: text))
        }
    }

    func testStringEscapes() {
        let (syntax, diagnostics) = parse(#"patterns p { "a\"b", "tab\tend", "\u{1F600}", "back\\slash" }"#)
        XCTAssertEqual(diagnostics, [])
        guard case .patterns(let list) = syntax.declarations.first else { return XCTFail("no list") }
        XCTAssertEqual(list.terms.map(\.value), ["a\"b", "tab\tend", "😀", "back\\slash"])
    }
}
