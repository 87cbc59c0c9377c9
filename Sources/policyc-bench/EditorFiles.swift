import Foundation
import PolicyLanguageServer

/// `policyc-bench generate-editor-files [--root DIR]`: writes the files generated from the
/// compiler's tables (``EditorGrammar``): the TextMate grammar of editors/vscode and the keyword
/// lines hover shows. Run it from the package root after changing the keywords or grammar.md.
func runGenerateEditorFiles(_ arguments: [String]) {
    var root = FileManager.default.currentDirectoryPath
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        guard argument == "--root", let value = rest.popFirst() else { fail("generate-editor-files: unknown argument `\(argument)`") }
        root = value
    }
    guard let grammar = try? String(contentsOfFile: root + "/grammar.md", encoding: .utf8) else {
        fail("cannot read \(root)/grammar.md: run from the package root or pass --root")
    }
    let files = [(EditorGrammar.textMatePath, EditorGrammar.textMate()),
                 (EditorGrammar.keywordLinesPath, EditorGrammar.keywordLinesSource(grammarMarkdown: grammar))]
    for (path, text) in files {
        let url = URL(fileURLWithPath: root + "/" + path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            fail("cannot write \(url.path): \(error)")
        }
        print("wrote \(path)")
    }
}
