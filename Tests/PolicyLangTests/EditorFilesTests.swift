import Foundation
import PolicyLang
import PolicyLanguageServer
import PolicyRuntime
import XCTest

/// The editor files generated from the compiler's tables (editors/vscode's TextMate grammar,
/// hover's keyword lines) match what the generator writes now: a keyword added to the lexer or a
/// grammar line changed without `swift run policyc-bench generate-editor-files` fails here.
final class EditorFilesTests: XCTestCase {
    func testGeneratedEditorFilesAreCurrent() throws {
        let grammar = try String(contentsOfFile: TestSupport.root + "/grammar.md", encoding: .utf8)
        for (path, expected) in [(EditorGrammar.textMatePath, EditorGrammar.textMate()),
                                 (EditorGrammar.keywordLinesPath, EditorGrammar.keywordLinesSource(grammarMarkdown: grammar))] {
            let actual = try String(contentsOfFile: TestSupport.root + "/" + path, encoding: .utf8)
            XCTAssertEqual(actual, expected, "\(path) is stale: run `swift run policyc-bench generate-editor-files`")
        }
    }

    func testEveryKeywordIsInTheGrammarAndTheTextMateGrammar() throws {
        let grammar = try String(contentsOfFile: TestSupport.root + "/grammar.md", encoding: .utf8)
        let lines = Dictionary(uniqueKeysWithValues: EditorGrammar.keywordLines(grammarMarkdown: grammar).map { ($0.keyword, $0.line) })
        let textMate = EditorGrammar.textMate()
        for keyword in Keyword.allCases {
            XCTAssertNotNil(lines[keyword.rawValue], "grammar.md's EBNF never writes `\"\(keyword.rawValue)\"`")
            XCTAssertTrue(lines[keyword.rawValue]?.contains("\"\(keyword.rawValue)\"") ?? false)
            XCTAssertTrue(textMate.contains("|\(keyword.rawValue)|") || textMate.contains("(?:\(keyword.rawValue)|") || textMate.contains("|\(keyword.rawValue))"),
                          "`\(keyword.rawValue)` is in no TextMate pattern")
        }
        // Every pattern is a regular expression Foundation accepts (Oniguruma's syntax is a superset here).
        let tree = try JSONTree.parse(Array(textMate.utf8))
        var patterns: [String] = []
        func collect(_ tree: JSONTree) {
            switch tree {
            case .object(let members, _):
                for member in members {
                    if ["match", "begin", "end"].contains(member.key), case .string(let pattern, _) = member.value { patterns.append(pattern) }
                    collect(member.value)
                }
            case .array(let items, _): items.forEach(collect)
            default: break
            }
        }
        collect(tree)
        XCTAssertGreaterThan(patterns.count, 10)
        for pattern in patterns { XCTAssertNoThrow(try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]), pattern) }
        // The grammar colours a sample line as an editor would: a declaration keyword and its name.
        let declaration = try NSRegularExpression(pattern: patterns.first { $0.hasPrefix("^\\s*(") && $0.contains("([A-Za-z_]") }!, options: [])
        let sample = "role contractor extends developer {"
        let match = try XCTUnwrap(declaration.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)))
        XCTAssertEqual((sample as NSString).substring(with: match.range(at: 2)), "contractor")
    }
}
