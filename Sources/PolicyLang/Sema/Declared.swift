/// A declaration remembered with the file it came from, so diagnostics and compiled
/// `source` fields can point at it.
struct Declared<Syntax> {
    let syntax: Syntax
    let file: SourceFile
}

/// Syntax that declares something by name.
protocol NamedSyntax {
    /// The declared name and where it is written.
    var declaredName: Name { get }
}

/// Declarations of one kind, by name, in declaration order.
struct DeclarationTable<Syntax: NamedSyntax> {
    /// Names in declaration order.
    private(set) var names: [String] = []
    private var entries: [String: Declared<Syntax>] = [:]

    /// The declaration of `name`, if any.
    subscript(name: String) -> Declared<Syntax>? { entries[name] }

    /// Every declaration, in order.
    var all: [Declared<Syntax>] { names.map { entries[$0]! } }

    /// Each declaration's name as written, with its file, in order.
    var declaredNames: [(name: Name, file: SourceFile)] { all.map { ($0.syntax.declaredName, $0.file) } }

    /// Adds a declaration unless its name is taken.
    /// - Returns: the earlier declaration of the same name, when there is one (nothing is added).
    mutating func add(_ syntax: Syntax, _ file: SourceFile) -> Declared<Syntax>? {
        let name = syntax.declaredName.text
        if let earlier = entries[name] { return earlier }
        entries[name] = Declared(syntax: syntax, file: file)
        names.append(name)
        return nil
    }
}

extension Name: NamedSyntax {
    var declaredName: Name { self }
}

extension ModelSyntax: NamedSyntax {
    var declaredName: Name { Name(text: id.value, span: id.span) }
}

extension DetectorSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension PatternListSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension RoleSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension RuleSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension AlertSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension PlaybookSyntax: NamedSyntax {
    var declaredName: Name { incident }
}

extension ChannelSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension BudgetSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension RateLimitSyntax: NamedSyntax {
    var declaredName: Name { name }
}

extension ControlSyntax: NamedSyntax {
    var declaredName: Name { Name(text: id.value, span: id.span) }
}
