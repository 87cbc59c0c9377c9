import PolicyLang
import PolicyRuntime

/// Formatting, quick fixes and the outline: what changes or summarises one document.
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

    /// A byte of a name or a dotted name.
    static func isNameOrDotByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
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
                // string), not a larger construct such as `notify(x)`.
                let written = bytes[Int(diagnostic.span.start)..<min(bytes.count, Int(diagnostic.span.end))]
                let quoted = written.first == UInt8(ascii: "\"")
                guard quoted || (!written.isEmpty && written.allSatisfy(LanguageServer.isNameOrDotByte)) else { continue }
                let range = analysis.range(path, diagnostic.span)
                let severity = diagnostic.severity == .error ? 1 : 2
                actions.append(.object([
                    .init("title", .string("Change to `\(name)`")),
                    .init("kind", .string("quickfix")),
                    .init("isPreferred", .bool(true)),
                    .init("diagnostics", .array([LSPWorkspace.diagnostic(range: range, severity: severity, code: diagnostic.code.rawValue,
                                                                         message: diagnostic.message, help: diagnostic.help,
                                                                         uri: LSPURI.uri(for: path))])),
                    .init("edit", .object([.init("changes", .object([
                        .init(LSPURI.uri(for: path), .array([LSPJSON.textEdit(range: range, newText: quoted ? "\"\(name)\"" : name)])),
                    ]))])),
                ]))
            }
        }
        return .array(actions)
    }
}
