import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// `policyc fmt`: the golden layout, and its three promises over every example and every file of
/// the invalid corpus — idempotent, the same compiled document, comments kept — plus refusing
/// files with syntax errors.
final class FormatterTests: XCTestCase {
    private func format(_ text: String, path: String = "test.pol") throws -> String {
        try SourceFormatter.format(SourceFile(path: path, text: text))
    }

    func testGoldenLayout() throws {
        let input = try String(contentsOfFile: TestSupport.root + "/Tests/PolicyLangTests/testdata/format/messy.pol", encoding: .utf8)
        TestSupport.assertGolden(try format(input), "Tests/PolicyLangTests/testdata/format/messy.golden")
    }

    func testSpacingRules() throws {
        let source = """
            policy "p" version 1
            features a
            alert x { when ( request.context_tokens>-5 or not(prompt has pii) ) and request.model in [ "m","n" ] then notify ( team ) }
            channel team "t"
            """
        let formatted = try format(source)
        XCTAssertTrue(formatted.contains("when  (request.context_tokens > -5 or not (prompt has pii)) and request.model in [\"m\", \"n\"]\n"),
                      formatted)
        XCTAssertTrue(formatted.contains("then  notify(team)\n"), formatted)
    }

    func testLineEndingsAndTrailingSpaceAreNormalized() throws {
        let formatted = try format("policy \"p\" version 1   \r\n# note  \r\nfeatures a\r\n")
        XCTAssertEqual(formatted, "policy \"p\" version 1\n# note\nfeatures a\n")
    }

    func testCommentsAreKeptInPlace() throws {
        let source = """
            # file comment
            policy "p" version 1  # header

            # above the role
            role r {  # after the brace
              # inside
              features a  # after a property
              # last inside
            }
            # at the end
            """
        let formatted = try format(source + "\nfeatures a\n")
        for comment in ["# file comment", "# header", "# above the role", "# after the brace", "# inside",
                        "# after a property", "# last inside", "# at the end"] {
            XCTAssertEqual(formatted.components(separatedBy: comment).count, 2, "\(comment) once in:\n\(formatted)")
        }
        XCTAssertTrue(formatted.contains("# above the role\nrole r {  # after the brace\n  # inside\n  features  a  # after a property\n  # last inside\n}\n"),
                      formatted)
    }

    func testSyntaxErrorsRefuseWithTheParsersDiagnostics() {
        let source = "policy \"p\" version 1\nrole r { models \"m\" features }\nrole s { audit }\n"
        let expected = Parser.parse(SourceFile(path: "test.pol", text: source)).diagnostics
        XCTAssertEqual(expected.count, 2)
        XCTAssertThrowsError(try format(source)) { error in
            let failure = error as? SourceFormatter.Failure
            XCTAssertEqual(failure?.diagnostics.map(\.message), expected.map(\.message))
        }
    }

    /// Every example and every file of the invalid corpus that parses: formatting is idempotent,
    /// keeps every comment, and (with the files it imports formatted too) compiles to the same
    /// document but for the digest and source positions. Files that do not parse are refused.
    func testPropertiesOverExamplesAndTheInvalidCorpus() throws {
        let directories = ["examples", "Tests/PolicyLangTests/testdata/invalid"]
        var checked = 0
        var refused = 0
        for directory in directories {
            let paths = TestSupport.polFiles(in: directory)
            var originals: [String: String] = [:]
            var formatted: [String: String] = [:]
            for path in paths {
                let name = String(path.dropFirst(directory.count + 1))
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.root + "/" + path)))
                let file = SourceFile(path: path, bytes: bytes)
                // Files that are not UTF-8 are refused below; only text files take part in compiling.
                let text = String(validating: bytes, as: UTF8.self)
                originals[name] = text
                let (_, diagnostics) = Parser.parse(file)
                let parseErrors = diagnostics.filter { $0.severity == .error }
                do {
                    let once = try SourceFormatter.format(file)
                    XCTAssertTrue(parseErrors.isEmpty, "\(path) formatted despite syntax errors")
                    XCTAssertEqual(try format(once, path: path), once, "\(path): fmt of fmt is fmt")
                    var lexer = Lexer(file: file)
                    _ = lexer.tokenize()
                    for comment in lexer.comments {
                        let text = file.text(of: comment).trimmingCharacters(in: .whitespaces)
                        XCTAssertTrue(once.contains(text), "\(path): comment `\(text)` lost")
                    }
                    formatted[name] = once
                    checked += 1
                } catch {
                    XCTAssertEqual(error.diagnostics.map(\.code), parseErrors.map(\.code), path)
                    formatted[name] = text
                    refused += 1
                }
            }
            for name in originals.keys.sorted() {
                let before = try Compiler.compile([name], reader: MemorySourceReader(originals))
                let after = try Compiler.compile([name], reader: MemorySourceReader(formatted))
                XCTAssertEqual(after.diagnostics.map(\.code), before.diagnostics.map(\.code), "\(directory)/\(name)")
                guard let old = before.policy, let new = after.policy else { continue }
                XCTAssertEqual(try comparable(new), try comparable(old), "\(directory)/\(name) compiles differently")
            }
        }
        XCTAssertGreaterThan(checked, 30)
        XCTAssertGreaterThan(refused, 5)
    }

    /// The compiled document without what identifies the source text: the digests and positions.
    private func comparable(_ policy: CompiledPolicy) throws -> String {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !["digest", "document_digest", "source"].contains($0.key) }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let object = try JSONSerialization.jsonObject(with: policy.canonicalJSON())
        return String(decoding: try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys]), as: UTF8.self)
    }
}
