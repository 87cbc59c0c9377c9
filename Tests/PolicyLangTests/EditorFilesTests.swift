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

    func testEveryKeywordIsInTheGrammarAndTheTextMatePatternsCompile() throws {
        let grammar = try String(contentsOfFile: TestSupport.root + "/grammar.md", encoding: .utf8)
        let lines = Dictionary(uniqueKeysWithValues: EditorGrammar.keywordLines(grammarMarkdown: grammar).map { ($0.keyword, $0.lines) })
        for keyword in Keyword.allCases {
            XCTAssertNotNil(lines[keyword.rawValue], "grammar.md's EBNF never writes `\"\(keyword.rawValue)\"`")
        }
        let textMate = EditorGrammar.textMate()
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

    /// The VS Code extension's manifest holds together: its files exist, its grammar is the
    /// generated one for the `pol` language, its language configuration's comment is the
    /// lexer's, and the command it starts is one `policyc` accepts.
    func testTheVSCodeExtensionManifest() throws {
        let directory = TestSupport.root + "/editors/vscode/"
        func json(_ name: String) throws -> JSONTree { try JSONTree.parse(Array(try Data(contentsOf: URL(fileURLWithPath: directory + name)))) }
        func string(_ tree: JSONTree?) -> String? { if case .string(let text, _)? = tree { return text } else { return nil } }
        func first(_ tree: JSONTree?) -> JSONTree? { if case .array(let items, _)? = tree { return items.first } else { return nil } }
        let manifest = try json("package.json")
        let main = try XCTUnwrap(string(manifest.member("main")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + main), main)
        let contributes = manifest.member("contributes")
        let language = first(contributes?.member("languages"))
        XCTAssertEqual(string(language?.member("id")), "pol")
        XCTAssertEqual(string(first(language?.member("extensions"))), ".pol")
        let grammar = first(contributes?.member("grammars"))
        XCTAssertEqual(string(grammar?.member("language")), "pol")
        let grammarPath = try XCTUnwrap(string(grammar?.member("path")))
        XCTAssertEqual(URL(fileURLWithPath: directory + grammarPath).standardizedFileURL.path,
                       URL(fileURLWithPath: TestSupport.root + "/" + EditorGrammar.textMatePath).standardizedFileURL.path)
        XCTAssertEqual(string(grammar?.member("scopeName")), string(try json(grammarPath).member("scopeName")))
        let configuration = try json(try XCTUnwrap(string(language?.member("configuration"))))
        XCTAssertEqual(string(configuration.member("comments")?.member("lineComment")), "#", "the lexer's comment")
        let properties = contributes?.member("configuration")?.member("properties")
        XCTAssertEqual(string(properties?.member("policylang.server.path")?.member("default")), "policyc")
        guard case .array(let arguments, _)? = properties?.member("policylang.server.arguments")?.member("default") else {
            return XCTFail("no default arguments")
        }
        XCTAssertEqual(arguments.compactMap { string($0) }, ["lsp", "--stdio"])
        let script = try String(contentsOfFile: directory + main, encoding: .utf8)
        XCTAssertTrue(script.contains(#"settings.get("server.arguments", ["lsp", "--stdio"])"#), "extension.js's default matches the manifest's")
    }
}
