/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable {
    /// Fails `check` and `compile`.
    case error
    /// Reported; fails only under `--strict`.
    case warning
    /// Extra context attached to a run (e.g. the diagnostics cap).
    case note

    private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }

    /// Errors sort first.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One message about a source file: severity, stable code, one-line message, span, optional help.
///
/// Message style (after Cedar's guide): lower case, no trailing period, one line, user text
/// in backticks; anything more goes in `help`.
public struct Diagnostic: Sendable, Equatable {
    /// Error, warning or note.
    public var severity: Severity
    /// The stable code, e.g. `P2004`.
    public var code: DiagnosticCode
    /// The one-line message.
    public var message: String
    /// The file it is about.
    public var file: SourceFile
    /// Where in the file.
    public var span: Span
    /// A separate hint, e.g. "did you mean `claude-3-opus`?".
    public var help: String?

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String, file: SourceFile, span: Span, help: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.span = span
        self.help = help
    }

    /// Diagnostics are equal when everything but the file object identity matches.
    public static func == (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        lhs.severity == rhs.severity && lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.file.path == rhs.file.path && lhs.span == rhs.span && lhs.help == rhs.help
    }
}

/// Collects diagnostics for one compilation, capped so that garbage input cannot flood output.
public struct DiagnosticBag: Sendable {
    /// At most this many diagnostics are kept; one more adds a P1103 note and stops collecting.
    public static let limit = 200

    /// Diagnostics in the order they were reported.
    public private(set) var items: [Diagnostic] = []
    private var capped = false

    /// Creates an empty bag.
    public init() {}

    /// Whether any error was reported.
    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    /// Number of errors.
    public var errorCount: Int { items.filter { $0.severity == .error }.count }
    /// Number of warnings.
    public var warningCount: Int { items.filter { $0.severity == .warning }.count }

    /// Adds a diagnostic unless the cap was reached.
    public mutating func report(_ diagnostic: Diagnostic) {
        guard !capped else { return }
        if items.count == DiagnosticBag.limit {
            capped = true
            items.append(Diagnostic(.note, .tooManyErrors, "too many diagnostics; stopped after \(DiagnosticBag.limit)",
                                    file: diagnostic.file, span: diagnostic.span))
            return
        }
        items.append(diagnostic)
    }

    /// Adds every diagnostic of another bag.
    public mutating func merge(_ other: DiagnosticBag) {
        for item in other.items { report(item) }
    }

    /// Diagnostics sorted by file order of first appearance, then position, for stable output.
    public func sorted(fileOrder: [String]) -> [Diagnostic] {
        let rank = Dictionary(fileOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return items.enumerated().sorted { left, right in
            let a = left.element, b = right.element
            let fa = rank[a.file.path] ?? Int.max, fb = rank[b.file.path] ?? Int.max
            if fa != fb { return fa < fb }
            if a.span.start != b.span.start { return a.span.start < b.span.start }
            return left.offset < right.offset
        }.map(\.element)
    }
}
