import Foundation
import PolicyLang
import PolicyRuntime

/// Definition, references and rename, on the checker's symbol index: a name is what the checker
/// resolved it to, across every file of the policies the document is part of.
extension LanguageServer {
    /// The declared name under the cursor, in the first policy that resolves it.
    func occurrence(at cursor: Cursor) -> SymbolIndex.Occurrence? {
        cursor.analyses.lazy.compactMap { $0.symbols.occurrence(in: cursor.path, at: cursor.offset) }.first
    }

    /// The policies a name lives in: the cursor file's, and those of every file that declares
    /// it — so that a name declared in a shared file is found in every policy importing it.
    mutating func analyses(for target: SymbolIndex.Occurrence, from cursor: Cursor) -> [LSPAnalysis] {
        var roots = Set(cursor.analyses.map(\.root))
        var result = cursor.analyses
        for analysis in cursor.analyses {
            for declaration in analysis.symbols.declarations(of: target.kind, target.name) {
                for other in workspace.analyses(for: LSPWorkspace.absolute(declaration.path)) where roots.insert(other.root).inserted {
                    result.append(other)
                }
            }
        }
        return result
    }

    /// Every occurrence of a name in `analyses`, each place once.
    private func occurrences(of target: SymbolIndex.Occurrence, in analyses: [LSPAnalysis]) -> [(LSPAnalysis, SymbolIndex.Occurrence)] {
        var seen = Set<String>()
        var result: [(LSPAnalysis, SymbolIndex.Occurrence)] = []
        for analysis in analyses {
            for occurrence in analysis.symbols.occurrences(of: target.kind, target.name)
            where seen.insert("\(occurrence.path):\(occurrence.span.start)").inserted {
                result.append((analysis, occurrence))
            }
        }
        return result
    }

    /// `textDocument/definition`: where the name is declared; on an `import` line, the file.
    mutating func definition(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        if let target = occurrence(at: cursor) {
            var seen = Set<String>()
            let declarations = cursor.analyses.flatMap { analysis in
                analysis.symbols.declarations(of: target.kind, target.name).map { (analysis, $0) }
            }.filter { seen.insert("\($0.1.path):\($0.1.span.start)").inserted }
            return .array(declarations.map { analysis, occurrence in analysis.location(occurrence.path, occurrence.span) })
        }
        for analysis in cursor.analyses {
            guard let syntax = analysis.syntax(of: cursor.path) else { continue }
            for item in syntax.imports where item.path.span.start <= cursor.offset && cursor.offset <= item.path.span.end {
                let target = LSPWorkspace.absolute(Compiler.importTarget(item.path.value, from: cursor.path))
                return .array([LSPJSON.location(uri: LSPURI.uri(for: target), range: LSPJSON.range(.init(line: 0, character: 0),
                                                                                                  .init(line: 0, character: 0)))])
            }
        }
        return .null()
    }

    /// `textDocument/references`: every use of the name (and its declarations when
    /// `context.includeDeclaration`), in the order the checker met them, declarations first.
    mutating func references(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let target = occurrence(at: cursor) else { return .null() }
        let includeDeclaration: Bool = {
            if case .bool(let flag, _)? = params?.member("context")?.member("includeDeclaration") { return flag }
            return false
        }()
        let analyses = analyses(for: target, from: cursor)
        return .array(occurrences(of: target, in: analyses).filter { includeDeclaration || !$0.1.isDeclaration }.map { analysis, occurrence in
            analysis.location(occurrence.path, occurrence.span)
        })
    }

    /// `textDocument/prepareRename`: the name's range and text; null where there is no declared
    /// name; an error for a name the language defines.
    mutating func prepareRename(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let target = occurrence(at: cursor),
              let analysis = cursor.analyses.first(where: { $0.symbols.occurrence(in: cursor.path, at: cursor.offset) != nil }) else {
            return .null()
        }
        try checkRenamable(target, cursor)
        return .object([.init("range", analysis.range(target.path, target.span)), .init("placeholder", .string(target.text))])
    }

    /// Refuses a name the policy does not declare (a built-in incident type's playbook included).
    private mutating func checkRenamable(_ target: SymbolIndex.Occurrence, _ cursor: Cursor) throws(Failure) {
        guard occurrences(of: target, in: analyses(for: target, from: cursor)).contains(where: \.1.isDeclaration),
              target.kind != .incident || !Vocabulary.builtinIncidentTypes.contains(target.name) else {
            throw Failure(code: .requestFailed, message: "`\(target.text)` is built in and cannot be renamed")
        }
    }

    /// Words a name may not become although they are names: the constants of conditions, and
    /// `none`, which in a test's list means "empty".
    static let reservedNames: Set<String> = ["true", "false", "none"]

    /// `textDocument/rename`: a workspace edit replacing the name everywhere it is written in
    /// every policy that has it (a model's alias is renamed on its own). Refused when the new
    /// name is not a name of its kind, is reserved, is taken, or would make any of those policies
    /// fail to compile (a built-in detector's or channel's name, a budget's and rate limit's
    /// shared namespace, a model alias): the edits are applied in memory and the policies checked
    /// before they are offered.
    mutating func rename(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        guard let target = occurrence(at: cursor) else { throw Failure(code: .requestFailed, message: "there is no declared name here to rename") }
        try checkRenamable(target, cursor)
        guard let newName = LSPJSON.string(params, "newName") else { throw Failure(code: .invalidParams, message: "`newName` is missing") }
        if target.kind == .model || target.kind == .control {
            guard !newName.isEmpty, !newName.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.properties.generalCategory == .control }),
                  newName.utf8.count <= Limits.maxStringBytes else {
                throw Failure(code: .requestFailed, message: "`\(newName)` cannot be written inside quotes without escapes or control characters")
            }
        } else {
            guard Lexer.isName(newName) else {
                throw Failure(code: .requestFailed, message: "`\(newName)` is not a name: a letter or `_`, then letters, digits or `_`")
            }
            guard !LanguageServer.reservedNames.contains(newName) else {
                throw Failure(code: .requestFailed, message: "`\(newName)` is reserved: it is a constant in conditions or means an empty list in tests")
            }
            // `prompt has pii` names the category even when a pattern list is called `pii`.
            guard target.kind != .patternList || !DetectorCatalog.categories.contains(newName) else {
                throw Failure(code: .requestFailed, message: "`\(newName)` is a detector category: `has \(newName)` would mean the category, not the list")
            }
        }
        let analyses = analyses(for: target, from: cursor)
        if newName != target.text, let taken = analyses.lazy.compactMap({ $0.symbols.declarations(of: target.kind, newName).first }).first {
            throw Failure(code: .requestFailed, message: "\(target.kind.rawValue) `\(newName)` already exists at \(taken.path)")
        }
        var edits: [String: [(Span, String, JSONTree)]] = [:]
        for (analysis, occurrence) in occurrences(of: target, in: analyses) where occurrence.text == target.text {
            let text = occurrence.quoted ? "\"" + newName + "\"" : newName
            edits[occurrence.path, default: []].append((occurrence.span, text, analysis.range(occurrence.path, occurrence.span)))
        }
        try checkCompiles(after: edits, in: analyses, renaming: target.text, to: newName)
        return .object([.init("changes", .object(edits.keys.sorted().map { path in
            .init(LSPURI.uri(for: path), .array(edits[path]!.map { LSPJSON.textEdit(range: $0.2, newText: $0.1) }))
        }))])
    }

    /// Compiles each policy with the edits applied; refuses the rename when one has more errors
    /// than before, naming the first new one.
    private func checkCompiles(after edits: [String: [(Span, String, JSONTree)]], in analyses: [LSPAnalysis], renaming old: String,
                               to new: String) throws(Failure) {
        var overlay: [String: [UInt8]] = [:]
        for (path, changes) in edits {
            guard var bytes = analyses.lazy.compactMap({ $0.bytes(of: path) }).first else { continue }
            for (span, text, _) in changes.sorted(by: { $0.0.start > $1.0.start }) {
                bytes.replaceSubrange(Int(span.start)..<Int(span.end), with: Array(text.utf8))
            }
            overlay[LSPWorkspace.absolute(path)] = bytes
        }
        let reader = OverlayReader(overlay: overlay, base: workspace.reader)
        for analysis in analyses {
            guard let before = analysis.result, let after = try? Compiler.compile([analysis.root], reader: reader, lower: false),
                  after.errorCount > before.errorCount else { continue }
            let known = Set(before.diagnostics.map(\.message))
            let first = after.diagnostics.first { $0.severity == .error && !known.contains($0.message) } ?? after.diagnostics[0]
            throw Failure(code: .requestFailed, message: "renaming `\(old)` to `\(new)` would break the policy: \(first.message) "
                          + "(\(first.file.reference(first.span.start)))")
        }
    }

    /// Edited texts in front of the workspace's reader.
    private struct OverlayReader: SourceReader {
        let overlay: [String: [UInt8]]
        let base: LSPWorkspace.Reader

        func read(_ path: String) -> Result<[UInt8], SourceReadError> {
            overlay[LSPWorkspace.absolute(path)].map { .success($0) } ?? base.read(path)
        }
    }
}
