import PolicyRuntime

/// The semantic checker: resolves every name, types every condition, checks every unit and
/// limit, and reports every problem it finds in one run, each with a location.
///
/// It works in two passes: ``collect()`` records every declaration of every file (so order
/// does not matter and duplicates are found), then each declaration is checked and resolved
/// into the compiled model's terms, which ``Lowering`` assembles into the final document.
public struct Checker {
    var diagnostics = DiagnosticBag()
    var symbols = SymbolTable()
    let files: [PolicyFileSyntax]
    var resolved = ResolvedPolicy()
    /// Name location of each resolved rule, parallel to `resolved.rules`, for analysis warnings.
    var ruleSpans: [(name: String, file: SourceFile, span: Span)] = []

    /// Checks a policy made of `files` (dependencies first, root last).
    /// - Parameter indexSymbols: record where each name is declared and used
    ///   (``ResolvedPolicy/symbols``), as editors need; it costs about a tenth of the check.
    /// - Returns: the resolved policy (meaningful only when the bag has no errors) and the diagnostics.
    public static func check(_ files: [PolicyFileSyntax], indexSymbols: Bool = false) -> (ResolvedPolicy, DiagnosticBag) {
        var checker = Checker(files: files)
        checker.resolved.symbols = SymbolIndex(recording: indexSymbols)
        checker.collect()
        checker.indexDeclarations()
        checker.checkModels()
        checker.checkVocabularyLists()
        checker.checkInternalDomains()
        checker.checkChannelsAndControls()
        checker.checkPatternLists()
        checker.checkDetectors()
        checker.checkRoles()
        checker.checkPlaybooks()
        checker.checkAlerts()
        checker.checkRules()
        checker.checkBudgets()
        checker.checkRateLimits()
        checker.checkUsageSettings()
        checker.checkAudit()
        checker.checkRetention()
        checker.checkPlaceholders()
        checker.checkTests()
        checker.analyzeRules()
        return (checker.resolved, checker.diagnostics)
    }

    init(files: [PolicyFileSyntax]) {
        self.files = files
    }

    // MARK: - Reporting

    mutating func error(_ code: DiagnosticCode, _ message: String, _ file: SourceFile, _ span: Span, help: String? = nil) {
        diagnostics.report(Diagnostic(.error, code, message, file: file, span: span, help: help))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, _ file: SourceFile, _ span: Span, help: String? = nil) {
        diagnostics.report(Diagnostic(.warning, code, message, file: file, span: span, help: help))
    }

    /// "first declared at file:line:col" for duplicate-declaration help.
    func firstDeclared(_ file: SourceFile, _ span: Span) -> String {
        "first declared at \(file.reference(span.start))"
    }

    /// Reports entries that appear twice in one list (a warning: harmless but probably a slip).
    mutating func warnDuplicates(_ names: [(text: String, span: Span)], _ what: String, _ file: SourceFile) {
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            let repeated = names.count <= 16 ? names[..<index].contains { $0.text == name.text } : !seen.insert(name.text).inserted
            if repeated { warning(.duplicateEntry, "\(what) `\(name.text)` is listed twice", file, name.span) }
        }
    }

    /// Keeps the first occurrence of each element, in order.
    /// - Complexity: O(n²) for short lists, which is what policies hold (a role's models,
    ///   features, patterns), and cheaper there than hashing; O(n) through a set beyond that.
    func unique<Element: Hashable>(_ items: [Element]) -> [Element] {
        if items.count <= 16 {
            var result: [Element] = []
            result.reserveCapacity(items.count)
            for item in items where !result.contains(item) { result.append(item) }
            return result
        }
        var seen = Set<Element>()
        return items.filter { seen.insert($0).inserted }
    }
}
