/// A declaration remembered with the file it came from, so diagnostics and compiled
/// `source` fields can point at it.
struct Declared<Syntax> {
    let syntax: Syntax
    let file: SourceFile
}

/// A declared name (feature, operation, incident type, action) and where it was declared.
struct DeclaredName {
    let name: Name
    let file: SourceFile
}
