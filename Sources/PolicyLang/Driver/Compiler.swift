import PolicyRuntime

/// The whole pipeline for one policy: read the root files and their imports, parse, check,
/// lower. Every problem becomes a diagnostic; only an unreadable root file is an I/O error.
public enum Compiler {
    /// What one compilation produced.
    public struct Result: Sendable {
        /// Every file loaded, root first then imports in load order.
        public var files: [SourceFile]
        /// Diagnostics in file and position order.
        public var diagnostics: [Diagnostic]
        /// The compiled document, when there were no errors.
        public var policy: CompiledPolicy?
        /// The parsed files, dependencies first (for tools such as the formatter).
        public var syntax: [PolicyFileSyntax]
        /// The `test` blocks of the root file, resolved (empty when there are errors).
        public var tests: [PolicyTest] = []
        /// What the checker resolved, as far as the policy checked (roles flattened, models, the
        /// symbol index): for editors, which need it when there are errors too.
        public var resolved = ResolvedPolicy()

        /// Number of errors.
        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
        /// Number of warnings.
        public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
    }

    /// A root file that cannot be read at all (the CLI exits 2).
    public struct ReadFailure: Error, Equatable, Sendable {
        /// The path as given.
        public var path: String
        /// Why.
        public var reason: SourceReadError

        /// `path: reason`.
        public var message: String { "\(path): \(reason.message)" }
    }

    /// The file an `import "path"` in `importer` names: relative paths against the importing
    /// file's directory, `.` and `..` removed — the one rule the compiler and editors share.
    public static func importTarget(_ path: String, from importer: String) -> String {
        Loader.resolve(path, from: importer)
    }

    /// Compiles the policy whose root is `paths[0]`; further paths are added like imports.
    /// - Parameters:
    ///   - lower: build the compiled document; `policyc check` passes false, since it only needs
    ///     the diagnostics and the digest costs a pass over every byte.
    ///   - indexSymbols: record every name's declarations and uses in `resolved.symbols` (editors).
    /// - Throws: ``ReadFailure`` when a root file is missing, a directory or unreadable.
    public static func compile(_ paths: [String], reader: SourceReader = DiskSourceReader(),
                               lower: Bool = true, indexSymbols: Bool = false) throws(ReadFailure) -> Result {
        var loader = Loader(reader: reader)
        for path in paths {
            try loader.loadRoot(path)
        }
        var bag = loader.diagnostics
        let syntax = loader.loaded
        // Root first in `sources`, then the others in load order.
        let rootPath = paths.first.map(Loader.normalize) ?? ""
        let files = syntax.filter { $0.file.path == rootPath }.map(\.file) + syntax.filter { $0.file.path != rootPath }.map(\.file)

        var header: HeaderSyntax?
        if let root = syntax.first(where: { $0.file.path == rootPath }) {
            header = root.header
            if header == nil, !loader.oversized.contains(root.file.path) {
                bag.report(Diagnostic(.error, .missingHeader, "`\(root.file.path)` has no `policy` header", file: root.file,
                                      span: .at(0), help: "start the file with `policy \"name\" version 1`"))
            }
        }
        let (resolved, checkBag) = Checker.check(syntax, indexSymbols: indexSymbols)
        bag.merge(checkBag)
        var version = 0
        if let header, let file = files.first {
            if header.name.value.isEmpty {
                bag.report(Diagnostic(.error, .invalidQuantity, "policy name must not be empty", file: file, span: header.name.span))
            }
            if let quantity = header.version {
                if quantity.unit != .count || quantity.negative || quantity.integerValue == nil {
                    bag.report(Diagnostic(.error, .invalidQuantity, "policy version must be a whole number, found `\(quantity.text)`",
                                          file: file, span: quantity.span))
                } else {
                    version = quantity.integerValue!
                }
            }
        }
        var policy: CompiledPolicy?
        if lower, !bag.hasErrors, let header {
            policy = Lowering.lower(resolved, name: header.name.value, version: version, sources: files)
        }
        // Warnings about a file that does not even parse are noise (an empty role is empty
        // because its block failed to parse), so only its errors are kept.
        let unparsed = Set(bag.items.filter { $0.code.rawValue.hasPrefix("P1") && $0.severity == .error }.map(\.file.path))
        let kept = bag.sorted(fileOrder: files.map(\.path)).filter { $0.severity != .warning || !unparsed.contains($0.file.path) }
        var result = Result(files: files, diagnostics: kept, policy: policy, syntax: syntax)
        result.resolved = resolved
        if !bag.hasErrors { result.tests = resolved.tests.filter { $0.file == rootPath } }
        return result
    }
}

/// Loads files and their imports depth first, dependencies before dependants, reporting
/// import cycles, missing imports and the file-count cap.
struct Loader {
    let reader: SourceReader
    var diagnostics = DiagnosticBag()
    var loaded: [PolicyFileSyntax] = []
    /// Files refused for their size (reported once; nothing else is said about them).
    var oversized = Set<String>()
    private var loadedPaths = Set<String>()
    private var stack: [String] = []

    init(reader: SourceReader) {
        self.reader = reader
    }

    mutating func loadRoot(_ path: String) throws(Compiler.ReadFailure) {
        let normalized = Loader.normalize(path)
        guard !loadedPaths.contains(normalized) else { return }
        switch reader.read(normalized) {
        case .success(let bytes):
            load(SourceFile(path: normalized, bytes: bytes))
        case .failure(.tooLarge(let size)):
            let file = SourceFile(path: normalized, bytes: [])
            loadedPaths.insert(normalized)
            oversized.insert(normalized)
            loaded.append(PolicyFileSyntax(file: file, header: nil, imports: [], declarations: [], comments: []))
            diagnostics.report(Diagnostic(.error, .fileTooLarge, "file is \(size) bytes; the limit is \(Limits.maxFileBytes) bytes",
                                          file: file, span: .at(0), help: "split the policy into files joined by `import`"))
        case .failure(let reason):
            throw Compiler.ReadFailure(path: path, reason: reason)
        }
    }

    private mutating func load(_ file: SourceFile) {
        loadedPaths.insert(file.path)
        stack.append(file.path)
        let (syntax, parseDiagnostics) = Parser.parse(file)
        for diagnostic in parseDiagnostics { diagnostics.report(diagnostic) }
        for item in syntax.imports {
            let target = Loader.resolve(item.path.value, from: file.path)
            if let index = stack.firstIndex(of: target) {
                let cycle = (stack[index...] + [target]).joined(separator: " → ")
                diagnostics.report(Diagnostic(.error, .importCycle, "import cycle: \(cycle)", file: file, span: item.path.span,
                                              help: "files cannot import each other, directly or through other files"))
                continue
            }
            if loadedPaths.contains(target) { continue }
            guard loadedPaths.count < Limits.maxFiles else {
                diagnostics.report(Diagnostic(.error, .tooManyFiles, "more than \(Limits.maxFiles) files are imported",
                                              file: file, span: item.path.span))
                continue
            }
            switch reader.read(target) {
            case .success(let bytes):
                load(SourceFile(path: target, bytes: bytes))
            case .failure(let reason):
                let code: DiagnosticCode = { if case .tooLarge = reason { return .fileTooLarge } else { return .importNotFound } }()
                diagnostics.report(Diagnostic(.error, code, "cannot import `\(item.path.value)`: \(reason.message)", file: file,
                                              span: item.path.span, help: "import paths are relative to the importing file"))
            }
        }
        stack.removeLast()
        loaded.append(syntax)
    }

    /// Resolves an import path against the importing file's directory.
    static func resolve(_ path: String, from importer: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        guard let slash = importer.lastIndex(of: "/") else { return normalize(path) }
        return normalize(String(importer[...slash]) + path)
    }

    /// Removes `.` and `a/..` segments lexically so one file has one name.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
