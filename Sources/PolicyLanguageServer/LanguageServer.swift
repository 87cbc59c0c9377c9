import PolicyLang
import PolicyRuntime

/// The language server of `policyc lsp` (issue 14): JSON-RPC messages in, replies and
/// notifications out. It holds no I/O (``LSPConnection`` does), so tests drive it in-process
/// and see exactly what an editor would.
///
/// Diagnostics are not computed per keystroke: a change marks them due, and the connection
/// publishes them (``publishDiagnostics()``) once the editor pauses — the debounce.
public struct LanguageServer: Sendable {
    /// JSON-RPC and protocol error codes the server answers with.
    public enum ErrorCode: Int, Sendable {
        /// The message is not JSON.
        case parseError = -32700
        /// The message is not a JSON-RPC request or notification.
        case invalidRequest = -32600
        /// No such method.
        case methodNotFound = -32601
        /// The parameters are not what the method takes.
        case invalidParams = -32602
        /// A request before `initialize`.
        case serverNotInitialized = -32002
        /// The request could not be carried out (for example a rename to a taken name).
        case requestFailed = -32803
    }

    /// A request's failure: its code and message.
    struct Failure: Error {
        let code: ErrorCode
        let message: String
    }

    /// Where the server is in its life cycle.
    public enum State: Sendable, Equatable {
        /// Waiting for `initialize`.
        case starting
        /// Serving.
        case running
        /// `shutdown` received; only `exit` is expected.
        case shutDown
        /// `exit` received: the process ends with this status (0 after `shutdown`, else 1).
        case exited(Int32)
    }

    /// The life-cycle state.
    public private(set) var state = State.starting
    /// The files: open buffers, workspace folders, compilations.
    public internal(set) var workspace = LSPWorkspace()
    /// Whether a change has made the published diagnostics stale.
    public private(set) var diagnosticsDue = false
    /// Files whose last published diagnostics were not empty (so a fix is published as empty).
    private var reported: Set<String> = []
    /// The server's version, in `initialize`'s `serverInfo`.
    let version: String
    /// What the editor said it supports (`initialize`'s `capabilities`).
    private(set) var client = ClientCapabilities()

    /// The parts of the editor's capabilities the server adapts to.
    struct ClientCapabilities {
        /// Diagnostics may carry related information (else `help:` joins the message).
        var relatedInformation = false
        /// Hover may be Markdown (else plain text).
        var markdownHover = true
        /// The editor watches files for the server when asked (`client/registerCapability`).
        var watchedFilesRegistration = false

        init() {}

        init(_ capabilities: JSONTree?) {
            let textDocument = capabilities?.member("textDocument")
            if case .bool(true, _)? = textDocument?.member("publishDiagnostics")?.member("relatedInformation") { relatedInformation = true }
            if case .array(let formats, _)? = textDocument?.member("hover")?.member("contentFormat") {
                markdownHover = formats.contains { if case .string("markdown", _) = $0 { return true } else { return false } }
            }
            if case .bool(true, _)? = capabilities?.member("workspace")?.member("didChangeWatchedFiles")?.member("dynamicRegistration") {
                watchedFilesRegistration = true
            }
        }
    }

    /// A server that has not been initialised; `version` is reported to the editor.
    public init(version: String) {
        self.version = version
    }

    /// Handles one message body; returns the message bodies to send (a reply to a request,
    /// nothing for most notifications). Never throws: malformed input gets an error reply.
    public mutating func handle(_ body: [UInt8]) -> [[UInt8]] {
        let message: JSONTree
        do {
            message = try JSONTree.parse(body)
        } catch {
            return [LanguageServer.errorReply(id: .null(), .parseError, "the message is not JSON: \(error.message) at byte \(error.offset)")]
        }
        guard case .object = message, let method = LSPJSON.string(message, "method") else {
            // The editor's reply to our one request (`client/registerCapability`) needs nothing.
            if message.member("id") != nil, message.member("result") != nil || message.member("error") != nil { return [] }
            return [LanguageServer.errorReply(id: message.member("id") ?? .null(), .invalidRequest, "a request needs a `method`")]
        }
        let id = message.member("id")
        let params = message.member("params")
        guard let id else {
            notify(method, params)
            // Once initialised, ask an editor that can to watch the workspace's `.pol` files, so
            // that changes made outside it reach the import graph and the compilations.
            if method == "initialized", state == .running, client.watchedFilesRegistration {
                return [JSONTree.object([
                    .init("jsonrpc", .string("2.0")), .init("id", .string("policyc-watch-pol-files")),
                    .init("method", .string("client/registerCapability")),
                    .init("params", .object([.init("registrations", .array([.object([
                        .init("id", .string("pol-files")), .init("method", .string("workspace/didChangeWatchedFiles")),
                        .init("registerOptions", .object([.init("watchers", .array([.object([.init("globPattern", .string("**/*.pol"))])]))])),
                    ])]))])),
                ]).canonicalBytes]
            }
            return []
        }
        switch reply(method, params) {
        case .success(let result):
            return [JSONTree.object([.init("jsonrpc", .string("2.0")), .init("id", id), .init("result", result)]).canonicalBytes]
        case .failure(let failure):
            return [LanguageServer.errorReply(id: id, failure.code, failure.message)]
        }
    }

    /// `textDocument/publishDiagnostics` for every open file's policies, when due.
    public mutating func publishDiagnostics() -> [[UInt8]] {
        guard diagnosticsDue, state == .running else { return [] }
        diagnosticsDue = false
        var byFile: [String: [JSONTree]] = [:]
        var seen: [String: Set<[UInt8]>] = [:]
        var seenRoots = Set<String>()
        for path in workspace.documents.keys.sorted() {
            for root in workspace.roots(of: path) where seenRoots.insert(root).inserted {
                for (file, diagnostics) in LSPWorkspace.diagnostics(of: workspace.analysis(root: root),
                                                                    relatedInformation: client.relatedInformation) {
                    // A file in two policies is reported once per distinct diagnostic.
                    byFile[file, default: []] += diagnostics.filter { seen[file, default: []].insert($0.canonicalBytes).inserted }
                }
            }
        }
        for file in reported where byFile[file] == nil { byFile[file] = [] }
        var out: [[UInt8]] = []
        for file in byFile.keys.sorted() {
            let diagnostics = byFile[file]!
            if diagnostics.isEmpty, !reported.contains(file), workspace.documents[file] == nil { continue }
            if diagnostics.isEmpty { reported.remove(file) } else { reported.insert(file) }
            out.append(LanguageServer.notification("textDocument/publishDiagnostics", LSPJSON.object([
                ("uri", .string(LSPURI.uri(for: file))),
                ("version", workspace.documents[file].map { .integer($0.version) }),
                ("diagnostics", .array(diagnostics)),
            ])))
        }
        return out
    }

    // MARK: - Notifications

    private mutating func notify(_ method: String, _ params: JSONTree?) {
        if method == "exit" {
            state = .exited(state == .shutDown ? 0 : 1)
            return
        }
        guard state == .running else { return }  // before `initialize` or after `shutdown`: dropped, as specified
        switch method {
        case "textDocument/didOpen":
            let document = params?.member("textDocument")
            guard let path = LanguageServer.path(document), let text = LSPJSON.string(document, "text") else { return }
            workspace.open(path, text: text, version: LSPJSON.integer(document, "version") ?? 0)
            diagnosticsDue = true
        case "textDocument/didChange":
            guard let path = LanguageServer.path(params?.member("textDocument")), workspace.documents[path] != nil else { return }
            let version = LSPJSON.integer(params?.member("textDocument"), "version") ?? 0
            for change in LSPJSON.array(params, "contentChanges") {
                guard let text = LSPJSON.string(change, "text") else { continue }
                if let range = change.member("range") {
                    // A range that cannot be read is skipped, not taken for a whole-text change.
                    guard let start = LSPJSON.position(range, "start"), let end = LSPJSON.position(range, "end") else { continue }
                    workspace.change(path, text, from: start, to: end, version: version)
                } else {
                    workspace.change(path, text, from: nil, to: nil, version: version)
                }
            }
            diagnosticsDue = true
        case "textDocument/didClose":
            guard let path = LanguageServer.path(params?.member("textDocument")) else { return }
            workspace.close(path)
            diagnosticsDue = true
        case "textDocument/didSave":
            workspace.filesChangedOnDisk()
            diagnosticsDue = true
        case "workspace/didChangeWatchedFiles":
            workspace.filesChangedOnDisk(created: true)
            diagnosticsDue = true
        case "workspace/didChangeWorkspaceFolders":
            let event = params?.member("event")
            var folders = Set(workspace.folders)
            for removed in LSPJSON.array(event, "removed") { if let path = LanguageServer.path(removed) { folders.remove(path) } }
            for added in LSPJSON.array(event, "added") { if let path = LanguageServer.path(added) { folders.insert(path) } }
            workspace.setFolders(folders.sorted())
            diagnosticsDue = true
        default:
            break  // `initialized`, `$/cancelRequest`, `$/setTrace` and unknown notifications need nothing
        }
    }

    // MARK: - Requests

    private mutating func reply(_ method: String, _ params: JSONTree?) -> Result<JSONTree, Failure> {
        switch state {
        case .starting where method != "initialize":
            return .failure(Failure(code: .serverNotInitialized, message: "the server is not initialized"))
        case .running where method == "initialize":
            return .failure(Failure(code: .invalidRequest, message: "the server is already initialized"))
        case .shutDown, .exited:
            return .failure(Failure(code: .invalidRequest, message: "the server is shut down"))
        default:
            break
        }
        do throws(Failure) {
            switch method {
            case "initialize": return .success(initialize(params))
            case "shutdown":
                state = .shutDown
                return .success(.null())
            case "textDocument/hover": return .success(try hover(params))
            case "textDocument/definition": return .success(try definition(params))
            case "textDocument/references": return .success(try references(params))
            case "textDocument/prepareRename": return .success(try prepareRename(params))
            case "textDocument/rename": return .success(try rename(params))
            case "textDocument/completion": return .success(try completion(params))
            case "textDocument/formatting": return .success(try formatting(params))
            case "textDocument/documentSymbol": return .success(try documentSymbols(params))
            case "textDocument/codeAction": return .success(try codeActions(params))
            default:
                return .failure(Failure(code: .methodNotFound, message: "method `\(method)` is not supported"))
            }
        } catch {
            return .failure(error)
        }
    }

    private mutating func initialize(_ params: JSONTree?) -> JSONTree {
        client = ClientCapabilities(params?.member("capabilities"))
        var folders = LSPJSON.array(params, "workspaceFolders").compactMap { LanguageServer.path($0) }
        if folders.isEmpty, let root = LSPJSON.string(params, "rootUri").flatMap(LSPURI.path(from:)) { folders = [root] }
        workspace.setFolders(folders)
        state = .running
        let capabilities = JSONTree.object([
            .init("positionEncoding", .string("utf-16")),
            .init("textDocumentSync", .object([
                .init("openClose", .bool(true)), .init("change", .integer(2)),
                .init("save", .object([.init("includeText", .bool(false))])),
            ])),
            .init("hoverProvider", .bool(true)),
            .init("definitionProvider", .bool(true)),
            .init("referencesProvider", .bool(true)),
            .init("renameProvider", .object([.init("prepareProvider", .bool(true))])),
            .init("completionProvider", .object([.init("triggerCharacters", .array([.string("."), .string("(")]))])),
            .init("documentFormattingProvider", .bool(true)),
            .init("documentSymbolProvider", .bool(true)),
            .init("codeActionProvider", .object([.init("codeActionKinds", .array([.string("quickfix")]))])),
            .init("workspace", .object([.init("workspaceFolders", .object([
                .init("supported", .bool(true)), .init("changeNotifications", .bool(true)),
            ]))])),
        ])
        return .object([
            .init("capabilities", capabilities),
            .init("serverInfo", .object([.init("name", .string("policyc")), .init("version", .string(version))])),
        ])
    }

    // MARK: - Shared

    /// The document and cursor of a `TextDocumentPositionParams`.
    struct Cursor {
        /// The file (absolute).
        let path: String
        /// The cursor's byte offset in the file as compiled.
        let offset: UInt32
        /// The policies the file is part of.
        let analyses: [LSPAnalysis]
    }

    /// Reads `textDocument` and `position`, compiling what is needed.
    mutating func cursor(_ params: JSONTree?) throws(Failure) -> Cursor {
        guard let path = LanguageServer.path(params?.member("textDocument")) else {
            throw Failure(code: .invalidParams, message: "`textDocument.uri` must be a file: URI")
        }
        guard let position = LSPJSON.position(params, "position") else {
            throw Failure(code: .invalidParams, message: "`position` must have whole-number `line` and `character`")
        }
        let analyses = workspace.analyses(for: path)
        let offset = analyses.lazy.compactMap { $0.offset(path, position) }.first ?? 0
        return Cursor(path: path, offset: offset, analyses: analyses)
    }

    /// The path of an object's `uri` member (a `file:` URI), absolute and standardized.
    static func path(_ tree: JSONTree?) -> String? {
        LSPJSON.string(tree, "uri").flatMap(LSPURI.path(from:)).map(LSPWorkspace.absolute)
    }

    /// A notification message body.
    static func notification(_ method: String, _ params: JSONTree) -> [UInt8] {
        JSONTree.object([.init("jsonrpc", .string("2.0")), .init("method", .string(method)), .init("params", params)]).canonicalBytes
    }

    /// An error reply's body.
    static func errorReply(id: JSONTree, _ code: ErrorCode, _ message: String) -> [UInt8] {
        JSONTree.object([
            .init("jsonrpc", .string("2.0")), .init("id", id),
            .init("error", .object([.init("code", .integer(code.rawValue)), .init("message", .string(message))])),
        ]).canonicalBytes
    }
}
