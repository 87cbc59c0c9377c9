/// The ASCII classes a bracket expression may name, `[[:alpha:]]` or negated `[[:^alpha:]]`,
/// with RE2's definitions (its syntax reference, "ASCII character classes"). They are ASCII only
/// whatever the text, as in RE2: `[[:alpha:]]` does not match `é`.
enum PosixClass {
    /// Every name and its set: the one list the parser, its error message and grammar.md's table
    /// (checked by a test) are read from.
    static let sets: [String: ScalarSet] = [
        "alnum": ScalarSet([0x30...0x39, 0x41...0x5A, 0x61...0x7A]),
        "alpha": ScalarSet([0x41...0x5A, 0x61...0x7A]),
        "ascii": ScalarSet([0x00...0x7F]),
        "blank": ScalarSet([0x09...0x09, 0x20...0x20]),
        "cntrl": ScalarSet([0x00...0x1F, 0x7F...0x7F]),
        "digit": ScalarSet([0x30...0x39]),
        "graph": ScalarSet([0x21...0x7E]),
        "lower": ScalarSet([0x61...0x7A]),
        "print": ScalarSet([0x20...0x7E]),
        "punct": ScalarSet([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]),
        "space": ScalarSet([0x09...0x0D, 0x20...0x20]),
        "upper": ScalarSet([0x41...0x5A]),
        "word": ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]),
        "xdigit": ScalarSet([0x30...0x39, 0x41...0x46, 0x61...0x66]),
    ]

    /// The names in order, for messages.
    static let names: [String] = sets.keys.sorted()
}
