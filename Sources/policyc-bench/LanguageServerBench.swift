import Foundation
import PolicyLanguageServer

/// `policyc-bench lsp [--roles N] [--edits K]`: the language server's time from a one-character
/// `didChange` to its `publishDiagnostics` (issue 14: under 20 ms for examples/enterprise.pol and
/// its imports, under 200 ms for the 10,000-role policy). The server runs in-process, exactly
/// as `policyc lsp` runs it minus the pipe; each edit alternately types a character into the
/// first model a role names and deletes it, so every other check reports an unknown model and
/// the next clears it.
func runLanguageServerBench(_ arguments: [String]) {
    var roles = 10_000
    var edits = 40
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--roles": roles = Int(rest.popFirst() ?? "") ?? roles
        case "--edits": edits = Int(rest.popFirst() ?? "") ?? edits
        default: fail("lsp: unknown argument `\(argument)`")
        }
    }
    let examples = FileManager.default.currentDirectoryPath + "/examples"
    guard let enterprise = try? String(contentsOfFile: examples + "/enterprise.pol", encoding: .utf8) else {
        fail("lsp: run from the package root (examples/enterprise.pol not found)")
    }
    let generatedDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("policyc-bench-lsp-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: generatedDirectory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: generatedDirectory) }
    let generated = generatedDirectory + "/roles.pol"
    let generatedText = generatePolicy(roles: roles)
    try? Data(generatedText.utf8).write(to: URL(fileURLWithPath: generated))

    let policyc = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("policyc").path
    print("language server: didChange → publishDiagnostics, \(edits) one-character edits each, medians and worst")
    for (label, folder, path, text) in [("examples/enterprise.pol + 3 imports", examples, examples + "/enterprise.pol", enterprise),
                                        ("generated \(roles)-role policy", generatedDirectory, generated, generatedText)] {
        var transports: [(String, LanguageServerTransport)] = [("in-process", InProcessServer())]
        if FileManager.default.isExecutableFile(atPath: policyc) { transports.append(("policyc lsp over pipes", PipedServer(policyc))) }
        for (name, transport) in transports {
            measureEdits(label + ", " + name, transport, folder: folder, path: path, text: text, edits: edits)
        }
    }
}

/// Opens `path` in a server, then times `edits` one-character edits from `didChange` to the
/// `publishDiagnostics` that answers it.
private func measureEdits(_ label: String, _ server: LanguageServerTransport, folder: String, path: String, text: String, edits: Int) {
    let uri = URL(fileURLWithPath: path).absoluteString
    server.send(message(1, "initialize", "{\"workspaceFolders\":[{\"uri\":\"\(URL(fileURLWithPath: folder).absoluteString)\",\"name\":\"w\"}]}"))
    _ = server.receive { $0.contains("\"id\":1") }
    server.send(message(nil, "initialized", "{}"))
    let open = DispatchTime.now().uptimeNanoseconds
    server.send(message(nil, "textDocument/didOpen",
                        "{\"textDocument\":{\"uri\":\"\(uri)\",\"languageId\":\"pol\",\"version\":1,\"text\":\(jsonString(text))}}"))
    _ = server.receive { $0.contains("publishDiagnostics") && $0.contains("\"version\":1") }
    let openMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - open) / 1e6
    // The first `models "…"` line: the character goes just inside the opening quote (the
    // files are ASCII there, so bytes are UTF-16 columns).
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let line = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("models ") }),
          let quote = lines[line].firstIndex(of: "\"") else { fail("lsp: no `models \"…\"` line in \(path)") }
    let column = lines[line].distance(from: lines[line].startIndex, to: quote) + 1
    var samples: [Double] = []
    var followUps: [Double] = []
    var errorsSeen = 0
    for edit in 0..<edits {
        let typing = edit % 2 == 0
        let version = edit + 2
        let range = "{\"start\":{\"line\":\(line),\"character\":\(column)},\"end\":{\"line\":\(line),\"character\":\(column + (typing ? 0 : 1))}}"
        let change = message(nil, "textDocument/didChange",
                             "{\"textDocument\":{\"uri\":\"\(uri)\",\"version\":\(version)},\"contentChanges\":[{\"range\":\(range),\"text\":\"\(typing ? "x" : "")\"}]}")
        let start = DispatchTime.now().uptimeNanoseconds
        server.send(change)
        let published = server.receive { $0.contains("publishDiagnostics") && $0.contains("\"version\":\(version)}") }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        if published.contains("\"severity\":1") { errorsSeen += 1 }
        // What VS Code asks after each edit: the outline and the quick fixes at the cursor.
        let followUp = DispatchTime.now().uptimeNanoseconds
        server.send(message(1_000 + edit * 2, "textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\"\(uri)\"}}"))
        _ = server.receive { $0.contains("\"id\":\(1_000 + edit * 2),") }
        server.send(message(1_001 + edit * 2, "textDocument/codeAction", "{\"textDocument\":{\"uri\":\"\(uri)\"},\"range\":\(range),\"context\":{\"diagnostics\":[]}}"))
        _ = server.receive { $0.contains("\"id\":\(1_001 + edit * 2),") }
        followUps.append(Double(DispatchTime.now().uptimeNanoseconds - followUp) / 1e6)
    }
    server.send(message(99, "shutdown", "null"))
    _ = server.receive { $0.contains("\"id\":99") }
    server.send(message(nil, "exit", "null"))
    let sorted = samples.sorted()
    print("  \(label): open + first diagnostics \(String(format: "%.1f", openMilliseconds)) ms; "
          + "edit → diagnostics median \(String(format: "%.2f", median(samples))) ms, p90 \(String(format: "%.2f", sorted[sorted.count * 9 / 10])) ms, "
          + "worst \(String(format: "%.2f", sorted.last!)) ms; \(errorsSeen) of \(edits) edits reported an error; "
          + "then outline + quick fixes median \(String(format: "%.2f", median(followUps))) ms")
}

/// A language server the benchmark talks to.
private protocol LanguageServerTransport: AnyObject {
    /// Sends one message body.
    func send(_ body: [UInt8])
    /// The next message body the server sends that satisfies `wanted` (others are skipped).
    func receive(_ wanted: (String) -> Bool) -> String
}

/// The server in this process, published to as the connection does once no message waits.
private final class InProcessServer: LanguageServerTransport {
    private var server = LanguageServer(version: "bench")
    private var outbox: [[UInt8]] = []

    func send(_ body: [UInt8]) { outbox += server.handle(body) }

    func receive(_ wanted: (String) -> Bool) -> String {
        while true {
            if outbox.isEmpty { outbox = server.publishDiagnostics() }
            guard !outbox.isEmpty else { fail("lsp: the server sent nothing") }
            let text = String(decoding: outbox.removeFirst(), as: UTF8.self)
            if wanted(text) { return text }
        }
    }
}

/// `policyc lsp` in a child process, over its standard input and output.
private final class PipedServer: LanguageServerTransport {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var reader = LSPMessageReader()

    init(_ executable: String) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["lsp"]
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { fail("lsp: cannot start \(executable): \(error)") }
    }

    func send(_ body: [UInt8]) { input.fileHandleForWriting.write(Data(LSPMessageReader.frame(body))) }

    func receive(_ wanted: (String) -> Bool) -> String {
        while true {
            do {
                while let body = try reader.next() {
                    let text = String(decoding: body, as: UTF8.self)
                    if wanted(text) { return text }
                }
            } catch {
                fail("lsp: \(error)")
            }
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { fail("lsp: policyc lsp closed its output") }
            reader.append(data)
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

private func message(_ id: Int?, _ method: String, _ params: String) -> [UInt8] {
    Array(("{\"jsonrpc\":\"2.0\"," + (id.map { "\"id\":\($0)," } ?? "") + "\"method\":\"\(method)\",\"params\":\(params)}").utf8)
}

private func jsonString(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [])[...].dropFirst().dropLast(), as: UTF8.self)
}
