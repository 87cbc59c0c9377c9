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

    /// Every occurrence of a name over the cursor's policies, each place once.
    private func occurrences(of target: SymbolIndex.Occurrence, in cursor: Cursor) -> [(LSPAnalysis, SymbolIndex.Occurrence)] {
        var seen = Set<String>()
        var result: [(LSPAnalysis, SymbolIndex.Occurrence)] = []
        for analysis in cursor.analyses {
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
            let declarations = occurrences(of: target, in: cursor).filter { $0.1.isDeclaration && ($0.1.kind != .model || $0.1.text == $0.1.name) }
            return .array(declarations.map { analysis, occurrence in analysis.location(occurrence.path, occurrence.span) })
        }
        for analysis in cursor.analyses {
            guard let syntax = analysis.syntax(of: cursor.path) else { continue }
            for item in syntax.imports where item.path.span.start <= cursor.offset && cursor.offset <= item.path.span.end {
                let directory = (cursor.path as NSString).deletingLastPathComponent
                let target = LSPWorkspace.absolute(item.path.value.hasPrefix("/") ? item.path.value : directory + "/" + item.path.value)
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
        return .array(occurrences(of: target, in: cursor).filter { includeDeclaration || !$0.1.isDeclaration }.map { analysis, occurrence in
            analysis.location(occurrence.path, occurrence.span)
        })
    }

    /// `textDocument/prepareRename`: the name's range and text, or an error for what cannot be
    /// renamed (a built-in name, a keyword, nothing).
    mutating func prepareRename(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        let target = try renamable(cursor)
        let analysis = cursor.analyses.first { $0.symbols.occurrence(in: cursor.path, at: cursor.offset) != nil }!
        return .object([.init("range", analysis.range(target.path, target.span)), .init("placeholder", .string(target.text))])
    }

    /// The declared name under the cursor, when it can be renamed.
    private func renamable(_ cursor: Cursor) throws(Failure) -> SymbolIndex.Occurrence {
        guard let target = occurrence(at: cursor) else {
            throw Failure(code: .requestFailed, message: "there is no declared name here to rename")
        }
        guard occurrences(of: target, in: cursor).contains(where: \.1.isDeclaration),
              target.kind != .incident || !Vocabulary.builtinIncidentTypes.contains(target.name) else {
            throw Failure(code: .requestFailed, message: "`\(target.text)` is built in and cannot be renamed")
        }
        if target.kind == .model, target.text != target.name {
            throw Failure(code: .requestFailed, message: "`\(target.text)` is an alias of `\(target.name)`; rename the alias where it is declared")
        }
        return target
    }

    /// `textDocument/rename`: a workspace edit replacing the name everywhere it is written
    /// (aliases of a model keep their own spelling). The new name must be a valid name of its kind
    /// and not already taken.
    mutating func rename(_ params: JSONTree?) throws(Failure) -> JSONTree {
        let cursor = try cursor(params)
        let target = try renamable(cursor)
        guard let newName = LSPJSON.string(params, "newName") else { throw Failure(code: .invalidParams, message: "`newName` is missing") }
        let written = target.kind == .model || target.kind == .control
        if written {
            guard !newName.isEmpty, !newName.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }),
                  newName.utf8.count <= Limits.maxStringBytes else {
                throw Failure(code: .requestFailed, message: "`\(newName)` cannot be written inside quotes without escapes")
            }
        } else {
            guard LanguageServer.isName(newName) else {
                throw Failure(code: .requestFailed, message: "`\(newName)` is not a name: a letter or `_`, then letters, digits or `_`")
            }
        }
        for analysis in cursor.analyses where !analysis.symbols.occurrences(of: target.kind, newName).isEmpty && newName != target.name {
            let taken = analysis.symbols.occurrences(of: target.kind, newName)[0]
            throw Failure(code: .requestFailed, message: "\(target.kind.rawValue) `\(newName)` already exists at \(taken.path)")
        }
        var edits: [String: [JSONTree]] = [:]
        for (analysis, occurrence) in occurrences(of: target, in: cursor) where occurrence.text == target.name {
            let text = occurrence.quoted ? "\"" + newName + "\"" : newName
            edits[occurrence.path, default: []].append(LSPJSON.textEdit(range: analysis.range(occurrence.path, occurrence.span), newText: text))
        }
        return .object([.init("changes", .object(edits.keys.sorted().map { .init(LSPURI.uri(for: $0), .array(edits[$0]!)) }))])
    }

    /// Whether `text` is a name as the lexer reads one: `[A-Za-z_][A-Za-z0-9_]*`, within the word limit.
    static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= Limits.maxWordBytes else { return false }
        func letter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") }
        return letter(first) && text.utf8.allSatisfy { letter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}
