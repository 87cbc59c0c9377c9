/// Documented input limits (grammar.md, "Limits"). Each one that is hit is an error, never a
/// silent truncation, so a hostile or broken file fails closed and fast.
public enum Limits {
    /// Largest source file, in bytes (16 MiB): ample for 10,000 roles (about 3 MB).
    public static let maxFileBytes = 16 * 1024 * 1024
    /// Longest string literal, in bytes of source.
    public static let maxStringBytes = 64 * 1024
    /// Longest name.
    public static let maxWordBytes = 256
    /// Longest number, in characters including the unit.
    public static let maxNumberBytes = 40
    /// Deepest nesting of parentheses, brackets and `not` in a condition.
    public static let maxNestingDepth = 64
    /// Most files one compilation may load through imports.
    public static let maxFiles = 256
}
