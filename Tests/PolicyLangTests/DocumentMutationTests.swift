import Foundation
import PolicyLang
@testable import PolicyRuntime
import XCTest

/// Every single edit of every compiled example — a key renamed, a key deleted, a value or an array
/// element given another JSON type — is refused by the loader or the planner, with a JSON path;
/// or, for the few keys the format documents as optional, the example's own tests decide exactly
/// as before. A document CI checked cannot quietly mean something else to an enforcement point.
final class DocumentMutationTests: XCTestCase {
    /// A place in the document: object keys and array indexes.
    private enum Step: CustomStringConvertible {
        case key(String)
        case index(Int)

        var description: String {
            switch self {
            case .key(let key): return "." + key
            case .index(let index): return "[\(index)]"
            }
        }
    }

    private enum Mutation: CustomStringConvertible {
        case rename([Step])
        case delete([Step])
        case retype([Step])
        /// A number outside the condition values made negative: no count, price, size or period is.
        case negate([Step])

        var description: String {
            switch self {
            case .rename(let path): return "rename " + path.map(\.description).joined()
            case .delete(let path): return "delete " + path.map(\.description).joined()
            case .retype(let path): return "retype " + path.map(\.description).joined()
            case .negate(let path): return "negate " + path.map(\.description).joined()
            }
        }
    }

    /// Keys whose absence the format documents (docs/compiled-format.md): retention periods are
    /// set per record kind (and a document need not be signed, but none of the examples is).
    private func isOptional(_ path: [Step], in document: JSONTree) -> Bool {
        guard path.count == 3, case .key("retention") = path[0], case .key("periods_seconds") = path[1] else { return false }
        return true
    }

    func testEverySingleEditOfEveryCompiledExampleIsRefused() throws {
        var refused = 0
        var accepted = 0
        for path in TestSupport.polFiles(in: "examples") {
            let result = try Compiler.compile([path], reader: TestSupport.reader)
            let compiled = try XCTUnwrap(result.policy, path)
            let original = try Plan(compiled)
            let baseline = result.tests.map { original.evaluate($0.request) }
            let document = try JSONTree.parse([UInt8](compiled.canonicalJSON()))
            XCTAssertNoThrow(try CompiledPolicy(document: document), path)
            for mutation in mutations(of: document, at: []) {
                let edited = apply(mutation, to: document)
                do {
                    _ = try Plan(try CompiledPolicy(document: edited))
                } catch {
                    refused += 1
                    continue
                }
                guard case .delete(let steps) = mutation, isOptional(steps, in: document) else {
                    XCTFail("\(path): `\(mutation)` was accepted")
                    continue
                }
                accepted += 1
                let plan = try Plan(try CompiledPolicy(document: edited))
                for (test, before) in zip(result.tests, baseline) {
                    XCTAssertEqual(plan.evaluate(test.request), before, "\(path): `\(mutation)` changes test \(test.name)")
                }
            }
        }
        XCTAssertGreaterThan(refused, 2_000, "every example is mutated")
        XCTAssertGreaterThan(accepted, 0, "the optional keys are exercised")
    }

    func testAnEditWithoutResealingFailsTheDigestAndAResealedOneTheStructure() throws {
        let compiled = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        let text = String(decoding: compiled.canonicalJSON(), as: UTF8.self)
        XCTAssertNoThrow(try Plan(json: Data(text.utf8)))
        // The issue's two examples: a renamed limit (900,000 tokens for a 20k role) and a renamed effect.
        for (from, to, message) in [
            (#""max_context_tokens": 20000,"#, #""max_context_token": 20000,"#,
             #"roles[2]: unknown key "max_context_token" (did you mean "max_context_tokens"?)"#),
            (#""effect": "deny""#, #""effekt": "deny""#, #"rules[0]: unknown key "effekt" (did you mean "effect"?)"#),
        ] {
            let edited = text.replacingOccurrences(of: from, with: to)
            XCTAssertNotEqual(edited, text)
            XCTAssertThrowsError(try Plan(json: Data(edited.utf8))) { error in
                XCTAssertEqual(error as? CompiledPolicyError, .digestMismatch)
            }
            XCTAssertThrowsError(try Plan(json: TestSupport.resealed(edited))) { error in
                XCTAssertEqual("\(error)", "invalid compiled policy: " + message)
            }
        }
        // One byte changed in a string is caught too.
        let flipped = text.replacingOccurrences(of: #""production""#, with: #""productiom""#)
        XCTAssertThrowsError(try Plan(json: Data(flipped.utf8))) { error in
            XCTAssertEqual(error as? CompiledPolicyError, .digestMismatch)
        }
    }

    func testKeysThatSwiftCallsEqualAreNotReadTwoWays() throws {
        // A pattern list `Keys` and a placeholder key spelled with a Kelvin sign: Swift's `==`
        // calls them equal, other JSON readers do not. Wherever the second key stands, the
        // document is refused rather than one of the two winning.
        let compiled = try XCTUnwrap(TestSupport.compile(TestSupport.prelude + """
            patterns Keys { "x" }
            placeholders { Keys "[A]" }
            """).policy)
        let text = String(decoding: compiled.canonicalJSON(), as: UTF8.self)
        let entry = #""Keys": "[A]""#
        XCTAssertTrue(text.contains(entry))
        for replacement in [#""Keys": "[B]", "# + entry, entry + #", "Keys": "[B]""#] {
            let edited = text.replacingOccurrences(of: entry, with: replacement)
            XCTAssertThrowsError(try Plan(json: TestSupport.resealed(edited))) { error in
                XCTAssertEqual("\(error)", #"invalid compiled policy: placeholders: two keys spell "Keys""#)
            }
        }
    }

    func testTheCompilerRefusesNumbersTheDocumentCannotHold() {
        let result = TestSupport.compile(TestSupport.prelude + "rule big { when request.context_tokens > 100000000000000000 deny \"x\" }")
        XCTAssertEqual(result.diagnostics.map(\.message),
                       ["`request.context_tokens` `100000000000000000` is larger than a compiled policy holds (9007199254740991)"])
    }

    func testTheSchemaRefusesWhatTheLoaderRefuses() throws {
        let schemaData = try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/schema/policy.schema.json"))
        let validator = SchemaValidator(root: try XCTUnwrap(JSONValue.parse(schemaData)))
        let compiled = try XCTUnwrap(try Compiler.compile(["examples/enterprise.pol"], reader: TestSupport.reader).policy)
        let document = try JSONTree.parse([UInt8](compiled.canonicalJSON()))
        var checked = 0
        for mutation in mutations(of: document, at: []) {
            // Map keys (placeholders, retention periods) and names are checked by the planner;
            // the schema states the document's shape.
            if case .rename(let steps) = mutation, steps.count == 2, case .key("placeholders") = steps[0] { continue }
            let edited = apply(mutation, to: document)
            guard (try? CompiledPolicy(document: edited)) == nil else { continue }
            var bytes: [UInt8] = []
            edited.writeCanonical(into: &bytes)
            XCTAssertNotEqual(validator.validate(try XCTUnwrap(JSONValue.parse(Data(bytes)))), [], "\(mutation)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 500)
    }

    // MARK: - Mutations

    private func mutations(of value: JSONTree, at path: [Step]) -> [Mutation] {
        var result: [Mutation] = []
        switch value {
        case .object(let members, _):
            for member in members {
                let child = path + [.key(member.key)]
                result += [.rename(child), .delete(child), .retype(child)]
                let inCondition = path.contains { step in
                    if case .key(let key) = step { return key == "condition" || key == "trigger" }
                    return false
                }
                if case .number = member.value, !inCondition, member.key != "schema_version" { result.append(.negate(child)) }
                result += mutations(of: member.value, at: child)
            }
        case .array(let items, _):
            for (index, item) in items.enumerated() {
                let child = path + [.index(index)]
                result.append(.retype(child))
                result += mutations(of: item, at: child)
            }
        default:
            break
        }
        return result
    }

    private func apply(_ mutation: Mutation, to document: JSONTree) -> JSONTree {
        switch mutation {
        case .rename(let path): return edit(document, path[...], .rename)
        case .delete(let path): return edit(document, path[...], .delete)
        case .retype(let path): return edit(document, path[...], .retype)
        case .negate(let path): return edit(document, path[...], .negate)
        }
    }

    private enum Change {
        case rename, delete, retype, negate
    }

    /// `value` with `change` applied at `path` (a member of an object, or an element of an array).
    private func edit(_ value: JSONTree, _ path: ArraySlice<Step>, _ change: Change) -> JSONTree {
        guard let step = path.first else { return value }
        let rest = path.dropFirst()
        switch (value, step) {
        case (.object(var members, let offset), .key(let key)):
            guard let index = members.firstIndex(where: { $0.key == key }) else { return value }
            if !rest.isEmpty {
                members[index].value = edit(members[index].value, rest, change)
            } else {
                switch change {
                case .rename: members[index].key += "_renamed"
                case .delete: members.remove(at: index)
                case .retype: members[index].value = Self.otherType(members[index].value)
                case .negate: members[index].value = .number("-1")
                }
            }
            return .object(members, offset: offset)
        case (.array(var items, let offset), .index(let index)):
            items[index] = rest.isEmpty ? Self.otherType(items[index]) : edit(items[index], rest, change)
            return .array(items, offset: offset)
        default:
            return value
        }
    }

    /// A value of another JSON type that no field accepts in its place.
    private static func otherType(_ value: JSONTree) -> JSONTree {
        switch value {
        case .string: return .number("7")
        case .number: return .string("7")
        case .bool: return .string("true")
        case .null: return .array([])
        case .array: return .object([])
        case .object: return .array([])
        }
    }
}
