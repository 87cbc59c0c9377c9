import Foundation
import PolicyLang
import PolicyRuntime

/// The files the language server knows: the editor's open buffers, which take precedence over
/// the disk for every file the compiler reads (an import being edited included), the workspace
/// folders, and which policy each file belongs to.
///
/// A file is checked as part of the policies that import it: its roots are the files that
/// import it, directly or through others, and that nothing imports; a file nothing imports is its
/// own root. Imports are found from the lines that begin with `import "…"` (the formatter's
/// layout) in the workspace's `.pol` files; the compilation itself then follows the real imports.
public struct LSPWorkspace: Sendable {
    /// Open buffers by absolute path.
    public private(set) var documents: [String: LSPTextDocument] = [:]
    /// Workspace folders (absolute paths).
    public private(set) var folders: [String] = []
    /// The most `.pol` files read from the workspace folders to find importers.
    public static let maximumWorkspaceFiles = 2_000
    /// The imports of the workspace's `.pol` files on disk, read once until the disk changes.
    private var diskImports: [String: [String]]?
    /// The `.pol` files under the folders, listed once until a file is created or deleted.
    private var listed: [String]?
    /// Counts changes; an analysis of an older generation is stale.
    private var generation = 0
    private var cache: [String: (generation: Int, analysis: LSPAnalysis)] = [:]

    /// An empty workspace.
    public init() {}

    /// Sets the workspace folders (`initialize`'s `workspaceFolders` or `rootUri`, and
    /// `workspace/didChangeWorkspaceFolders`).
    public mutating func setFolders(_ folders: [String]) {
        self.folders = folders.map(LSPWorkspace.absolute)
        filesChangedOnDisk(created: true)
    }

    /// `textDocument/didOpen`.
    public mutating func open(_ path: String, text: String, version: Int) {
        documents[path] = LSPTextDocument(text: text, version: version)
        generation += 1
    }

    /// `textDocument/didChange`, one change.
    public mutating func change(_ path: String, _ text: String, from start: LSPTextDocument.Position?, to end: LSPTextDocument.Position?,
                                version: Int) {
        documents[path, default: LSPTextDocument(text: "", version: version)].apply(text, from: start, to: end, version: version)
        generation += 1
    }

    /// `textDocument/didClose`: the disk's version counts again.
    public mutating func close(_ path: String) {
        documents[path] = nil
        generation += 1
    }

    /// Files changed on disk (`didSave`, `workspace/didChangeWatchedFiles`); `created` when files
    /// may have appeared or gone, so the folders are listed again.
    public mutating func filesChangedOnDisk(created: Bool = false) {
        if created { listed = nil }
        diskImports = nil
        generation += 1
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

    /// The policy rooted at `root`, compiled from the buffers and the disk as they are now
    /// (reused until something changes).
    mutating func analysis(root: String) -> LSPAnalysis {
        if let cached = cache[root], cached.generation == generation { return cached.analysis }
        let analysis = LSPAnalysis(root: root, reader: reader)
        cache = cache.filter { $0.value.generation == generation }
        cache[root] = (generation, analysis)
        return analysis
    }

    /// The policies `path` is part of.
    mutating func analyses(for path: String) -> [LSPAnalysis] {
        roots(of: path).map { analysis(root: $0) }
    }

    /// The roots of the policies a file is part of (see the type's comment), sorted.
    mutating func roots(of path: String) -> [String] {
        let graph = importGraph()
        var importers: [String: [String]] = [:]
        for (file, imports) in graph {
            for target in imports { importers[target, default: []].append(file) }
        }
        var seen: Set<String> = [path]
        var stack = [path]
        var roots: [String] = []
        while let file = stack.popLast() {
            let above = importers[file] ?? []
            if above.isEmpty { roots.append(file) }
            for importer in above where seen.insert(importer).inserted { stack.append(importer) }
        }
        // An import cycle has no file that nothing imports: check the file itself.
        return roots.isEmpty ? [path] : roots.sorted()
    }

    /// Each workspace file's and open buffer's imports, resolved to absolute paths.
    private mutating func importGraph() -> [String: [String]] {
        if listed == nil { listed = LSPWorkspace.policyFiles(under: folders) }
        if diskImports == nil {
            var imports: [String: [String]] = [:]
            for path in listed ?? [] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
                imports[path] = LSPWorkspace.imports(in: bytes, of: path)
            }
            diskImports = imports
        }
        var graph = diskImports ?? [:]
        for (path, document) in documents {
            graph[path] = LSPWorkspace.imports(in: document.bytes, of: path)
        }
        return graph
    }

    /// The targets of the `import "…"` lines of a file, resolved against its directory.
    static func imports(in bytes: [UInt8], of path: String) -> [String] {
        let keyword = Array("import".utf8)
        var result: [String] = []
        var lineStart = 0
        while lineStart < bytes.count {
            var index = lineStart
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            if bytes.count - index > keyword.count, Array(bytes[index..<(index + keyword.count)]) == keyword {
                var cursor = index + keyword.count
                while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") {
                    let open = cursor + 1
                    var close = open
                    while close < bytes.count, bytes[close] != UInt8(ascii: "\""), bytes[close] != 0x0A { close += 1 }
                    if close < bytes.count, bytes[close] == UInt8(ascii: "\"") {
                        let target = String(decoding: bytes[open..<close], as: UTF8.self)
                        let directory = (path as NSString).deletingLastPathComponent
                        result.append(absolute(target.hasPrefix("/") ? target : directory + "/" + target))
                    }
                }
            }
            while lineStart < bytes.count, bytes[lineStart] != 0x0A { lineStart += 1 }
            lineStart += 1
        }
        return result
    }

    /// The `.pol` files under the folders, skipping hidden directories and build output, at most
    /// ``maximumWorkspaceFiles``.
    static func policyFiles(under folders: [String]) -> [String] {
        var files: [String] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: folder), includingPropertiesForKeys: [.isDirectoryKey],
                                                               options: [.skipsHiddenFiles, .skipsPackageDescendants]) else { continue }
            for case let url as URL in walker {
                if ["node_modules", ".build", "build"].contains(url.lastPathComponent) {
                    walker.skipDescendants()
                    continue
                }
                guard url.pathExtension == "pol" else { continue }
                files.append(absolute(url.path))
                if files.count >= maximumWorkspaceFiles { return files }
            }
        }
        return files
    }

    /// The checker's diagnostics for the policy rooted at `path`, as `textDocument/publishDiagnostics`
    /// parameters' `diagnostics` per file (every file of the policy listed, an empty list clearing
    /// an earlier report). A root that cannot be read gives one diagnostic on it.
    public mutating func diagnostics(root path: String) -> [String: [JSONTree]] {
        LSPWorkspace.diagnostics(of: analysis(root: path))
    }

    /// The diagnostics of one analysis, per file.
    static func diagnostics(of analysis: LSPAnalysis) -> [String: [JSONTree]] {
        guard let result = analysis.result else {
            return [analysis.root: [diagnostic(range: LSPJSON.range(.init(line: 0, character: 0), .init(line: 0, character: 0)), severity: 1,
                                               code: nil, message: analysis.failure ?? "cannot be read", help: nil,
                                               uri: LSPURI.uri(for: analysis.root))]]
        }
        var out: [String: [JSONTree]] = [:]
        for file in result.files { out[absolute(file.path), default: []] = [] }
        for diagnostic in result.diagnostics {
            let range = analysis.range(diagnostic.file.path, diagnostic.span)
            let severity = diagnostic.severity == .error ? 1 : diagnostic.severity == .warning ? 2 : 3
            let file = absolute(diagnostic.file.path)
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
    static func diagnostic(range rangeTree: JSONTree, severity: Int, code: String?, message: String, help: String?, uri: String) -> JSONTree {
        var members: [JSONTree.Member] = [.init("range", rangeTree), .init("severity", .integer(severity)),
                                          .init("source", .string("policyc")), .init("message", .string(message))]
        if let code { members.append(.init("code", .string(code))) }
        if let help {
            members.append(.init("relatedInformation", .array([.object([
                .init("location", LSPJSON.location(uri: uri, range: rangeTree)),
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
