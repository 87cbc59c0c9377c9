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
    /// The most directory entries visited looking for them (a folder such as `$HOME` is not
    /// walked for ever).
    public static let maximumWorkspaceEntries = 50_000
    /// The imports of the workspace's `.pol` files on disk, read once until the disk changes.
    private var diskImports: [String: [String]]?
    /// The `.pol` files under the folders, listed once until a file is created or deleted.
    private var listed: [String]?
    /// The import graph (disk and buffers), until a buffer or the disk changes.
    private var graph: [String: [String]]?
    /// Compilations by root, each with the files it read: a change to a file makes stale only
    /// the compilations that read it.
    private var cache: [String: (files: Set<String>, analysis: LSPAnalysis)] = [:]

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
        changed(path)
    }

    /// `textDocument/didChange`, one change.
    public mutating func change(_ path: String, _ text: String, from start: LSPTextDocument.Position?, to end: LSPTextDocument.Position?,
                                version: Int) {
        documents[path, default: LSPTextDocument(text: "", version: version)].apply(text, from: start, to: end, version: version)
        changed(path)
    }

    /// `textDocument/didClose`: the disk's version counts again.
    public mutating func close(_ path: String) {
        documents[path] = nil
        changed(path)
    }

    /// Files changed on disk (`didSave`, `workspace/didChangeWatchedFiles`); `created` when files
    /// may have appeared or gone, so the folders are listed again.
    public mutating func filesChangedOnDisk(created: Bool = false) {
        if created { listed = nil }
        diskImports = nil
        graph = nil
        cache = [:]
    }

    /// Forgets what a change to `path` makes stale: the compilations that read it (or would
    /// have it as their root) and the import graph.
    private mutating func changed(_ path: String) {
        graph = nil
        cache = cache.filter { $0.key != path && !$0.value.files.contains(path) }
    }

    /// Reads open buffers first, then the disk.
    public struct Reader: SourceReader {
        let buffers: [String: [UInt8]]
        let disk = DiskSourceReader()

        public func read(_ path: String) -> Result<[UInt8], SourceReadError> {
            if let bytes = buffers[LSPWorkspace.absolute(path)] {
                return bytes.count > Limits.maxFileBytes ? .failure(.tooLarge(bytes.count)) : .success(bytes)
            }
            // Only regular files: reading a FIFO or `/dev/stdin` (an import can name one) would
            // block the server until something writes to it.
            if let values = try? URL(fileURLWithPath: path).resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey]),
               values.isRegularFile == false, values.isDirectory == false {
                return .failure(.unreadable("not a regular file"))
            }
            return disk.read(path)
        }
    }

    /// The reader the compiler uses now.
    public var reader: Reader { Reader(buffers: documents.mapValues(\.bytes)) }

    /// The policy rooted at `root`, compiled from the buffers and the disk as they are now
    /// (reused until a file it read changes).
    mutating func analysis(root: String) -> LSPAnalysis {
        if let cached = cache[root] { return cached.analysis }
        let analysis = LSPAnalysis(root: root, reader: reader)
        cache[root] = (Set(analysis.paths.map(LSPWorkspace.absolute)), analysis)
        return analysis
    }

    /// The policies `path` is part of, the one it is most likely read in first: itself when it is
    /// a root, then roots in its own directory, then the others by path.
    mutating func analyses(for path: String) -> [LSPAnalysis] {
        let directory = (path as NSString).deletingLastPathComponent
        let roots = roots(of: path).sorted { first, second in
            let ranks = [first, second].map { $0 == path ? 0 : ($0 as NSString).deletingLastPathComponent == directory ? 1 : 2 }
            return ranks[0] != ranks[1] ? ranks[0] < ranks[1] : first < second
        }
        return roots.map { analysis(root: $0) }
    }

    /// The roots of the policies a file is part of (see the type's comment). In an import cycle
    /// that nothing outside imports, the files of the cycle that import it are its roots.
    mutating func roots(of path: String) -> [String] {
        if graph == nil { graph = importGraph() }
        var importers: [String: [String]] = [:]
        for (file, imports) in graph ?? [:] {
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
        if roots.isEmpty { roots = seen.count > 1 ? Array(seen.subtracting([path])) : [path] }
        return roots.sorted()
    }

    /// Each workspace file's and open buffer's imports, resolved to absolute paths.
    private mutating func importGraph() -> [String: [String]] {
        if listed == nil { listed = LSPWorkspace.policyFiles(under: folders) }
        if diskImports == nil {
            var imports: [String: [String]] = [:]
            for path in listed ?? [] {
                imports[path] = LSPWorkspace.imports(in: LSPWorkspace.readRegularFile(path) ?? [], of: path)
            }
            diskImports = imports
        }
        var graph = diskImports ?? [:]
        for (path, document) in documents {
            graph[path] = LSPWorkspace.imports(in: document.bytes, of: path)
        }
        return graph
    }

    /// A regular file's bytes, nil for anything else (a FIFO, a device, a directory) or a file
    /// over the compiler's size limit, so reading the workspace cannot block or exhaust memory.
    static func readRegularFile(_ path: String) -> [UInt8]? {
        guard let values = try? URL(fileURLWithPath: path).resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]),
              values.isRegularFile == true, (values.fileSize ?? 0) <= Limits.maxFileBytes,
              let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        return [UInt8](data)
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
                        result.append(absolute(Compiler.importTarget(target, from: path)))
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
            var visited = 0
            for case let url as URL in walker {
                visited += 1
                if visited > maximumWorkspaceEntries { break }
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
    public mutating func diagnostics(root path: String, relatedInformation: Bool = true) -> [String: [JSONTree]] {
        LSPWorkspace.diagnostics(of: analysis(root: path), relatedInformation: relatedInformation)
    }

    /// The protocol's severity of a diagnostic: error 1, warning 2, note 3 (information).
    static func severity(_ diagnostic: Diagnostic) -> Int {
        switch diagnostic.severity {
        case .error: return 1
        case .warning: return 2
        case .note: return 3
        }
    }

    /// A diagnostic of a file the analysis read, in the protocol's form.
    static func diagnostic(_ diagnostic: Diagnostic, in analysis: LSPAnalysis, relatedInformation: Bool) -> JSONTree {
        let file = absolute(diagnostic.file.path)
        return LSPWorkspace.diagnostic(range: analysis.range(diagnostic.file.path, diagnostic.span), severity: severity(diagnostic),
                                       code: diagnostic.code.rawValue, message: diagnostic.message, help: diagnostic.help,
                                       uri: LSPURI.uri(for: file), relatedInformation: relatedInformation)
    }

    /// The diagnostics of one analysis, per file.
    static func diagnostics(of analysis: LSPAnalysis, relatedInformation: Bool) -> [String: [JSONTree]] {
        guard let result = analysis.result else {
            return [analysis.root: [diagnostic(range: LSPJSON.range(.init(line: 0, character: 0), .init(line: 0, character: 0)), severity: 1,
                                               code: nil, message: analysis.failure ?? "cannot be read", help: nil,
                                               uri: LSPURI.uri(for: analysis.root), relatedInformation: relatedInformation)]]
        }
        var out: [String: [JSONTree]] = [:]
        for file in result.files { out[absolute(file.path), default: []] = [] }
        for item in result.diagnostics {
            out[absolute(item.file.path), default: []].append(diagnostic(item, in: analysis, relatedInformation: relatedInformation))
        }
        return out
    }

    /// A path as the workspace keys files: absolute (against the working directory), standardized.
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// One diagnostic as the protocol writes it; the `help:` line becomes related information at
    /// the same place, as the checker's suggestion — or, for a client that does not show related
    /// information, a second line of the message.
    static func diagnostic(range rangeTree: JSONTree, severity: Int, code: String?, message: String, help: String?, uri: String,
                           relatedInformation: Bool) -> JSONTree {
        let text = relatedInformation ? message : message + (help.map { "\nhelp: " + $0 } ?? "")
        var members: [JSONTree.Member] = [.init("range", rangeTree), .init("severity", .integer(severity)),
                                          .init("source", .string("policyc")), .init("message", .string(text))]
        if let code { members.append(.init("code", .string(code))) }
        if relatedInformation, let help {
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
