/// A fixed set of words of the policy language and the compiled document (severities, audit
/// levels, reason codes, …), each an enum whose raw values are the words as written.
///
/// The compiled-document reader refuses any other word, naming the vocabulary; the checker
/// offers "did you mean" from the same cases; docs list ``words``.
/// A word prints as it is written (`approval_required`, not the Swift case name).
public protocol ClosedVocabulary: RawRepresentable, CaseIterable, Sendable, Hashable, CustomStringConvertible
where RawValue == String {
    /// What one word of the vocabulary is called in messages: `severity`, `audit level`, ….
    static var vocabularyName: String { get }
}

extension ClosedVocabulary {
    /// The word as written.
    public var description: String { rawValue }

    /// Every word, in declaration order.
    public static var words: [String] { allCases.map(\.rawValue) }

    /// The words for a message: `low, medium, high or critical`.
    public static var wordList: String {
        let words = self.words.map { "`\($0)`" }
        return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
