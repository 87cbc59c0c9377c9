import PolicyLang
import PolicyRuntime

/// One compilation of a policy as the editor sees it (open buffers before the disk): the
/// checker's diagnostics, syntax and symbol index, and each file's line table for converting the
/// compiler's byte spans to the protocol's UTF-16 positions and back.
struct LSPAnalysis {
    /// The root file compiled (absolute).
    let root: String
    /// What the compiler produced; nil when the root could not be read at all.
    let result: Compiler.Result?
    /// Why the root could not be read.
    let failure: String?
    /// Line tables of the files the compiler read, by the compiler's path.
    private(set) var documents: [String: LSPTextDocument] = [:]

    init(root: String, reader: some SourceReader) {
        self.root = root
        do {
            let result = try Compiler.compile([root], reader: reader, lower: false, indexSymbols: true)
            self.result = result
            failure = nil
            for file in result.files {
                documents[file.path] = LSPTextDocument(bytes: file.bytes)
            }
        } catch {
            result = nil
            failure = error.message
        }
    }

    /// Every file of the policy (the root first).
    var paths: [String] { result?.files.map(\.path) ?? [root] }

    /// The syntax of one file.
    func syntax(of path: String) -> PolicyFileSyntax? {
        result?.syntax.first { $0.file.path == path }
    }

    /// The symbol index.
    var symbols: SymbolIndex { result?.resolved.symbols ?? SymbolIndex() }

    /// The protocol range of a span of a file.
    func range(_ path: String, _ span: Span) -> JSONTree {
        guard let document = documents[path] else {
            return LSPJSON.range(.init(line: 0, character: 0), .init(line: 0, character: 0))
        }
        return LSPJSON.range(document.position(of: Int(span.start)), document.position(of: Int(span.end)))
    }

    /// The protocol location of a span of a file.
    func location(_ path: String, _ span: Span) -> JSONTree {
        LSPJSON.location(uri: LSPURI.uri(for: path), range: range(path, span))
    }

    /// The byte offset of a protocol position in a file, nil when the file is not in the policy.
    func offset(_ path: String, _ position: LSPTextDocument.Position) -> UInt32? {
        documents[path].map { UInt32($0.offset(of: position)) }
    }

    /// The bytes of a file as compiled.
    func bytes(of path: String) -> [UInt8]? {
        documents[path]?.bytes
    }
}
