/// The bytes the detector scanner stops at (its *anchors*), defined once: byte by byte for the
/// credential prefix index, which keys each prefix by its first anchor, and sixteen bytes at a
/// time for the scanner's block loop. A test checks the two agree on every byte in every
/// context.
///
/// Anchors are `: = > @ _` (URLs, assignments, XML values, e-mail, token prefixes), `~` (Azure
/// client secrets), `-` and `.` (flags, key blocks, prefixes, host names)
/// unless a space or a control follows (a sentence's end, a list's bullet: every shape has a
/// byte after its dot or dash), digits that start a word (numbers, a phone's `+` or `(` read
/// back from its first digit; `v2`, `utf8` and the tail of `A1B2C3` are no number's start), capitals that start a word and are followed by a byte of
/// 0x30–0x5F (a digit, a capital, `_`…: key ids and IBANs start so; `The`, `I` and the inside of
/// `HTTPServer` do not), the `J` of a JWT's `eyJ`, and 0xF3 (tag characters). Lower-case
/// letters, spaces and the rest of punctuation — most of prose and code — are not.
struct AnchorClassifier {
    /// Whether the scanner stops at `byte` when `previous` comes before it and `next` follows
    /// it. A nil `previous` is the start of the text (as a space before it). A nil `next` is
    /// the end of a credential prefix, where the body follows: printable, of any case — the
    /// scanner's own end of text reads as a zero byte instead (its padding), which starts nothing.
    static func stopsAt(_ byte: UInt8, previous: UInt8?, next: UInt8?) -> Bool {
        let startsWord = previous.map { !ByteClass.isAlnum($0) } ?? true
        switch byte {
        case 0x3A, 0x3D, 0x3E, 0x40, 0x5F, 0x7E, 0xF3:
            return true
        case 0x30...0x39:
            return startsWord
        case 0x41...0x5A:
            if byte == 0x4A { return true }
            // The byte after a prefix is the body's, which may be anything.
            guard let next, (0x30...0x5F).contains(next) else { return false }
            return startsWord
        case 0x2D, 0x2E:
            guard let next else { return true }
            return next > 0x20
        default:
            return false
        }
    }

    private let digit = ByteVector(repeating: 0x30)
    private let digitSpan = ByteVector(repeating: 9)
    private let capital = ByteVector(repeating: 0x41)
    private let capitalSpan = ByteVector(repeating: 25)
    private let keyByte = ByteVector(repeating: 0x30)
    private let keyByteSpan = ByteVector(repeating: 0x2F)
    private let blank = ByteVector(repeating: 0x20)
    private let j = ByteVector(repeating: 0x4A)
    private let dash = ByteVector(repeating: 0x2D)
    private let one = ByteVector(repeating: 1)
    private let four = ByteVector(repeating: 0x04)
    private let equals = ByteVector(repeating: 0x3D)
    private let greater = ByteVector(repeating: 0x3E)
    private let at = ByteVector(repeating: 0x40)
    private let underscore = ByteVector(repeating: 0x5F)
    private let tagLead = ByteVector(repeating: 0xF3)
    private let tilde = ByteVector(repeating: 0x7E)
    private let fold = ByteVector(repeating: 0x20)
    private let letter = ByteVector(repeating: 0x61)

    /// The lanes whose byte is an ASCII letter or digit.
    @inline(__always)
    func alphanumerics(_ block: ByteVector) -> ByteMask {
        ByteMasks.inRange(block | fold, letter, capitalSpan) | ByteMasks.inRange(block, digit, digitSpan)
    }

    /// The lanes of `block` the scanner stops at; `next` is the block one byte further on, and
    /// `startsWord` the lanes whose previous byte is not a letter or digit.
    @inline(__always)
    func anchors(_ block: ByteVector, next: ByteVector, startsWord: ByteMask) -> ByteMask {
        // Digits, and capitals before a key byte, where a word starts; any `J`.
        let wordStarts = (ByteMasks.inRange(block, digit, digitSpan)
            | (ByteMasks.inRange(block, capital, capitalSpan) & ByteMasks.inRange(next, keyByte, keyByteSpan))) & startsWord
        let dashOrDot = ByteMasks.inRange(block, dash, one) & ByteMasks.greater(next, blank)
        // `:` (0x3A) and `>` (0x3E) are the only bytes that `| 0x04` makes 0x3E.
        let single = ByteMasks.equal(block | four, greater) | ByteMasks.equal(block, equals) | ByteMasks.equal(block, at)
            | ByteMasks.equal(block, underscore) | ByteMasks.equal(block, tilde) | ByteMasks.equal(block, tagLead)
            | ByteMasks.equal(block, j)
        return wordStarts | dashOrDot | single
    }
}
