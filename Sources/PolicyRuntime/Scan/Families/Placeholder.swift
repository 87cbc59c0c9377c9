/// Values that have a secret's shape but are written to stand for one: `AKIAXXXXXXXXXXXXXXXX`,
/// `ghp_xxxx…`, `sk-your-key-here`, AWS's documented `…EXAMPLE` keys. A leak detector that
/// flags them is noise in every README and tutorial a developer pastes.
enum Placeholder {
    /// Words that mark a stand-in, compared case-insensitively anywhere in the value.
    static let markers: [[UInt8]] = ["example", "xxxx", "your", "placeholder", "redacted", "sample", "dummy", "changeme",
                                     "insert", "replace", "123456789", "abcdefghij"].map { Array($0.utf8) }

    /// Whether `value` is a stand-in: it contains a marker word, a run of five or more of the same
    /// byte (`*****`, `00000`), or too few distinct bytes for a random key of its length (fewer
    /// than six, or than a third of its length — but at least two — when shorter).
    static func looksFake(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !value.isEmpty else { return true }
        var run = 1
        var seen: (UInt64, UInt64) = (0, 0)
        for index in value.indices {
            let byte = value[index]
            if index > 0 {
                run = byte == value[index - 1] ? run + 1 : 1
                if run >= 5 { return true }
            }
            let folded = ByteClass.isUpper(byte) ? byte | 0x20 : byte
            if folded < 64 { seen.0 |= 1 << UInt64(folded) } else if folded < 128 { seen.1 |= 1 << UInt64(folded - 64) }
        }
        let distinct = seen.0.nonzeroBitCount + seen.1.nonzeroBitCount
        if distinct < min(6, max(2, value.count / 3)) { return true }
        return containsMarker(value)
    }

    /// For each byte (lower case), the markers that start with it, as a bit mask.
    private static let markersStartingWith: [UInt32] = {
        precondition(markers.count <= 32, "a marker mask is 32 bits")
        var table = [UInt32](repeating: 0, count: 256)
        for (index, marker) in markers.enumerated() { table[Int(marker[0])] |= 1 << UInt32(index) }
        return table
    }()

    /// Whether `value` contains one of ``markers``, ignoring ASCII case: one pass, comparing
    /// only the markers that start with each byte (a credential's body is checked whole).
    private static func containsMarker(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let fold = ASCIIFold.table
        return markersStartingWith.withUnsafeBufferPointer { starting in
            for start in value.indices {
                var candidates = starting[Int(fold[Int(value[start])])]
                while candidates != 0 {
                    let marker = markers[candidates.trailingZeroBitCount]
                    candidates &= candidates - 1
                    guard start + marker.count <= value.count else { continue }
                    var index = 1
                    while index < marker.count, fold[Int(value[start + index])] == marker[index] { index += 1 }
                    if index == marker.count { return true }
                }
            }
            return false
        }
    }

    /// Whole values that stand for a secret in code and configuration (`password = "changeme"`,
    /// `token: null`, `-u user:pass`), compared ignoring ASCII case. Only assigned values use
    /// them — the generic secret detector's and a connection string's password
    /// (``SecretAssignment/isStandIn(_:)``): a credential's body is never a word.
    static let words: [[UInt8]] = [
        "password", "passwd", "pass", "secret", "token", "apikey", "api_key", "test", "testing", "fake", "dummy",
        "sample", "example", "changeme", "changeit", "redacted", "hidden", "masked", "none", "null", "nil", "undefined",
        "true", "false", "string", "value", "default", "admin", "root", "guest", "user", "letmein", "mypassword",
        "mysecret", "secretpassword", "mysecretpassword", "supersecret", "notasecret",
    ].map { Array($0.utf8) }

    /// Markers of a stand-in in an assigned value, besides ``markers``: elisions, masks, `_here`,
    /// HTML-escaped `<…>`, and reads of the environment written as text.
    static let valueMarkers: [[UInt8]] = [
        "...", "\u{2026}", "***", "xxx", "_here", "-here", "fake", "todo", "changeit", "&lt;", "process.env", "os.environ",
        "getenv", "env[", "secrets.",
    ].map { Array($0.utf8) }

    /// Whether `value` is one of ``words``.
    static func isStandInWord(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        words.contains { $0.count == value.count && ASCIIFold.matches(value, 0, $0) }
    }

    /// Whether an assigned value (a password in code, a URL's password) is a stand-in: it
    /// ``looksFake(_:)``, is one of ``words`` or contains one of ``valueMarkers``.
    static func isStandInValue(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        looksFake(value) || isStandInWord(value) || valueMarkers.contains { ASCIIFold.contains(value, $0) }
    }
}
