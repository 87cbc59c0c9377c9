import Foundation
import PolicyLang
import PolicyLanguageServer
import PolicyRuntime
import XCTest

/// The language server driven as an editor drives it (issue 14): a scripted session through the
/// server in-process, every reply compared byte for byte (the server writes JSON in RFC 8785's
/// form, keys sorted, so equal replies are equal bytes), then `policyc lsp` over a pipe.
final class LanguageServerSessionTests: XCTestCase {
    /// An in-process editor: sends messages, collects replies and notifications.
    struct Editor {
        var server = LanguageServer(version: "test")
        var nextID = 1

        /// Sends a request and returns its reply.
        mutating func request(_ method: String, _ params: String) -> String {
            let id = nextID
            nextID += 1
            let replies = server.handle(Array("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}".utf8))
            XCTAssertEqual(replies.count, 1, method)
            return replies.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }

        /// A request's `result`, as JSON text, or the error reply when it failed.
        mutating func result(_ method: String, _ params: String) -> String {
            let reply = request(method, params)
            let prefix = "{\"id\":\(nextID - 1),\"jsonrpc\":\"2.0\",\"result\":"
            guard reply.hasPrefix(prefix), reply.hasSuffix("}") else { return reply }
            return String(reply.dropFirst(prefix.count).dropLast())
        }

        /// Sends a notification; returns what the server sent back (nothing, for these).
        mutating func notify(_ method: String, _ params: String) {
            let replies = server.handle(Array("{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"params\":\(params)}".utf8))
            XCTAssertEqual(replies.count, 0, method)
        }

        /// The diagnostics published now (the debounce's moment), as `uri → diagnostics JSON`.
        mutating func published() -> [String: String] {
            var out: [String: String] = [:]
            for body in server.publishDiagnostics() {
                let tree = try! JSONTree.parse(body)
                var uri = ""
                var diagnostics: [UInt8] = []
                if case .object(let members, _) = tree, let params = members.first(where: { $0.key == "params" })?.value,
                   case .object(let fields, _) = params {
                    for field in fields {
                        if field.key == "uri", case .string(let text, _) = field.value { uri = text }
                        if field.key == "diagnostics" { field.value.writeCanonical(into: &diagnostics) }
                    }
                }
                out[uri] = String(decoding: diagnostics, as: UTF8.self)
            }
            return out
        }
    }

    static let root = """
        policy "acme" version 1

        import "shared.pol"

        features ask_mode, agent_mode
        operations deploy

        role developer {
          models "claude-3-opus"
          features ask_mode
        }

        role contractor extends developer {
          block internal_terms
          requires_approval deploy
        }

        rule contractors_no_agent {
          when user.role == contractor and request.feature == agent_mode
          deny "contractors may not use agent mode"
        }

        """

    static let shared = """
        policy "shared" version 1

        model "claude-3-opus" {
          provider anthropic
          context  200k
          price    input $0.015 per 1k, output $0.075 per 1k
        }

        patterns internal_terms { "project-x", "acme-secret" }

        """

    /// A workspace of two files on disk, the editor initialised on it.
    func openWorkspace() throws -> (editor: Editor, rootURI: String, sharedURI: String) {
        let directory = try makeTemporaryDirectory().path
        try Data(Self.root.utf8).write(to: URL(fileURLWithPath: directory + "/root.pol"))
        try Data(Self.shared.utf8).write(to: URL(fileURLWithPath: directory + "/shared.pol"))
        var editor = Editor()
        let folder = URL(fileURLWithPath: directory).absoluteString
        let reply = editor.request("initialize", "{\"processId\":null,\"workspaceFolders\":[{\"uri\":\"\(folder)\",\"name\":\"w\"}],\"capabilities\":{\"textDocument\":{\"publishDiagnostics\":{\"relatedInformation\":true}}}}")
        XCTAssertEqual(reply, #"{"id":1,"jsonrpc":"2.0","result":{"capabilities":{"codeActionProvider":{"codeActionKinds":["quickfix"]},"completionProvider":{"triggerCharacters":[".","("]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true,"save":{"includeText":false}},"workspace":{"workspaceFolders":{"changeNotifications":true,"supported":true}}},"serverInfo":{"name":"policyc","version":"test"}}}"#)
        editor.notify("initialized", "{}")
        return (editor, URL(fileURLWithPath: directory + "/root.pol").absoluteString, URL(fileURLWithPath: directory + "/shared.pol").absoluteString)
    }

    static func json(_ text: String) -> String {
        var out: [UInt8] = []
        JSONTree.string(text).writeCanonical(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func position(_ uri: String, _ line: Int, _ character: Int) -> String {
        "{\"textDocument\":{\"uri\":\"\(uri)\"},\"position\":{\"line\":\(line),\"character\":\(character)}}"
    }

    func testAScriptedEditingSession() throws {
        var (editor, rootURI, sharedURI) = try openWorkspace()

        // Open: clean, so the open file gets an empty report and the clean import none.
        editor.notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"languageId\":\"pol\",\"version\":1,\"text\":\(Self.json(Self.root))}}")
        XCTAssertEqual(editor.published(), [rootURI: "[]"])
        XCTAssertEqual(editor.published(), [:], "nothing changed, nothing published")

        // Edit into an error: `"claude-3-opus"` (line 8) gets an extra `s`, incrementally.
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":8,\"character\":23},\"end\":{\"line\":8,\"character\":23}},\"text\":\"s\"}]}")
        // The role that extends it now grants no model either: a warning on it.
        let range = #"{"end":{"character":25,"line":8},"start":{"character":9,"line":8}}"#
        let contractor = #"{"end":{"character":15,"line":12},"start":{"character":5,"line":12}}"#
        XCTAssertEqual(editor.published(), [rootURI: #"[{"code":"P2004","message":"unknown model `claude-3-opuss`","range":"# + range + #","relatedInformation":[{"location":{"range":"# + range + #","uri":""# + rootURI + #""},"message":"help: did you mean `claude-3-opus`?"}],"severity":1,"source":"policyc"},{"code":"P3004","message":"role `contractor` grants no model, so every request with it is denied","range":"# + contractor + #","relatedInformation":[{"location":{"range":"# + contractor + #","uri":""# + rootURI + #""},"message":"help: add `models \"…\"` or remove the role"}],"severity":2,"source":"policyc"}]"#])

        // The quick fix for it.
        let fix = editor.result("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"range\":{\"start\":{\"line\":8,\"character\":12},\"end\":{\"line\":8,\"character\":12}},\"context\":{\"diagnostics\":[]}}")
        XCTAssertEqual(fix, #"[{"diagnostics":[{"code":"P2004","message":"unknown model `claude-3-opuss`","range":"# + range + #","relatedInformation":[{"location":{"range":"# + range + #","uri":""# + rootURI + #""},"message":"help: did you mean `claude-3-opus`?"}],"severity":1,"source":"policyc"}],"edit":{"changes":{""# + rootURI + #"":[{"newText":"\"claude-3-opus\"","range":"# + range + #"}]}},"isPreferred":true,"kind":"quickfix","title":"Change to `claude-3-opus`"}]"#)

        // Out of it again, by applying the fix's edit: the error is cleared.
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":3},\"contentChanges\":[{\"range\":\(range),\"text\":\"\\\"claude-3-opus\\\"\"}]}")
        XCTAssertEqual(editor.published(), [rootURI: "[]"])

        // Hover on `contractor` (line 12): inheritance flattened, the pattern list expanded.
        XCTAssertEqual(editor.result("textDocument/hover", Self.position(rootURI, 12, 7)),
                       #"{"contents":{"kind":"markdown","value":"**role** `contractor` extends `developer`\n\n- models: `claude-3-opus`\n- features: `ask_mode`\n- max context: no limit\n- audit: the policy's default level\n- requires approval for: `deploy`\n- blocked patterns: `project-x` (internal_terms), `acme-secret` (internal_terms)\n\nInherited grants included.\n\nDeclared at root.pol:13:6."},"range":{"end":{"character":15,"line":12},"start":{"character":5,"line":12}}}"#)
        // Hover on the model, in the importing file: provider, window, prices.
        XCTAssertEqual(editor.result("textDocument/hover", Self.position(rootURI, 8, 14)),
                       #"{"contents":{"kind":"markdown","value":"**model** `claude-3-opus`\n\n- provider: `anthropic`\n- context window: 200,000 tokens\n- input: $0.015 per 1k tokens\n- output: $0.075 per 1k tokens\n\nDeclared at shared.pol:3:8."},"range":{"end":{"character":23,"line":8},"start":{"character":10,"line":8}}}"#)
        // Hover on a keyword: its line of grammar.md.
        XCTAssertEqual(editor.result("textDocument/hover", Self.position(rootURI, 14, 4)),
                       #"{"contents":{"kind":"markdown","value":"**keyword** `requires_approval`\n\n```ebnf\nrole_property = … | \"requires_approval\" NAME { \",\" NAME }\n```"},"range":{"end":{"character":19,"line":14},"start":{"character":2,"line":14}}}"#)

        // Definition across the import: the pattern list and the model are in shared.pol.
        XCTAssertEqual(editor.result("textDocument/definition", Self.position(rootURI, 13, 10)),
                       #"[{"range":{"end":{"character":23,"line":8},"start":{"character":9,"line":8}},"uri":""# + sharedURI + #""}]"#)
        XCTAssertEqual(editor.result("textDocument/definition", Self.position(rootURI, 8, 12)),
                       #"[{"range":{"end":{"character":20,"line":2},"start":{"character":7,"line":2}},"uri":""# + sharedURI + #""}]"#)
        // On the import line: the file.
        XCTAssertEqual(editor.result("textDocument/definition", Self.position(rootURI, 2, 10)),
                       #"[{"range":{"end":{"character":0,"line":0},"start":{"character":0,"line":0}},"uri":""# + sharedURI + #""}]"#)

        // References of `contractor`: the declaration and the condition's use.
        XCTAssertEqual(editor.result("textDocument/references", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"position\":{\"line\":18,\"character\":22},\"context\":{\"includeDeclaration\":true}}"),
                       #"[{"range":{"end":{"character":15,"line":12},"start":{"character":5,"line":12}},"uri":""# + rootURI + #""},{"range":{"end":{"character":30,"line":18},"start":{"character":20,"line":18}},"uri":""# + rootURI + #""}]"#)

        // Completion: a feature where a role's features are listed; units after a number.
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":4},\"contentChanges\":[{\"range\":{\"start\":{\"line\":9,\"character\":19},\"end\":{\"line\":9,\"character\":19}},\"text\":\", a\"}]}")
        XCTAssertEqual(editor.result("textDocument/completion", Self.position(rootURI, 9, 22)),
                       #"[{"detail":"feature","kind":20,"label":"ask_mode","textEdit":{"newText":"ask_mode","range":{"end":{"character":22,"line":9},"start":{"character":21,"line":9}}}},{"detail":"feature","kind":20,"label":"agent_mode","textEdit":{"newText":"agent_mode","range":{"end":{"character":22,"line":9},"start":{"character":21,"line":9}}}}]"#)
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":5},\"contentChanges\":[{\"range\":{\"start\":{\"line\":9,\"character\":19},\"end\":{\"line\":9,\"character\":22}},\"text\":\"\\n  max_context 20\"}]}")
        let units = editor.result("textDocument/completion", Self.position(rootURI, 10, 16))
        XCTAssertTrue(units.hasPrefix(#"[{"detail":"thousand","kind":11,"label":"20k","textEdit":{"newText":"20k","range":{"end":{"character":16,"line":10},"start":{"character":14,"line":10}}}},{"detail":"million","kind":11,"label":"20M""#), units)
        // At the start of a property: the role's properties, from the grammar's table.
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":6},\"contentChanges\":[{\"range\":{\"start\":{\"line\":10,\"character\":2},\"end\":{\"line\":10,\"character\":16}},\"text\":\"re\"}]}")
        XCTAssertEqual(editor.result("textDocument/completion", Self.position(rootURI, 10, 4)),
                       #"[{"detail":"property of role","kind":14,"label":"requires_approval","textEdit":{"newText":"requires_approval","range":{"end":{"character":4,"line":10},"start":{"character":2,"line":10}}}}]"#)
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":7},\"contentChanges\":[{\"text\":\(Self.json(Self.root))}]}")
        XCTAssertEqual(editor.published(), [rootURI: "[]"])

        // Rename `developer` everywhere it is written; a taken name is refused.
        XCTAssertEqual(editor.result("textDocument/prepareRename", Self.position(rootURI, 7, 6)),
                       #"{"placeholder":"developer","range":{"end":{"character":14,"line":7},"start":{"character":5,"line":7}}}"#)
        XCTAssertEqual(editor.result("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"position\":{\"line\":12,\"character\":27},\"newName\":\"engineer\"}"),
                       #"{"changes":{""# + rootURI + #"":[{"newText":"engineer","range":{"end":{"character":14,"line":7},"start":{"character":5,"line":7}}},{"newText":"engineer","range":{"end":{"character":33,"line":12},"start":{"character":24,"line":12}}}]}}"#)
        XCTAssertTrue(editor.request("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"position\":{\"line\":7,\"character\":6},\"newName\":\"contractor\"}")
            .contains(#""code":-32803,"message":"role `contractor` already exists"#))
        XCTAssertTrue(editor.request("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"position\":{\"line\":7,\"character\":6},\"newName\":\"9lives\"}")
            .contains(#""code":-32803,"message":"`9lives` is not a name"#))
        // The pattern list renamed from its use: the declaration in the import changes too.
        XCTAssertEqual(editor.result("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"position\":{\"line\":13,\"character\":10},\"newName\":\"secrets\"}"),
                       #"{"changes":{""# + rootURI + #"":[{"newText":"secrets","range":{"end":{"character":22,"line":13},"start":{"character":8,"line":13}}}],""# + sharedURI + #"":[{"newText":"secrets","range":{"end":{"character":23,"line":8},"start":{"character":9,"line":8}}}]}}"#)

        // Format: a badly laid out buffer becomes the formatter's layout, in one edit.
        let messy = "policy \"acme\" version 1\nimport \"shared.pol\"\nfeatures ask_mode\nrole developer{models \"claude-3-opus\"\n features ask_mode}\n"
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":8},\"contentChanges\":[{\"text\":\(Self.json(messy))}]}")
        let canonical = try SourceFormatter.format(SourceFile(path: "x.pol", text: messy))
        XCTAssertEqual(canonical, "policy \"acme\" version 1\nimport \"shared.pol\"\nfeatures ask_mode\n\nrole developer {\n  models    \"claude-3-opus\"\n  features  ask_mode\n}\n")
        XCTAssertEqual(editor.result("textDocument/formatting", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"options\":{\"tabSize\":2,\"insertSpaces\":true}}"),
                       #"[{"newText":"# + Self.json(canonical) + #","range":{"end":{"character":0,"line":5},"start":{"character":0,"line":0}}}]"#)
        editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(rootURI)\",\"version\":9},\"contentChanges\":[{\"text\":\(Self.json(canonical))}]}")
        XCTAssertEqual(editor.result("textDocument/formatting", "{\"textDocument\":{\"uri\":\"\(rootURI)\"},\"options\":{}}"), "[]", "already canonical")

        // The outline.
        XCTAssertEqual(editor.result("textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\"\(rootURI)\"}}"),
                       #"[{"detail":"policy","kind":2,"name":"acme","range":{"end":{"character":23,"line":0},"start":{"character":0,"line":0}},"selectionRange":{"end":{"character":13,"line":0},"start":{"character":7,"line":0}}},{"children":[{"detail":"feature","kind":22,"name":"ask_mode","range":{"end":{"character":17,"line":2},"start":{"character":9,"line":2}},"selectionRange":{"end":{"character":17,"line":2},"start":{"character":9,"line":2}}}],"detail":"","kind":10,"name":"features","range":{"end":{"character":17,"line":2},"start":{"character":0,"line":2}},"selectionRange":{"end":{"character":17,"line":2},"start":{"character":0,"line":2}}},{"detail":"role","kind":5,"name":"developer","range":{"end":{"character":1,"line":7},"start":{"character":0,"line":4}},"selectionRange":{"end":{"character":14,"line":4},"start":{"character":5,"line":4}}}]"#)

        // Closing the file: its report is cleared; the disk's text counts again.
        editor.notify("textDocument/didClose", "{\"textDocument\":{\"uri\":\"\(rootURI)\"}}")
        XCTAssertEqual(editor.published(), [:], "the file was clean when closed")
        XCTAssertEqual(editor.result("shutdown", "null"), "null")
        XCTAssertTrue(editor.request("textDocument/hover", Self.position(rootURI, 0, 0)).contains(#""code":-32600"#), "requests after shutdown are invalid")
        editor.notify("exit", "null")
        XCTAssertEqual(editor.server.state, .exited(0))
    }
}
