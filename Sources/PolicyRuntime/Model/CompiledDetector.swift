/// A detector a policy declares (`detector customer_id { … }`): a regular expression in a
/// category, with an optional check of what it matches.
public struct CompiledDetector: Sendable, Equatable {
    /// The detection type: `category.name`, e.g. `pii.customer_id`.
    public var name: String
    /// The pattern (grammar.md §3, "Regular expressions").
    public var pattern: String
    /// The `/…/i` flag.
    public var caseInsensitive: Bool
    /// A check each match must pass, or nil.
    public var validate: MatchValidation?
    /// `file:line:col` of the declaration.
    public var source: String

    /// Creates a detector.
    public init(name: String, pattern: String, caseInsensitive: Bool, validate: MatchValidation?, source: String) {
        self.name = name
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        self.validate = validate
        self.source = source
    }

    /// The category, the part of the name before the dot.
    public var category: String { String(name.prefix { $0 != "." }) }

}

/// The checks a custom detector may require of a match, from a fixed menu.
public enum MatchValidation: String, ClosedVocabulary {
    /// The Luhn checksum over the match's digits (card and account numbers).
    case luhn
    /// ISO 7064 mod 97-10 over the match's letters and digits, first four moved to the end (IBAN).
    case mod97

    /// `check`
    public static let vocabularyName = "check"

    /// Whether the matched bytes pass.
    public func accepts(_ match: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .luhn:
            let digits = match.filter { $0 >= 0x30 && $0 <= 0x39 }.map { $0 - 0x30 }
            return digits.count >= 2 && CreditCard.luhn(digits)
        case .mod97:
            let characters = match.filter { ByteClass.isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
                .map { $0 >= 0x61 ? $0 - 0x20 : $0 }
            return characters.count >= 5 && IBAN.mod97(characters) == 1
        }
    }
}
