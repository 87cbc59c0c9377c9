import PolicyLang
import PolicyRuntime

/// Formatting and quick fixes: the edits the server offers for one document.
extension LanguageServer {
    /// `textDocument/formatting`: the formatter's canonical layout as one edit of the whole
    /// document; no edit when it is already canonical; null when it does not parse (the
    /// diagnostics say why; nothing is formatted then, as with `policyc fmt`).
    mutating func formatting(_ params: JSONTree?) throws(Failure) -> JSONTree {
        guard let path = LanguageServer.path(params?.member("textDocument")) else {
            throw Failure(code: .invalidParams, message: "`textDocument.uri` must be a file: URI")
        }
        let bytes: [UInt8]
        switch workspace.reader.read(path) {
        case .success(let read): bytes = read
        case .failure(let reason): throw Failure(code: .requestFailed, message: "\(path): \(reason.message)")
        }
        guard let formatted = try? SourceFormatter.format(SourceFile(path: path, bytes: bytes)) else { return .null() }
        if Array(formatted.utf8) == bytes { return .array([]) }
        let document = LSPTextDocument(bytes: bytes)
        return .array([LSPJSON.textEdit(range: LSPJSON.range(.init(line: 0, character: 0), document.position(of: bytes.count)),
                                        newText: formatted)])
    }

    /// `textDocument/codeAction`: for each of the checker's diagnostics in the range that carries a
    /// "did you mean" suggestion, a quick fix writing the suggested name in place of the unknown one.
    mutating func codeActions(_ params: JSONTree?) throws(Failure) -> JSONTree {
        guard let path = LanguageServer.path(params?.member("textDocument")),
              let start = LSPJSON.position(params?.member("range"), "start"), let end = LSPJSON.position(params?.member("range"), "end") else {
            throw Failure(code: .invalidParams, message: "`textDocument.uri` and `range` are required")
        }
        var actions: [JSONTree] = []
        var seen = Set<String>()
        for analysis in workspace.analyses(for: path) {
            guard let result = analysis.result, let lower = analysis.offset(path, start), let upper = analysis.offset(path, end),
                  let bytes = analysis.bytes(of: path) else { continue }
            for diagnostic in result.diagnostics where diagnostic.file.path == path
                && diagnostic.span.start <= upper && lower <= diagnostic.span.end {
                guard let help = diagnostic.help, let name = Suggestion.suggested(inHelp: help),
                      seen.insert("\(diagnostic.span.start):\(name)").inserted else { continue }
                // Only where the span is the unknown name itself (a word, a dotted name or a
                // string) and the suggestion is a plausible spelling of it, not where the span is
                // a larger construct (`notify_sec_tem`, whose suggestion is the channel alone).
                let written = bytes[Int(diagnostic.span.start)..<min(bytes.count, Int(diagnostic.span.end))]
                let quoted = written.first == UInt8(ascii: "\"")
                let unknown = String(decoding: quoted ? written.dropFirst().dropLast() : written, as: UTF8.self)
                guard quoted || (!written.isEmpty && written.allSatisfy(LSPTextScan.isNameOrDotByte)),
                      Suggestion.closest(to: unknown, in: [name]) == name else { continue }
                let range = analysis.range(path, diagnostic.span)
                actions.append(.object([
                    .init("title", .string("Change to `\(name)`")),
                    .init("kind", .string("quickfix")),
                    .init("isPreferred", .bool(true)),
                    .init("diagnostics", .array([LSPWorkspace.diagnostic(diagnostic, in: analysis, relatedInformation: client.relatedInformation)])),
                    .init("edit", .object([.init("changes", .object([
                        .init(LSPURI.uri(for: path), .array([LSPJSON.textEdit(range: range, newText: quoted ? "\"\(name)\"" : name)])),
                    ]))])),
                ]))
            }
        }
        return .array(actions)
    }
}
