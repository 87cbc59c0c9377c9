import Foundation
import PolicyLang
import PolicyRuntime

/// The files the language server knows: the editor's open buffers, which take precedence over
/// the disk for every file the compiler reads (an import being edited included), and the
/// checker's diagnostics for a root file in the protocol's form.
public struct LSPWorkspace: Sendable {
    /// Open buffers by absolute path.
    public private(set) var documents: [String: LSPTextDocument] = [:]

    /// An empty workspace.
    public init() {}

    /// `textDocument/didOpen`.
    public mutating func open(_ path: String, text: String, version: Int) {
        documents[path] = LSPTextDocument(text: text, version: version)
    }

    /// `textDocument/didChange`, one change.
    public mutating func change(_ path: String, _ text: String, from start: LSPTextDocument.Position?, to end: LSPTextDocument.Position?,
                                version: Int) {
        documents[path, default: LSPTextDocument(text: "", version: version)].apply(text, from: start, to: end, version: version)
    }

    /// `textDocument/didClose`: the disk's version counts again.
    public mutating func close(_ path: String) {
        documents[path] = nil
    }

    /// Reads open buffers first, then the disk.
    public struct Reader: SourceReader {
        let buffers: [String: [UInt8]]
        let disk = DiskSourceReader()

        public func read(_ path: String) -> Result<[UInt8], SourceReadError> {
            if let bytes = buffers[LSPWorkspace.absolute(path)] {
                return bytes.count > Limits.maxFileBytes ? .failure(.tooLarge(bytes.count)) : .success(bytes)
            }
            return disk.read(path)
        }
    }

    /// The reader the compiler uses now.
    public var reader: Reader { Reader(buffers: documents.mapValues(\.bytes)) }

    /// The checker's diagnostics for the policy rooted at `path`, as `textDocument/publishDiagnostics`
    /// parameters' `diagnostics` per file (every file of the policy listed, an empty list clearing
    /// an earlier report). A root that cannot be read gives one diagnostic on it.
    public func diagnostics(root path: String) -> [String: [JSONTree]] {
        let result: Compiler.Result
        do {
            result = try Compiler.compile([path], reader: reader, lower: false)
        } catch {
            return [path: [LSPWorkspace.diagnostic(range: (.init(line: 0, character: 0), .init(line: 0, character: 0)), severity: 1,
                                                   code: nil, message: error.message, help: nil, uri: LSPURI.uri(for: path))]]
        }
        var out: [String: [JSONTree]] = [:]
        for file in result.files { out[LSPWorkspace.absolute(file.path), default: []] = [] }
        // One line table per file, built for its first diagnostic, for the text the compiler read.
        var documents: [String: LSPTextDocument] = [:]
        for diagnostic in result.diagnostics {
            let document = documents[diagnostic.file.path] ?? LSPTextDocument(text: String(decoding: diagnostic.file.bytes, as: UTF8.self), version: 0)
            documents[diagnostic.file.path] = document
            let range = (document.position(of: Int(diagnostic.span.start)), document.position(of: Int(diagnostic.span.end)))
            let severity = diagnostic.severity == .error ? 1 : diagnostic.severity == .warning ? 2 : 3
            let file = LSPWorkspace.absolute(diagnostic.file.path)
            out[file, default: []].append(LSPWorkspace.diagnostic(range: range, severity: severity, code: diagnostic.code.rawValue,
                                                                  message: diagnostic.message, help: diagnostic.help,
                                                                  uri: LSPURI.uri(for: file)))
        }
        return out
    }

    /// A path as the workspace keys files: absolute (against the working directory), standardized.
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// One diagnostic as the protocol writes it; the `help:` line becomes related information at
    /// the same place, as the checker's suggestion.
    static func diagnostic(range: (LSPTextDocument.Position, LSPTextDocument.Position), severity: Int, code: String?, message: String,
                           help: String?, uri: String) -> JSONTree {
        func position(_ position: LSPTextDocument.Position) -> JSONTree {
            .object([.init("line", .integer(position.line)), .init("character", .integer(position.character))])
        }
        let rangeTree = JSONTree.object([.init("start", position(range.0)), .init("end", position(range.1))])
        var members: [JSONTree.Member] = [.init("range", rangeTree), .init("severity", .integer(severity)),
                                          .init("source", .string("policyc")), .init("message", .string(message))]
        if let code { members.append(.init("code", .string(code))) }
        if let help {
            members.append(.init("relatedInformation", .array([.object([
                .init("location", .object([.init("uri", .string(uri)), .init("range", rangeTree)])),
                .init("message", .string("help: " + help)),
            ])])))
        }
        return .object(members)
    }
}

/// `file:` URIs and paths (RFC 8089): what the protocol names documents by.
public enum LSPURI {
    /// The path of a `file:` URI, percent-decoded; nil for another scheme.
    public static func path(from uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    /// The `file:` URI of an absolute path.
    public static func uri(for path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }
}
