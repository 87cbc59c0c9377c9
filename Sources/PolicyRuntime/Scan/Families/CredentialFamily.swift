/// One credential format that a prefix identifies: a row of ``CredentialFamilies/table``.
///
/// A token is `lead? prefix body tail? suffix?`: an optional run of `lead` bytes before the prefix
/// (Azure AD secrets put three characters and a digit before their `Q~`), one of the literal
/// `prefixes` (case-sensitive, as the issuers publish them), then a run of `body` bytes whose
/// length is in `length`, then an optional second part after a separator (``Tail``: SendGrid's
/// `SG.<22>.<43>`), then an optional literal `suffix`. The token must stand alone: no word byte
/// right before or after it, nor a `-` or `.` of `body` before it, nor a byte of its last run
/// after it. Every body is then checked to not be a placeholder (``Placeholder``) and against the
/// row's `validation`.
///
/// Adding a format is one row and its tests (`Tests/PolicyRuntimeTests/CredentialFamilyTests.swift`).
struct CredentialFamily: Sendable {
    /// What the body must also satisfy, beyond its bytes and length.
    enum Validation: Sendable {
        /// Nothing more.
        case none
        /// At least this many bits of Shannon entropy per byte: tells random keys from words.
        case entropy(Double)
        /// Both letters and digits occur (random keys of 20+ characters nearly always have both).
        case lettersAndDigits
    }

    /// A second run after a literal separator, for formats in parts whose separator may also end
    /// a sentence (`.`): the body cannot simply include it.
    struct Tail: Sendable {
        /// The literal between the body and the tail's run.
        let separator: String
        /// Bytes allowed in the tail's run.
        let bytes: ByteSet
        /// The run's length.
        let length: ClosedRange<Int>
        /// Whether a token may end at the body instead (older formats without the part).
        let optional: Bool

        init(_ separator: String, _ bytes: ByteSet, length: ClosedRange<Int>, optional: Bool = false) {
            self.separator = separator
            self.bytes = bytes
            self.length = length
            self.optional = optional
        }
    }

    /// The name decisions report as the detection's `family` (`gitlab_pat`).
    let name: String
    /// The detector it reports as (`secret.api_key` for most keys).
    let detector: DetectorID
    /// The literal prefixes, case-sensitive. Each must contain a byte the scanner stops at
    /// (``CredentialPrefixIndex/stopsAt(_:_:afterWord:)``); a test checks it.
    let prefixes: [String]
    /// Bytes allowed in the body.
    let body: ByteSet
    /// The body's length (without prefix and suffix).
    let length: ClosedRange<Int>
    /// The part after the body, if the format has one.
    let tail: Tail?
    /// A literal the token ends with, after the body (`==` of a base64 key), if any.
    let suffix: String?
    /// Bytes allowed before the prefix and how many of them there must be (nil: none).
    let lead: (bytes: ByteSet, count: ClosedRange<Int>)?
    /// The extra check on the body.
    let validation: Validation
    /// Where the format is published, for people maintaining the table.
    let source: String

    init(_ name: String, _ detector: DetectorID, prefixes: [String], body: ByteSet, length: ClosedRange<Int>,
         tail: Tail? = nil, suffix: String? = nil, lead: (bytes: ByteSet, count: ClosedRange<Int>)? = nil, validation: Validation = .none,
         source: String) {
        self.name = name
        self.detector = detector
        self.prefixes = prefixes
        self.body = body
        self.length = length
        self.tail = tail
        self.suffix = suffix
        self.lead = lead
        self.validation = validation
        self.source = source
    }
}

/// A set of bytes as four 64-bit words: membership is one shift and one mask.
struct ByteSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// The bytes of `characters` (ASCII) and of the ranges written `a-z` in it.
    /// `"A-Za-z0-9_-"` is letters, digits, `_` and `-` (a `-` first or last is itself).
    init(_ characters: StaticString) {
        words = (0, 0, 0, 0)
        let bytes = UnsafeBufferPointer(start: characters.utf8Start, count: characters.utf8CodeUnitCount)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
                for byte in bytes[index]...bytes[index + 2] { insert(byte) }
                index += 3
            } else {
                insert(bytes[index])
                index += 1
            }
        }
    }

    private mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    /// Whether `byte` is in the set.
    @inline(__always) func contains(_ byte: UInt8) -> Bool {
        let word: UInt64
        switch byte >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word >> UInt64(byte & 63) & 1 != 0
    }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    /// `A-Za-z0-9`
    static let alphanumeric = ByteSet("A-Za-z0-9")
    /// `A-Za-z0-9_-`, base64url's alphabet.
    static let base64URL = ByteSet("A-Za-z0-9_-")
    /// `A-Za-z0-9+/`, base64's alphabet (padding is a suffix).
    static let base64 = ByteSet("A-Za-z0-9+/")
    /// `0-9a-f`
    static let lowerHex = ByteSet("0-9a-f")
    /// `0-9a-fA-F`
    static let hex = ByteSet("0-9a-fA-F")
    /// `A-Z0-9`
    static let upperAlphanumeric = ByteSet("A-Z0-9")
}
