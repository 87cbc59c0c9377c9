import Foundation
import PolicyLang
import PolicyLanguageServer
import PolicyRuntime
import XCTest

/// The language server against what editors and authors really send: the protocol's life cycle
/// and malformed messages, every example renamed name by name, half-typed files, and
/// `policyc lsp` over a pipe.
final class LanguageServerRobustnessTests: XCTestCase {
    typealias Editor = LanguageServerSessionTests.Editor

    func testTheLifeCycleAndMalformedMessages() {
        var editor = Editor()
        XCTAssertEqual(editor.request("textDocument/hover", "{}"),
                       #"{"error":{"code":-32002,"message":"the server is not initialized"},"id":1,"jsonrpc":"2.0"}"#)
        editor.notify("textDocument/didOpen", #"{"textDocument":{"uri":"file:///x.pol","languageId":"pol","version":1,"text":"x"}}"#)
        XCTAssertTrue(editor.server.workspace.documents.isEmpty, "a notification before initialize is dropped")
        XCTAssertTrue(editor.request("initialize", "{\"rootUri\":null}").contains("\"capabilities\""))
        XCTAssertEqual(editor.request("workspace/symbol", "{\"query\":\"\"}"),
                       #"{"error":{"code":-32601,"message":"method `workspace/symbol` is not supported"},"id":3,"jsonrpc":"2.0"}"#)
        XCTAssertEqual(editor.request("textDocument/hover", #"{"textDocument":{"uri":"file:///x.pol"}}"#),
                       #"{"error":{"code":-32602,"message":"`position` must have whole-number `line` and `character`"},"id":4,"jsonrpc":"2.0"}"#)
        XCTAssertEqual(editor.request("textDocument/definition", #"{"textDocument":{"uri":"untitled:1"},"position":{"line":0,"character":0}}"#),
                       #"{"error":{"code":-32602,"message":"`textDocument.uri` must be a file: URI"},"id":5,"jsonrpc":"2.0"}"#)
        // Not JSON, not a request, an unknown notification, a reply to nothing.
        XCTAssertEqual(editor.server.handle(Array("{\"jsonrpc\":".utf8)).map { String(decoding: $0, as: UTF8.self) },
                       [#"{"error":{"code":-32700,"message":"the message is not JSON: expected a value, found the end of the input at byte 11"},"id":null,"jsonrpc":"2.0"}"#])
        XCTAssertEqual(editor.server.handle(Array(#"{"jsonrpc":"2.0","id":9}"#.utf8)).map { String(decoding: $0, as: UTF8.self) },
                       [#"{"error":{"code":-32600,"message":"a request needs a `method`"},"id":9,"jsonrpc":"2.0"}"#])
        editor.notify("$/setTrace", #"{"value":"off"}"#)
        editor.notify("custom/notification", "{}")
        XCTAssertTrue(editor.server.handle(Array(#"{"jsonrpc":"2.0","id":7,"result":null}"#.utf8)).isEmpty)
        // `exit` without `shutdown`: status 1.
        editor.notify("exit", "null")
        XCTAssertEqual(editor.server.state, .exited(1))
    }

    /// Every name every example declares, renamed through the server and the edits applied:
    /// the policy still compiles without errors and the new name is in the compiled document.
    /// A use the symbol index missed would be left behind and fail as an unknown name.
    func testRenamingEachDeclaredNameOfTheExamplesKeepsThemCompiling() throws {
        let examples = TestSupport.root + "/examples"
        let paths = TestSupport.polFiles(in: "examples").map { TestSupport.root + "/" + $0 }
        var texts: [String: String] = [:]
        for path in paths { texts[path] = try String(contentsOfFile: path, encoding: .utf8) }
        var editor = Editor()
        _ = editor.request("initialize", "{\"workspaceFolders\":[{\"uri\":\"\(URL(fileURLWithPath: examples).absoluteString)\",\"name\":\"e\"}]}")
        var renamed = 0
        for root in paths {
            let result = try Compiler.compile([root], reader: MemorySourceReader(texts), lower: false, indexSymbols: true)
            XCTAssertEqual(result.errorCount, 0, root)
            var done = Set<String>()
            for occurrence in result.resolved.symbols.occurrences where occurrence.isDeclaration && occurrence.text == occurrence.name {
                guard done.insert("\(occurrence.kind.rawValue) \(occurrence.name)").inserted else { continue }
                let document = LSPTextDocument(text: texts[occurrence.path]!, version: 0)
                let at = document.position(of: Int(occurrence.span.start) + 1)
                let newName = [.model, .control].contains(occurrence.kind) ? "renamed \(renamed)" : "renamed_\(renamed)"
                let reply = editor.result("textDocument/rename", "{\"textDocument\":{\"uri\":\"\(LSPURI.uri(for: occurrence.path))\"},"
                                          + "\"position\":{\"line\":\(at.line),\"character\":\(at.character)},\"newName\":\"\(newName)\"}")
                if occurrence.kind == .incident, Vocabulary.builtinIncidentTypes.contains(occurrence.name) {
                    // A playbook of a built-in incident type: the name is the language's.
                    XCTAssertTrue(reply.contains("`\(occurrence.name)` is built in and cannot be renamed"), reply)
                    continue
                }
                let edited = try apply(reply, to: texts)
                let after = try Compiler.compile([root], reader: MemorySourceReader(edited), lower: true)
                XCTAssertEqual(after.errorCount, 0, "renaming \(occurrence.kind.rawValue) `\(occurrence.name)` in \(root): "
                               + after.diagnostics.map(\.message).joined(separator: "; "))
                if let policy = after.policy {
                    let text = String(decoding: policy.canonicalJSON(), as: UTF8.self)
                    XCTAssertTrue(text.contains(newName) || [.test, .feature, .operation, .action].contains(occurrence.kind) && !text.contains("\"\(occurrence.name)\""),
                                  "\(occurrence.kind.rawValue) `\(occurrence.name)` renamed to `\(newName)` is in the compiled policy")
                }
                renamed += 1
            }
        }
        XCTAssertGreaterThan(renamed, 150, "the examples declare many names of every kind")
    }

    /// Applies a `WorkspaceEdit`'s `changes` to the texts.
    private func apply(_ workspaceEdit: String, to texts: [String: String]) throws -> [String: String] {
        let tree = try JSONTree.parse(Array(workspaceEdit.utf8))
        guard case .object(let changes, _)? = tree.member("changes") else {
            XCTFail("not a workspace edit: \(workspaceEdit)")
            return texts
        }
        var out = texts
        for change in changes {
            let path = try XCTUnwrap(LSPURI.path(from: change.key))
            var document = LSPTextDocument(text: try XCTUnwrap(out[path], path), version: 0)
            guard case .array(let edits, _) = change.value else { continue }
            // Last first, so earlier ranges stay valid.
            let sorted = edits.sorted { position($0, "start").map { [$0.line, $0.character] }!.lexicographicallyPrecedes(position($1, "start").map { [$0.line, $0.character] }!) == false }
            for edit in sorted {
                guard case .string(let text, _)? = edit.member("newText") else { continue }
                document.apply(text, from: position(edit, "start"), to: position(edit, "end"), version: 0)
            }
            out[path] = document.text
        }
        return out
    }

    private func position(_ edit: JSONTree, _ end: String) -> LSPTextDocument.Position? {
        guard let point = edit.member("range")?.member(end), let line = point.member("line")?.integerValue,
              let character = point.member("character")?.integerValue else { return nil }
        return LSPTextDocument.Position(line: line, character: character)
    }

    /// Every prefix of the largest example (a file being typed from the top), every 61 bytes,
    /// with every kind of request at several places: each gets a reply, none crashes.
    func testHalfTypedFilesNeverCrashTheServer() throws {
        let path = TestSupport.root + "/examples/enterprise.pol"
        let text = Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
        let uri = "file:///tmp/policyc-half-typed/enterprise.pol"
        var editor = Editor()
        _ = editor.request("initialize", "{}")
        editor.notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"\(uri)\",\"languageId\":\"pol\",\"version\":1,\"text\":\"\"}}")
        var requests = 0
        for (version, end) in stride(from: 0, through: text.count, by: 61).enumerated() {
            let prefix = String(decoding: text[..<end], as: UTF8.self)
            editor.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"\(uri)\",\"version\":\(version + 2)},\"contentChanges\":[{\"text\":\(LanguageServerSessionTests.json(prefix))}]}")
            _ = editor.published()
            let document = LSPTextDocument(text: prefix, version: 0)
            for offset in [0, end / 3, end / 2, max(0, end - 1), end] {
                let at = document.position(of: offset)
                let position = LanguageServerSessionTests.position(uri, at.line, at.character)
                for method in ["textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/prepareRename"] {
                    let reply = editor.request(method, position)
                    XCTAssertTrue(reply.hasPrefix("{\"") && reply.contains("\"id\":"), "\(method) at \(end):\(offset): \(reply)")
                    requests += 1
                }
                _ = editor.request("textDocument/references", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"position\":{\"line\":\(at.line),\"character\":\(at.character)},\"context\":{\"includeDeclaration\":true}}")
            }
            // The outline's invariant, which VS Code enforces: a selection range inside its range,
            // children inside their parent.
            let outline = try JSONTree.parse(Array(editor.result("textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\"\(uri)\"}}").utf8))
            assertNested(outline, inside: nil, "prefix of \(end) bytes")
            _ = editor.request("textDocument/formatting", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"options\":{}}")
            _ = editor.request("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":999,\"character\":0}},\"context\":{\"diagnostics\":[]}}")
        }
        XCTAssertGreaterThan(requests, 1_000)
    }

    /// Checks that every symbol's selection range is inside its range and its children inside it.
    private func assertNested(_ symbols: JSONTree, inside parent: (Int, Int, Int, Int)?, _ what: String) {
        func bounds(_ range: JSONTree?) -> (Int, Int, Int, Int)? {
            guard let start = range?.member("start"), let end = range?.member("end"), let a = start.member("line")?.integerValue,
                  let b = start.member("character")?.integerValue, let c = end.member("line")?.integerValue,
                  let d = end.member("character")?.integerValue else { return nil }
            return (a, b, c, d)
        }
        func contains(_ outer: (Int, Int, Int, Int), _ inner: (Int, Int, Int, Int)) -> Bool {
            (outer.0, outer.1) <= (inner.0, inner.1) && (inner.2, inner.3) <= (outer.2, outer.3)
        }
        guard case .array(let items, _) = symbols else { return XCTFail("\(what): not a list") }
        for item in items {
            guard let range = bounds(item.member("range")), let selection = bounds(item.member("selectionRange")) else {
                return XCTFail("\(what): a symbol without ranges")
            }
            XCTAssertTrue(contains(range, selection), "\(what): selectionRange outside range")
            if let parent { XCTAssertTrue(contains(parent, range), "\(what): a child outside its parent") }
            if let children = item.member("children") { assertNested(children, inside: range, what) }
        }
    }

    /// `policyc lsp` over a pipe, as an editor starts it: framed replies, diagnostics pushed,
    /// and the exit statuses the protocol prescribes.
    func testPolicycLspOverAPipe() throws {
        let executable = try XCTUnwrap(CLITests.executable, "policyc was not built")
        func run(_ messages: [String], expectingStatus status: Int32) throws {
            let (process, input, output) = try CLITests.coprocess(["lsp", "--stdio"])
            for message in messages { input.write(Data(LSPMessageReader.frame(Array(message.utf8)))) }
            try input.close()
            _ = output.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, status, messages.last ?? "")
        }
        // An editor's session: it waits for the diagnostics before shutting down.
        let (process, input, output) = try CLITests.coprocess(["lsp", "--stdio"])
        var reader = LSPMessageReader()
        func send(_ message: String) { input.write(Data(LSPMessageReader.frame(Array(message.utf8)))) }
        func receive() throws -> String {
            while true {
                if let body = try reader.next() { return String(decoding: body, as: UTF8.self) }
                let data = output.availableData
                guard !data.isEmpty else { return "" }
                reader.append(data)
            }
        }
        let text = LanguageServerSessionTests.json("policy \"p\" version 1\nrole r { models \"nope\" }\n")
        send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)
        XCTAssertTrue(try receive().hasPrefix(#"{"id":1,"jsonrpc":"2.0","result":{"capabilities":"#))
        send(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        send(#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/policyc-lsp-pipe/a.pol","languageId":"pol","version":1,"text":"# + text + "}}}")
        let published = try receive()
        XCTAssertTrue(published.hasPrefix(#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"P2004","message":"unknown model `nope`\nhelp: declare it"#), published)
        send(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)
        XCTAssertEqual(try receive(), #"{"id":2,"jsonrpc":"2.0","result":null}"#)
        send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try receive(), "", "nothing after the reply to shutdown")

        // `exit` without `shutdown`, input that ends without `exit`, and broken framing: status 1.
        try run([#"{"jsonrpc":"2.0","method":"exit"}"#], expectingStatus: 1)
        try run([#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#], expectingStatus: 1)
        let broken = Process()
        broken.executableURL = executable
        broken.arguments = ["lsp"]
        let brokenInput = Pipe()
        broken.standardInput = brokenInput
        broken.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        broken.standardError = errors
        try broken.run()
        brokenInput.fileHandleForWriting.write(Data("Content-Length: nine\r\n\r\n".utf8))
        broken.waitUntilExit()
        XCTAssertEqual(broken.terminationStatus, 1)
        XCTAssertEqual(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                       "policyc lsp: Content-Length must be given once, as a decimal number\n")
    }
}
