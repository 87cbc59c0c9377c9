import Foundation
import PolicyLang
import XCTest

/// grammar.md is the language's authority, so its examples must be true: every `pol` block is
/// a complete policy that checks clean, every `pol-fragment` block parses without errors.
final class GrammarDocumentTests: XCTestCase {
    private func blocks(_ language: String) throws -> [String] {
        let text = try String(contentsOfFile: TestSupport.root + "/grammar.md", encoding: .utf8)
        var result: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```" + language {
                current = []
            } else if current != nil, line == "```" {
                result.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return result
    }

    func testEveryCompletePolicyInGrammarChecksClean() throws {
        let policies = try blocks("pol")
        XCTAssertGreaterThanOrEqual(policies.count, 7)
        for policy in policies {
            let result = TestSupport.compile(policy)
            XCTAssertEqual(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" }, [], policy)
        }
    }

    func testEveryFragmentInGrammarParses() throws {
        let fragments = try blocks("pol-fragment")
        XCTAssertGreaterThanOrEqual(fragments.count, 2)
        for fragment in fragments {
            XCTAssertEqual(Parser.parse(SourceFile(path: "fragment.pol", text: fragment)).diagnostics.map(\.message), [], fragment)
        }
    }

    func testEveryDiagnosticCodeIsDocumented() throws {
        let text = try String(contentsOfFile: TestSupport.root + "/grammar.md", encoding: .utf8)
        for code in DiagnosticCode.allCases {
            XCTAssertTrue(text.contains("| \(code.rawValue) |"), "\(code.rawValue) is missing from grammar.md")
        }
    }
}
