/// Every place a declared name is written, declarations and uses, as the checker resolved them:
/// what the language server's definition, references, rename and hover stand on. The checker
/// records a use only when it resolves (an unknown name is a diagnostic, not a reference), so
/// the index agrees with the compiled policy by construction.
public struct SymbolIndex: Sendable {
    /// The kinds of name a policy declares. Each kind is one namespace.
    public enum Kind: String, Sendable, CaseIterable {
        /// `role name`
        case role
        /// `model "id"` and its aliases (a use of an alias refers to the model).
        case model
        /// `features a, b`
        case feature
        /// `operations a, b`
        case operation
        /// An incident type: declared by `incidents a` or by its `playbook a { … }`.
        case incident
        /// `actions a`: a custom action.
        case action
        /// `patterns name { … }`
        case patternList = "pattern list"
        /// `detector name { … }`: a custom detector (used as `category.name`).
        case detector
        /// `channel name "…"`
        case channel
        /// `alert name { … }`
        case alert
        /// `budget name { … }`
        case budget
        /// `rate_limit name { … }`
        case rateLimit = "rate limit"
        /// `control "id" "…"`
        case control
        /// `rule name { … }`
        case rule
        /// `test name { … }`
        case test
    }

    /// One place a name is written.
    public struct Occurrence: Sendable, Equatable {
        /// The kind of name.
        public var kind: Kind
        /// The name it refers to (for a model, its id even where an alias is written).
        public var name: String
        /// The text written there (an alias, or `name`).
        public var text: String
        /// The file, as the compiler names it.
        public var path: String
        /// The bytes of the name itself (inside the quotes of a string written without escapes;
        /// the whole literal, quotes included, when ``quoted``).
        public var span: Span
        /// Whether ``span`` includes quotes (a string literal with escapes), so a rename must write them.
        public var quoted: Bool
        /// Whether this is where the name is declared.
        public var isDeclaration: Bool
    }

    /// Every occurrence, in the order the checker met them.
    public private(set) var occurrences: [Occurrence] = []
    /// Whether occurrences are recorded (a compilation for the command line does without).
    let recording: Bool

    /// An empty index that records nothing.
    public init() {
        recording = false
    }

    /// An empty index, recording what it is given when `recording`.
    init(recording: Bool) {
        self.recording = recording
    }

    /// Records a name written as a word.
    mutating func add(_ kind: Kind, _ name: String, _ written: Name, _ file: SourceFile, declaration: Bool = false) {
        guard recording else { return }
        occurrences.append(Occurrence(kind: kind, name: name, text: written.text, path: file.path, span: written.span, quoted: false,
                                      isDeclaration: declaration))
    }

    /// Records a name written as a string literal; the span is the text inside the quotes when
    /// the literal has no escapes (its bytes are then exactly its value plus two quotes).
    mutating func add(_ kind: Kind, _ name: String, _ written: StringLiteral, _ file: SourceFile, declaration: Bool = false) {
        guard recording else { return }
        let plain = Int(written.span.end - written.span.start) == written.value.utf8.count + 2
        let span = plain ? Span(start: written.span.start + 1, end: written.span.end - 1) : written.span
        occurrences.append(Occurrence(kind: kind, name: name, text: written.value, path: file.path, span: span, quoted: !plain,
                                      isDeclaration: declaration))
    }

    /// The occurrence whose name covers byte `offset` of `path` (its end included, so a cursor
    /// just after a name finds it).
    public func occurrence(in path: String, at offset: UInt32) -> Occurrence? {
        occurrences.first { $0.path == path && $0.span.start <= offset && offset <= $0.span.end }
    }

    /// Every occurrence of the name `name` of `kind`, declarations first.
    public func occurrences(of kind: Kind, _ name: String) -> [Occurrence] {
        let all = occurrences.filter { $0.kind == kind && $0.name == name }
        return all.filter(\.isDeclaration) + all.filter { !$0.isDeclaration }
    }

    /// Where the name is declared (a model's id, not its aliases; an incident type's `incidents`
    /// entry and its playbook).
    public func declarations(of kind: Kind, _ name: String) -> [Occurrence] {
        occurrences.filter { $0.kind == kind && $0.name == name && $0.isDeclaration && (kind != .model || $0.text == name) }
    }

    /// The declared names of `kind`, in declaration order, without repeats.
    public func names(of kind: Kind) -> [String] {
        var seen = Set<String>()
        return occurrences.filter { $0.kind == kind && $0.isDeclaration && $0.text == $0.name }.map(\.name).filter { seen.insert($0).inserted }
    }
}
