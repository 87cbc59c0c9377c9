import Foundation
@testable import PolicyLang
import PolicyRuntime
import XCTest

/// One definition of each thing: the request format (`RequestInput`), the condition fields
/// (`RequestField`) and the reason codes (`ReasonCode`) are declared once in the runtime; the
/// reader, the planner and evaluation switch over them exhaustively (so the compiler refuses a
/// field added in one place only), and these tests tie the rest — the language's test blocks,
/// the docs and the schema — to the same tables.
final class FieldTableTests: XCTestCase {
    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: TestSupport.root + "/" + path, encoding: .utf8)
    }

    /// The first column of the markdown table that follows `heading` (backticked names only).
    private func tableNames(in text: String, after heading: String) -> [String] {
        guard let start = text.range(of: heading) else { return [] }
        var names: [String] = []
        var inTable = false
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                inTable = true
                let cell = line.split(separator: "|").first ?? ""
                for part in cell.split(separator: "`").enumerated() where part.offset % 2 == 1 { names.append(String(part.element)) }
            } else if inTable {
                break
            }
        }
        return names
    }

    func testEveryRequestInputIsATestPropertyAndAKeyword() {
        for input in RequestInput.allCases {
            XCTAssertNotNil(Keyword(rawValue: input.testProperty), "\(input): no keyword `\(input.testProperty)`")
        }
        // Each request field, `used` (prior use of budgets and rate limits), and the expectations.
        XCTAssertEqual(GrammarTables.testProperties.count, RequestInput.allCases.count + 1 + GrammarTables.testExpectations.count)
        XCTAssertEqual(Set(RequestInput.allCases.map(\.testProperty)).count, RequestInput.allCases.count)
    }

    func testEveryRequestInputReachesTheRequestThroughATestBlock() throws {
        // One test block setting every field; the reader rejects anything it does not know, so
        // a field the test blocks wrote but the reader dropped (or the reverse) fails here.
        let result = TestSupport.compile(TestSupport.prelude + """
            role dev { models "claude-3-opus" features ask_mode }
            test all {
              user "u" role dev team "t" department "d" session "s" request_id "q" action file_edit model "opus" feature ask_mode
              context_tokens 1 tokens_in 2 tokens_out 3 max_tokens 4 prompt "p" messages "m" response "r"
              operations database_operations files_accessed "a" files_modified "b" ip_address "10.0.0.1"
              user_agent "ua" timestamp "2026-12-05T10:00:00Z" budget_used 5% budget_exceeded false
              expect allow
            }
            """)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let request = try XCTUnwrap(result.tests.first?.request)
        var expected = Request()
        expected.userID = "u"
        expected.role = "dev"
        expected.team = "t"
        expected.department = "d"
        expected.sessionID = "s"
        expected.requestID = "q"
        expected.action = .fileEdit
        expected.model = "opus"
        expected.feature = "ask_mode"
        expected.contextTokens = 1
        expected.tokensIn = 2
        expected.tokensOut = 3
        expected.maxTokens = 4
        expected.prompt = Array("p".utf8)
        expected.messages = [MessagePart(message: 0, role: "user", text: Array("m".utf8))]
        expected.response = Array("r".utf8)
        expected.operations = ["database_operations"]
        expected.filesAccessed = ["a"]
        expected.filesModified = ["b"]
        expected.ipAddress = "10.0.0.1"
        expected.userAgent = "ua"
        expected.timestamp = Timestamp(rfc3339: "2026-12-05T10:00:00Z")
        expected.budgetUsedPercent = 5
        expected.budgetExceeded = false
        XCTAssertEqual(request, expected)
    }

    func testTheRuntimeDocsListTheRequestFormat() throws {
        let names = tableNames(in: try read("docs/runtime.md"), after: "## Request format")
        XCTAssertEqual(names, RequestInput.allCases.map(\.rawValue))
    }

    func testTheCompiledFormatDocsTheSchemaAndTheGrammarListTheConditionFields() throws {
        let documented = tableNames(in: try read("docs/compiled-format.md"), after: "### Request fields")
        XCTAssertEqual(Set(documented), Set(RequestField.allCases.map(\.path)))
        let grammar = try read("grammar.md")
        for field in RequestField.allCases {
            XCTAssertTrue(grammar.contains("`\(field.path)`"), "grammar.md §4 does not list `\(field.path)`")
        }
        let schema = try XCTUnwrap(JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/schema/policy.schema.json"))))
        guard case .object(let root) = schema, case .object(let definitions)? = root["$defs"],
              case .object(let field)? = definitions["field"], case .array(let fields)? = field["enum"],
              case .object(let reason)? = definitions["reason"], case .array(let reasons)? = reason["enum"] else {
            return XCTFail("the schema has no field or reason enumeration")
        }
        XCTAssertEqual(fields, RequestField.allCases.map { .string($0.path) })
        XCTAssertEqual(reasons, ReasonCode.allCases.map { .string($0.rawValue) })
    }

    func testEveryReasonCodeIsDocumentedWithItsWeight() throws {
        let runtime = try read("docs/runtime.md")
        for code in ReasonCode.allCases {
            XCTAssertTrue(runtime.contains("`\(code.rawValue)`"), "docs/runtime.md does not list `\(code.rawValue)`")
        }
        XCTAssertEqual(Vocabulary.reasonCodes, ReasonCode.words)
    }
}
