import Foundation
import PolicyLang
import PolicyLanguageServer
import PolicyRuntime
import XCTest

/// The language server's features one by one, on the cases a stranger's review found: names in
/// files shared by several policies, renames that would break a policy, completion in every
/// context the grammar has, quick fixes that must not be offered, the protocol's edges.
final class LanguageServerFeatureTests: XCTestCase {
    typealias Editor = LanguageServerSessionTests.Editor

    /// Files written to a fresh directory, an editor initialised on it; returns the editor and
    /// the file URIs by name.
    func workspace(_ files: [String: String], capabilities: String = "{}") throws -> (Editor, [String: String]) {
        let directory = try makeTemporaryDirectory().path
        var uris: [String: String] = [:]
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
            uris[name] = URL(fileURLWithPath: directory + "/" + name).absoluteString
        }
        var editor = Editor()
        _ = editor.request("initialize", "{\"workspaceFolders\":[{\"uri\":\"\(URL(fileURLWithPath: directory).absoluteString)\",\"name\":\"w\"}],\"capabilities\":\(capabilities)}")
        return (editor, uris)
    }

    /// Opens a file with `text`, `|` marking the cursor; returns the cursor's position params.
    func open(_ editor: inout Editor, _ uri: String, _ marked: String) -> String {
        let text = marked.replacingOccurrences(of: "|", with: "")
        editor.notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"\(uri)\",\"languageId\":\"pol\",\"version\":1,\"text\":\(LanguageServerSessionTests.json(text))}}")
        let offset = marked.utf8.firstIndex(of: UInt8(ascii: "|")).map { marked.utf8.distance(from: marked.utf8.startIndex, to: $0) } ?? 0
        let at = LSPTextDocument(text: text, version: 0).position(of: offset)
        return LanguageServerSessionTests.position(uri, at.line, at.character)
    }

    /// The labels a completion at the marked cursor offers.
    func labels(_ marked: String, imports: [String: String] = [:]) throws -> [String] {
        var (editor, uris) = try workspace(imports.merging(["main.pol": marked.replacingOccurrences(of: "|", with: "")]) { $1 })
        let position = open(&editor, uris["main.pol"]!, marked)
        let reply = try JSONTree.parse(Array(editor.result("textDocument/completion", position).utf8))
        guard case .array(let items, _) = reply else { return [] }
        return items.compactMap { if case .string(let label, _)? = $0.member("label") { return label } else { return nil } }
    }

    static let models = """
        policy "p" version 1
        model "claude-3-opus" { provider anthropic  aliases "opus" }
        features ask_mode
        operations deploy

        """

    func testCompletionInEveryContext() throws {
        let base = Self.models
        // Dotted paths: the field's or the category's tail, replacing only what follows the dot.
        XCTAssertEqual(try labels(base + "rule r {\n  when request.mo|\n  deny \"x\"\n}\n"), ["model"])
        XCTAssertEqual(try labels(base + "rule r {\n  when prompt has pii.em|\n  deny \"x\"\n}\n"), ["email"])
        XCTAssertEqual(try labels(base + "rule r {\n  when prompt has at least 2 pii.cr|\n  deny \"x\"\n}\n"), ["credit_card"])
        XCTAssertTrue(try labels(base + "rule r {\n  when prompt has at least 2 |\n  deny \"x\"\n}\n").contains("secret"))
        // Inside a string after a comparison: model ids and aliases, without quotes.
        XCTAssertEqual(try labels(base + "rule r {\n  when request.model == \"cl|\n  deny \"x\"\n}\n"), ["claude-3-opus"])
        XCTAssertEqual(try labels(base + "rule r {\n  when request.model == |\n  deny \"x\"\n}\n"), ["\"claude-3-opus\"", "\"opus\""])
        XCTAssertEqual(try labels(base + "rule r {\n  when request.feature in [ask_mode, |\n  deny \"x\"\n}\n"), ["ask_mode"])
        XCTAssertEqual(try labels(base + "role a { models \"opus\" }\nrule r {\n  when user.role == |\n  deny \"x\"\n}\n"), ["a"])
        // A budget's `scope role "…"` names roles.
        XCTAssertEqual(try labels(base + "role dev { models \"opus\" }\nbudget b {\n  scope role \"|\n}\n"), ["dev"])
        // A one-line block: the property after a complete value.
        XCTAssertEqual(try labels(base + "role q { models \"opus\" features |}\n"), ["ask_mode"])
        // A role does not extend itself.
        XCTAssertEqual(try labels(base + "role a { models \"opus\" }\nrole b extends |"), ["a"])
        // In a comment: nothing. After the header: no second `policy`.
        XCTAssertEqual(try labels(base + "# role |\n"), [])
        let declarations = try labels(base + "|")
        XCTAssertFalse(declarations.contains("policy"))
        XCTAssertTrue(declarations.contains("role") && declarations.contains("import"))
        XCTAssertTrue(try labels("|").contains("policy"), "an empty file starts with its header")
        // `notify(` offers channels, built-in ones included.
        XCTAssertEqual(try labels(base + "channel ops \"mailto:o@x\"\nalert a {\n  when prompt has pii\n  severity low\n  then notify(|\n}\n"),
                       ["ops", "user", "manager"])
    }

    func testRenameReachesEveryPolicyThatImportsTheDeclaringFile() throws {
        let library = "policy \"lib\" version 1\nmodel \"m\" { provider x }\nrole dev { models \"m\" }\n"
        let user = { (name: String) in "policy \"\(name)\" version 1\nimport \"lib.pol\"\nrule r {\n  when user.role == dev\n  deny \"no\"\n}\n" }
        var (editor, uris) = try workspace(["lib.pol": library, "a.pol": user("a"), "b.pol": user("b")])
        let position = open(&editor, uris["a.pol"]!, user("a").replacingOccurrences(of: "== dev", with: "== d|ev"))
        let references = editor.result("textDocument/references", String(position.dropLast()) + ",\"context\":{\"includeDeclaration\":true}}")
        for name in ["lib.pol", "a.pol", "b.pol"] { XCTAssertTrue(references.contains(uris[name]!), "\(name) in \(references)") }
        let rename = editor.result("textDocument/rename", String(position.dropLast()) + ",\"newName\":\"engineer\"}")
        for name in ["lib.pol", "a.pol", "b.pol"] { XCTAssertTrue(rename.contains(uris[name]!), "\(name) is edited: \(rename)") }
    }

    func testRenamesThatWouldBreakAPolicyAreRefused() throws {
        let text = Self.models + """
            role dev { models "opus" }
            channel ops "mailto:o@x"
            detector customer { category pii  pattern /CUST-[0-9]{4}/  examples "CUST-1234" }
            budget spend { scope user  period daily  limit $5 }
            rate_limit rpm { scope user  limit 5 requests per minute }
            alert a {
              when prompt has pii.customer
              severity low
              then notify(ops)
            }

            """
        var (editor, uris) = try workspace(["main.pol": text])
        let uri = uris["main.pol"]!
        _ = open(&editor, uri, text)
        func rename(_ needle: String, _ newName: String) -> String {
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: text.range(of: needle)!.lowerBound.samePosition(in: text.utf8)!) + 1
            let at = LSPTextDocument(text: text, version: 0).position(of: offset)
            return editor.request("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"position\":{\"line\":\(at.line),\"character\":\(at.character)},\"newName\":\"\(newName)\"}")
        }
        XCTAssertTrue(rename("dev {", "true").contains("`true` is reserved"))
        XCTAssertTrue(rename("deploy", "none").contains("`none` is reserved"))
        XCTAssertTrue(rename("customer {", "email").contains("would break the policy: detector `pii.email` is built in"), rename("customer {", "email"))
        XCTAssertTrue(rename("ops \"", "user").contains("would break the policy: channel `user` is built in"))
        XCTAssertTrue(rename("spend {", "rpm").contains("would break the policy"), rename("spend {", "rpm"))
        XCTAssertTrue(rename("claude-3-opus\" {", "opus").contains("would break the policy"))
        XCTAssertTrue(rename("dev {", "ops").contains("\"result\""), "a role may share a channel's name: another namespace")
        XCTAssertTrue(rename("claude-3-opus\" {", "a\\u0007b").contains("control characters"))
        // An alias is renamed on its own, everywhere it is written.
        let alias = rename("opus\" }\nfeatures", "big")
        XCTAssertTrue(alias.contains("\"newText\":\"big\""), alias)
        XCTAssertEqual(alias.components(separatedBy: "\"newText\"").count - 1, 2, "the alias's declaration and the role's use")
    }

    func testQuickFixesOnlyWhereTheSuggestionReplacesTheName() throws {
        let text = Self.models + "channel sec_team \"mailto:s@x\"\nalert a {\n  when prompt has pii.emial\n  severity low\n  then notify_sec_tem\n}\n"
        var (editor, uris) = try workspace(["main.pol": text], capabilities: #"{"textDocument":{"publishDiagnostics":{"relatedInformation":true}}}"#)
        let uri = uris["main.pol"]!
        _ = open(&editor, uri, text)
        let actions = editor.result("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":99,\"character\":0}},\"context\":{\"diagnostics\":[]}}")
        XCTAssertTrue(actions.contains("\"title\":\"Change to `pii.email`\""), actions)
        XCTAssertFalse(actions.contains("sec_team`\""), "no fix that would write the channel alone in place of `notify_sec_tem`: \(actions)")
    }

    func testHoverReadsTheBlockAndSkipsStrings() throws {
        let text = Self.models + "alert loud { severity low  then log_only }\nrule r {\n  when prompt has pii\n  alert loud\n  deny \"the prompt has pii\"\n}\n"
        var (editor, uris) = try workspace(["main.pol": text])
        let uri = uris["main.pol"]!
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        _ = open(&editor, uri, text)
        let ruleAlert = lines.firstIndex { $0 == "  alert loud" }!
        XCTAssertTrue(editor.result("textDocument/hover", LanguageServerSessionTests.position(uri, ruleAlert, 3)).contains(#"rule_property = … | \"alert\" NAME"#))
        let deny = lines.firstIndex { $0.hasPrefix("  deny") }!
        XCTAssertEqual(editor.result("textDocument/hover", LanguageServerSessionTests.position(uri, deny, 10)), "null", "`prompt` inside a string is text")
        XCTAssertTrue(editor.result("textDocument/hover", LanguageServerSessionTests.position(uri, deny - 2, 9)).contains("**request field** `prompt`"))
        // An editor that takes only plain text gets plain text.
        var (plain, plainURIs) = try workspace(["main.pol": text], capabilities: #"{"textDocument":{"hover":{"contentFormat":["plaintext"]}}}"#)
        _ = open(&plain, plainURIs["main.pol"]!, text)
        XCTAssertTrue(plain.result("textDocument/hover", LanguageServerSessionTests.position(plainURIs["main.pol"]!, deny - 2, 9))
            .hasPrefix(#"{"contents":{"kind":"plaintext","value":"request field `prompt`"#))
    }

    func testTheProtocolsEdges() throws {
        let bad = Self.models + "role r { models \"nope\" }\n"
        var (editor, uris) = try workspace(["main.pol": Self.models], capabilities: #"{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}}"#)
        // Initialised: the editor is asked to watch the workspace's .pol files.
        XCTAssertEqual(editor.server.handle(Array(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.utf8)).map { String(decoding: $0, as: UTF8.self) },
                       [#"{"id":"policyc-watch-pol-files","jsonrpc":"2.0","method":"client/registerCapability","params":{"registrations":[{"id":"pol-files","method":"workspace/didChangeWatchedFiles","registerOptions":{"watchers":[{"globPattern":"**/*.pol"}]}}]}}"#])
        XCTAssertTrue(editor.request("initialize", "{}").contains(#""code":-32600,"message":"the server is already initialized""#))
        let uri = uris["main.pol"]!
        _ = open(&editor, uri, bad)
        XCTAssertTrue(editor.published()[uri]?.contains("P2004") ?? false)
        // Closing a file with errors clears them: its disk text is clean.
        editor.notify("textDocument/didClose", "{\"textDocument\":{\"uri\":\"\(uri)\"}}")
        XCTAssertEqual(editor.published(), [uri: "[]"])
        // A change whose range cannot be read is skipped, not taken for the whole text.
        _ = open(&editor, uri, Self.models)
        _ = editor.published()
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(uri)\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":\"x\"}},\"text\":\"junk\"}]}")
        XCTAssertEqual(editor.server.workspace.documents.values.first?.text, Self.models)
        // Nothing is published once shut down.
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(uri)\",\"version\":3},\"contentChanges\":[{\"text\":\(LanguageServerSessionTests.json(bad))}]}")
        XCTAssertEqual(editor.result("shutdown", "null"), "null")
        XCTAssertEqual(editor.published(), [:])
        // prepareRename where there is no name: null, as the protocol says.
        var fresh = try workspace(["main.pol": Self.models]).0
        XCTAssertEqual(fresh.result("textDocument/prepareRename", LanguageServerSessionTests.position(uris["main.pol"]!, 0, 1)), "null")
    }

    /// A policy importing a FIFO (or `/dev/stdin`) gets a diagnostic, not a server blocked on a read.
    func testAnImportThatIsNotARegularFileIsRefusedNotRead() throws {
        let directory = try makeTemporaryDirectory().path
        XCTAssertEqual(mkfifo(directory + "/pipe.pol", 0o600), 0)
        let text = "policy \"p\" version 1\nimport \"pipe.pol\"\nimport \"/dev/stdin\"\n"
        var editor = Editor()
        _ = editor.request("initialize", "{\"workspaceFolders\":[{\"uri\":\"\(URL(fileURLWithPath: directory).absoluteString)\",\"name\":\"w\"}]}")
        let uri = URL(fileURLWithPath: directory + "/main.pol").absoluteString
        _ = open(&editor, uri, text)
        let published = editor.published()[uri] ?? ""
        XCTAssertEqual(published.components(separatedBy: "not a regular file").count - 1, 2, published)
    }

    /// The symbol index at every place the grammar lets a declared name be used
    /// (testdata/lsp/every-reference.pol, which uses each name in every way it can be used):
    /// each name's uses, counted by hand, and each use's text is the name (or the model's alias).
    func testTheSymbolIndexRecordsEveryKindOfUse() throws {
        let path = TestSupport.root + "/Tests/PolicyLangTests/testdata/lsp/every-reference.pol"
        let result = try Compiler.compile([path], lower: false, indexSymbols: true)
        XCTAssertEqual(result.errorCount, 0, result.diagnostics.map(\.message).joined(separator: "; "))
        let bytes = try XCTUnwrap(result.files.first).bytes
        let expected: [(SymbolIndex.Kind, String, declarations: Int, uses: Int)] = [
            (.role, "base", 1, 2),            // extends base; user.role == "base"
            (.role, "child", 1, 3),           // user.role == child; scope role "child"; test role
            (.model, "m", 2, 4),              // the id and alias "mm"; models "m", "mm"; request.model == "mm"; test model
            (.feature, "f1", 1, 3), (.feature, "f2", 1, 1),
            (.operation, "op1", 1, 4),        // requires_approval; contains; test operations and approvals
            (.incident, "leak", 2, 3),        // incidents + playbook; create_incident(leak); incident leak; test playbooks
            (.action, "page_oncall", 1, 1),
            (.patternList, "plist", 1, 5),    // block; has; redact ×2; placeholders
            (.detector, "cust", 1, 5),        // has, redact ×2, placeholders as pii.cust; test detections
            (.channel, "ops", 1, 3),          // notify(ops) ×2; notify_ops
            (.control, "C1", 1, 2),
            (.alert, "a1", 1, 4),             // rule alert ×2; high_risk_alert; test alerts
            (.alert, "a2", 1, 2),             // budget and rate limit
            (.budget, "b1", 1, 1), (.rateLimit, "rl", 1, 1),
            (.rule, "r1", 1, 0), (.rule, "r2", 1, 0), (.test, "t1", 1, 0),
        ]
        for (kind, name, declarations, uses) in expected {
            let all = result.resolved.symbols.occurrences(of: kind, name)
            XCTAssertEqual(all.filter(\.isDeclaration).count, declarations, "\(kind.rawValue) \(name) declarations")
            XCTAssertEqual(all.filter { !$0.isDeclaration }.count, uses, "\(kind.rawValue) \(name) uses")
            for occurrence in all {
                let written = String(decoding: bytes[Int(occurrence.span.start)..<Int(occurrence.span.end)], as: UTF8.self)
                XCTAssertEqual(written, occurrence.text, "\(kind.rawValue) \(name) at \(occurrence.span)")
            }
        }
        let names = Set(expected.map { "\($0.0.rawValue) \($0.1)" })
        XCTAssertEqual(result.resolved.symbols.occurrences.filter { !names.contains("\($0.kind.rawValue) \($0.name)") }.map { "\($0.kind.rawValue) \($0.name)" }, [],
                       "no occurrence of another name")
    }
}
