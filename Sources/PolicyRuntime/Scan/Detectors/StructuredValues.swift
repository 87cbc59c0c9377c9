/// Structured values — e-mail addresses, SSNs, payment cards, phone numbers, IP addresses and
/// IBANs — validated from the anchor byte where ``DetectorScanner`` found them.

/// `local@domain.tld`.
enum Email {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at anchor: Int) -> Finding? {
        let at = anchor
        var start = at
        while start > 0, at - start < 64 {
            let byte = text[start - 1]
            guard ByteClass.isAlnum(byte) || byte == 0x2E || byte == 0x5F || byte == 0x25 || byte == 0x2B || byte == 0x2D else { break }
            start -= 1
        }
        guard start < at, text[start] != 0x2E, text[at - 1] != 0x2E else { return nil }
        // `user:password@host` inside a URL is not an e-mail address; `mailto:` and `Email:`
        // before the address are labels, not userinfo.
        if start > 0, text[start - 1] == 0x2F || (text[start - 1] == 0x3A && !isLabel(text, colon: start - 1)) { return nil }
        // A password with a raw `#` or `?` (`postgres://app:p#ss@db`) ends the same way.
        if start > 0, text[start - 1] == 0x23 || text[start - 1] == 0x3F, URLScan.endsUserinfo(text, at: at) { return nil }
        var end = at + 1
        var lastDot = -1
        var labelLength = 0
        while end < text.count, end - at < 254 {
            let byte = text[end]
            if ByteClass.isAlnum(byte) || byte == 0x2D {
                labelLength += 1
            } else if byte == 0x2E, labelLength > 0, end + 1 < text.count, ByteClass.isAlnum(text[end + 1]) {
                lastDot = end
                labelLength = 0
            } else {
                break
            }
            end += 1
        }
        guard lastDot > at + 1 else { return nil }
        let tld = UnsafeBufferPointer(rebasing: text[(lastDot + 1)..<end])
        guard tld.count >= 2, tld.allSatisfy(ByteClass.isLetter) else { return nil }
        // `git@github.com:org/repo.git` is an SSH remote (scp syntax), not an address.
        if end + 1 < text.count, text[end] == 0x3A, isPathStart(text[end + 1]) { return nil }
        return Finding(detector: .email, start: start, end: end)
    }

    /// Labels that may stand glued before an address with a colon.
    private static let labels: [StaticString] = ["mailto", "email", "e-mail", "mail"]

    /// Whether the word ending at `colon` is a label such as `mailto` or `Email`, itself not
    /// part of a URL or a longer token (`https://email:pw@host` is userinfo).
    static func isLabel(_ text: UnsafeBufferPointer<UInt8>, colon: Int) -> Bool {
        for label in labels {
            let length = label.utf8CodeUnitCount
            let start = colon - length
            guard start >= 0 else { continue }
            var same = true
            for offset in 0..<length where ASCIIFold.table[Int(text[start + offset])] != label.utf8Start[offset] {
                same = false
                break
            }
            guard same else { continue }
            if start == 0 { return true }
            let before = text[start - 1]
            return !ByteClass.isWord(before) && before != 0x2F && before != 0x2D && before != 0x2E && before != 0x3A
        }
        return false
    }

    /// Bytes that start the path of an scp-style remote after `host:`.
    @inline(__always) private static func isPathStart(_ byte: UInt8) -> Bool {
        ByteClass.isWord(byte) || byte == 0x2F || byte == 0x7E || byte == 0x2E
    }
}

/// SSNs, payment cards, phone numbers and IPv4 addresses, which all start with a digit (or `+`
/// / `(` for phones).
enum Numbers {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int, wants: (DetectorID) -> Bool) -> Finding? {
        // A number glued to letters, or continuing a longer dotted or dashed token, is something else.
        if start > 0 {
            let before = text[start - 1]
            if ByteClass.isAlnum(before) || before == 0x5F || before == 0x2E || before == 0x2D || before == 0x2F { return nil }
        }
        let first = text[start]
        if first == 0x2B || first == 0x28 {
            return wants(.phone) ? Phone.find(text, at: start) : nil
        }
        if wants(.ipAddress), let found = IPv4Scan.find(text, at: start) { return found }
        if wants(.ssn), let found = SSN.find(text, at: start) { return found }
        if wants(.creditCard), let found = CreditCard.find(text, at: start) { return found }
        if wants(.phone), let found = Phone.find(text, at: start) { return found }
        return nil
    }

    /// Digits separated by single separators from `allowed`: the groups' lengths, the digits,
    /// the separator used (nil when none), and the end.
    static func groups(_ text: UnsafeBufferPointer<UInt8>, from start: Int, separators allowed: Set<UInt8>, maxDigits: Int)
        -> (lengths: [Int], digits: [UInt8], separator: UInt8?, end: Int)? {
        var lengths: [Int] = []
        var digits: [UInt8] = []
        var separator: UInt8?
        var index = start
        while index < text.count {
            let groupStart = index
            while index < text.count, ByteClass.isDigit(text[index]), digits.count <= maxDigits {
                digits.append(text[index] - 0x30)
                index += 1
            }
            guard index > groupStart else { return nil }
            lengths.append(index - groupStart)
            guard index + 1 < text.count, allowed.contains(text[index]), ByteClass.isDigit(text[index + 1]) else { break }
            if let separator, separator != text[index] { break }
            separator = text[index]
            index += 1
        }
        return (lengths, digits, separator, index)
    }

    /// Whether the number ends cleanly: not followed by a letter, a digit, or a separator and a digit.
    static func endsCleanly(_ text: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        guard end < text.count else { return true }
        let after = text[end]
        if ByteClass.isAlnum(after) || after == 0x5F { return false }
        if (after == 0x2D || after == 0x2E || after == 0x2F), end + 1 < text.count, ByteClass.isAlnum(text[end + 1]) { return false }
        return true
    }
}

/// US social security numbers `ddd-dd-dddd` (dashes or spaces): area not 000, 666 or 9xx,
/// group not 00, serial not 0000.
enum SSN {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        guard let parsed = Numbers.groups(text, from: start, separators: [0x2D, 0x20], maxDigits: 9),
              parsed.lengths == [3, 2, 4], Numbers.endsCleanly(text, parsed.end) else { return nil }
        let d = parsed.digits.map(Int.init)
        let area = d[0] * 100 + d[1] * 10 + d[2]
        let group = d[3] * 10 + d[4]
        let serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8]
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
        return Finding(detector: .ssn, start: start, end: parsed.end)
    }
}

/// Payment cards: 13–19 digits, plain or grouped with one consistent separator, a known
/// issuer prefix for the length, and a valid Luhn checksum.
enum CreditCard {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        // Room for a trailing expiry or CVV group (`4111 1111 1111 1111 123`) besides the number.
        guard let parsed = Numbers.groups(text, from: start, separators: [0x2D, 0x20], maxDigits: 19 + 4) else { return nil }
        if accepts(parsed.lengths, parsed.digits, grouped: parsed.separator != nil), Numbers.endsCleanly(text, parsed.end) {
            return Finding(detector: .creditCard, start: start, end: parsed.end)
        }
        // Space-separated groups may run on into the next token: an expiry (`… 1111 12/27`), a
        // CVV (`… 1111 123`). The longest run of whole groups that is a card is the card.
        guard parsed.separator == 0x20 else { return nil }
        var lengths = parsed.lengths
        var digits = parsed.digits
        while lengths.count > 1 {
            digits.removeLast(min(lengths.removeLast(), digits.count))
            let end = start + lengths.reduce(lengths.count - 1, +)
            if accepts(lengths, digits, grouped: lengths.count > 1) { return Finding(detector: .creditCard, start: start, end: end) }
        }
        return nil
    }

    /// Whether groups of these lengths holding these digits are a card number.
    private static func accepts(_ lengths: [Int], _ digits: [UInt8], grouped: Bool) -> Bool {
        guard (13...19).contains(digits.count) else { return false }
        if grouped {
            // Grouped numbers come in groups of 4 (Amex and Diners 4-6-5 / 4-6-4).
            let fours = lengths.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(lengths.last!)
            guard fours || lengths == [4, 6, 5] || lengths == [4, 6, 4] else { return false }
        }
        return issuerAccepts(digits) && luhn(digits)
    }

    /// Visa, Mastercard, Amex, Discover, JCB, Diners Club and UnionPay prefixes with their lengths.
    static func issuerAccepts(_ digits: [UInt8]) -> Bool {
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + Int($1) } }
        let length = digits.count
        switch true {
        case digits[0] == 4: return [13, 16, 19].contains(length)
        case (51...55).contains(prefix(2)), (2221...2720).contains(prefix(4)): return length == 16
        case prefix(2) == 34 || prefix(2) == 37: return length == 15
        case prefix(4) == 6011, prefix(2) == 65, (644...649).contains(prefix(3)): return (16...19).contains(length)
        case (3528...3589).contains(prefix(4)): return (16...19).contains(length)
        case (300...305).contains(prefix(3)), prefix(2) == 36, prefix(2) == 38, prefix(2) == 39: return (14...19).contains(length)
        case prefix(2) == 62: return (16...19).contains(length)
        default: return false
        }
    }

    /// The Luhn checksum.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}

/// Phone numbers. North American `(555) 123-4567`, `555-123-4567`, `555.123.4567`,
/// `555 123-4567`, with a `1` or `+1` trunk (`1-555-123-4567`, `+1 555 123 4567`);
/// international `+44 20 7946 0958` (a `+`, a country code, 8–15 digits in all) or E.164
/// without separators `+14155552671` (the `+` is then required); national numbers with a trunk
/// `0` `020 7946 0958`, `0161 496 0000` (10–11 digits in spaced groups).
/// Separators or a `+` are required, so bare digit strings (order numbers, timestamps) stay clean.
enum Phone {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        var index = start
        var international = false
        if text[index] == 0x2B {
            international = true
            index += 1
            guard index < text.count, ByteClass.isDigit(text[index]) else { return nil }
        }
        if text[index] == 0x31, index + 1 < text.count, isSeparator(text[index + 1]) || text[index + 1] == 0x28 {
            // A `1` or `+1` trunk followed by a North American number. Without the `+`, the
            // separator after the `1` must be the number's own (`1-415-555-2671`), so that
            // `item 1 415-555-2671` reports the number alone, found from its own first digit.
            var next = index + 1
            if text[next] != 0x28 { next += 1 }
            guard let found = northAmerican(text, at: next) else { return nil }
            if !international, text[index + 1] != 0x28, next + 3 < text.count, text[next] != 0x28, text[next + 3] != text[index + 1] {
                return nil
            }
            return Finding(detector: .phone, start: start, end: found)
        }
        if international {
            guard let parsed = Numbers.groups(text, from: index, separators: [0x20, 0x2D, 0x2E], maxDigits: 15),
                  Numbers.endsCleanly(text, parsed.end) else { return nil }
            if parsed.separator == nil {
                // E.164 written solid: a country code (not 0), 10–15 digits; +1 is North American.
                guard (10...15).contains(parsed.digits.count), parsed.digits[0] != 0, Set(parsed.digits).count > 2 else { return nil }
                if parsed.digits[0] == 1, parsed.digits.count != 11 || parsed.digits[1] < 2 || parsed.digits[4] < 2 { return nil }
                return Finding(detector: .phone, start: start, end: parsed.end)
            }
            guard (8...15).contains(parsed.digits.count), parsed.lengths[0] <= 3 else { return nil }
            return Finding(detector: .phone, start: start, end: parsed.end)
        }
        if let end = northAmerican(text, at: start) { return Finding(detector: .phone, start: start, end: end) }
        if text[start] == 0x30 { return national(text, at: start) }
        return nil
    }

    @inline(__always) private static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2D || byte == 0x2E }

    /// `(ddd) ddd-dddd`, `ddd-ddd-dddd`, `ddd.ddd.dddd`, `ddd ddd dddd`, `ddd ddd-dddd`; area and
    /// exchange codes start with 2–9.
    static func northAmerican(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        guard start < text.count else { return nil }  // `+1.` at the very end of a text
        var index = start
        var digits: [Int] = []
        func take(_ count: Int) -> Bool {
            for _ in 0..<count {
                guard index < text.count, ByteClass.isDigit(text[index]) else { return false }
                digits.append(Int(text[index] - 0x30))
                index += 1
            }
            return true
        }
        if text[index] == 0x28 {
            index += 1
            guard take(3), index < text.count, text[index] == 0x29 else { return nil }
            index += 1
            if index < text.count, text[index] == 0x20 || text[index] == 0x2D { index += 1 }
            guard take(3), index < text.count, text[index] == 0x2D || text[index] == 0x2E || text[index] == 0x20 else { return nil }
            index += 1
        } else {
            guard take(3), index < text.count else { return nil }
            let separator = text[index]
            guard isSeparator(separator) else { return nil }
            index += 1
            // The same separator twice, or a space then a dash (`415 555-2671`).
            guard take(3), index < text.count, text[index] == separator || (separator == 0x20 && text[index] == 0x2D) else { return nil }
            index += 1
        }
        guard take(4), digits[0] >= 2, digits[3] >= 2, Numbers.endsCleanly(text, index) else { return nil }
        return index
    }

    /// A national number after a trunk `0` (`020 7946 0958`, `0161 496 0000`, `07700 900123`):
    /// `0` and a non-zero digit opening a group of 2–5 digits, then 1–4 more groups of 2–6 digits
    /// (the last of 3 or more) with one space between them, 10–11 digits in all — so ISBNs
    /// (`0 306 40615 2`), dashed identifiers (`015-555-2671`), dates and `00` prefixes stay clean.
    static func national(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        guard start + 1 < text.count, text[start + 1] != 0x30,
              let parsed = Numbers.groups(text, from: start, separators: [0x20], maxDigits: 11),
              parsed.separator != nil, (10...11).contains(parsed.digits.count), (2...5).contains(parsed.lengths.count),
              (2...5).contains(parsed.lengths[0]), parsed.lengths.dropFirst().allSatisfy({ (2...6).contains($0) }),
              parsed.lengths.last! >= 3, Numbers.endsCleanly(text, parsed.end) else { return nil }
        return Finding(detector: .phone, start: start, end: parsed.end)
    }
}

/// Private, link-local and carrier-grade NAT IPv4 addresses (public and loopback are not sensitive).
/// In other notations (`inet_aton`'s), a bare token is an address only when it has four parts
/// (`0xa.0.0.1`, `010.0.0.01`) or is the cloud metadata address (`2852039166`, `0xa9fea9fe`,
/// `169.254.43518`): a lone integer or `10.1` is far more often a count or a version.
enum IPv4Scan {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        let end = ByteClass.run(text, from: start, limit: 15) { ByteClass.isDigit($0) || $0 == 0x2E }
        var trimmed = end
        while trimmed > start, text[trimmed - 1] == 0x2E { trimmed -= 1 }  // a sentence-ending dot
        guard trimmed > start, end - trimmed <= 1 else { return nil }
        if end < text.count, ByteClass.isAlnum(text[end]) || text[end] == 0x5F { return otherNotation(text, at: start) }
        guard let parts = IPAddress.parseIPv4(Array(UnsafeBufferPointer(rebasing: text[start..<trimmed]))) else {
            return otherNotation(text, at: start)
        }
        guard IPAddress.isPrivateIPv4(parts) else { return nil }
        return Finding(detector: .ipAddress, start: start, end: trimmed)
    }

    /// An address in octal, hex, integer or short dotted form.
    private static func otherNotation(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        let end = ByteClass.run(text, from: start, limit: 40) { ByteClass.isHex($0) || $0 | 0x20 == 0x78 || $0 == 0x2E }
        var trimmed = end
        if trimmed > start, text[trimmed - 1] == 0x2E { trimmed -= 1 }
        // The shortest forms worth reading: `0xa.0.0.1` and `010.0.0.1` have nine bytes.
        guard trimmed - start >= 9, ByteClass.boundaryAfter(text, end),
              let address = IPAddress.parseIPv4AnyNotation(UnsafeBufferPointer(rebasing: text[start..<trimmed])) else { return nil }
        guard address.value == IPAddress.metadataIPv4 || (address.parts == 4 && IPAddress.isPrivateIPv4(IPAddress.octets(address.value)))
        else { return nil }
        return Finding(detector: .ipAddress, start: start, end: trimmed)
    }
}

/// Unique-local and link-local IPv6 addresses, found from one of their colons.
enum IPv6Scan {
    static func find(_ text: UnsafeBufferPointer<UInt8>, colon: Int) -> Finding? {
        func part(_ byte: UInt8) -> Bool { ByteClass.isHex(byte) || byte == 0x3A || byte == 0x2E }
        var start = colon
        while start > 0, colon - start < 45, part(text[start - 1]) { start -= 1 }
        // Only look at each candidate from its first colon.
        if let firstColon = (start..<colon).first(where: { text[$0] == 0x3A }), firstColon != colon { return nil }
        guard start < colon, ByteClass.isHex(text[start]) || text[start] == 0x3A else { return nil }
        if start > 0, ByteClass.isWord(text[start - 1]) { return nil }
        var end = ByteClass.run(text, from: colon, limit: 45, part)
        while end > colon, text[end - 1] == 0x2E { end -= 1 }
        if end < text.count, ByteClass.isWord(text[end]) { return nil }
        guard let address = IPAddress.parseIPv6(Array(UnsafeBufferPointer(rebasing: text[start..<end]))),
              IPAddress.isPrivateIPv6(address) else { return nil }
        return Finding(detector: .ipAddress, start: start, end: end)
    }
}

/// IBANs: a country code, check digits and the rest up to the length registered for that
/// country (groups of four may be separated by single spaces), valid under ISO 7064 mod 97-10.
/// Reading exactly the country's length is what ends a spaced IBAN: the next token, even a
/// capitalised word or a number (`BE68 5390 0754 7034 Thanks`), is not read into it.
enum IBAN {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        guard start + 4 < text.count, ByteClass.isDigit(text[start + 2]), ByteClass.isDigit(text[start + 3]),
              let length = length(text[start], text[start + 1]) else { return nil }
        var characters: [UInt8] = Array(UnsafeBufferPointer(rebasing: text[start..<start + 4]))
        var index = start + 4
        while index < text.count, characters.count < length {
            let byte = text[index]
            if ByteClass.isDigit(byte) || ByteClass.isUpper(byte) {
                characters.append(byte)
                index += 1
            } else if byte == 0x20, (characters.count % 4) == 0, index + 1 < text.count,
                      ByteClass.isDigit(text[index + 1]) || ByteClass.isUpper(text[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        guard characters.count == length, ByteClass.boundaryAfter(text, index), mod97(characters) == 1 else { return nil }
        return Finding(detector: .iban, start: start, end: index)
    }

    /// The IBAN length registered for a country (SWIFT's IBAN registry, and the countries that
    /// use IBANs outside it), nil for a country without IBANs.
    static func length(_ first: UInt8, _ second: UInt8) -> Int? {
        guard ByteClass.isUpper(first), ByteClass.isUpper(second) else { return nil }
        let length = lengths[Int(first - 0x41) * 26 + Int(second - 0x41)]
        return length == 0 ? nil : Int(length)
    }

    private static let lengths: [UInt8] = {
        let registry: [(String, UInt8)] = [
            ("AD", 24), ("AE", 23), ("AL", 28), ("AO", 25), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BF", 28),
            ("BG", 22), ("BH", 22), ("BI", 27), ("BJ", 28), ("BR", 29), ("BY", 28), ("CF", 27), ("CG", 27), ("CH", 21),
            ("CI", 28), ("CM", 27), ("CR", 22), ("CV", 25), ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18),
            ("DO", 28), ("DZ", 26), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27),
            ("GA", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GQ", 27), ("GR", 27), ("GT", 28), ("GW", 25),
            ("HN", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IR", 26), ("IS", 26), ("IT", 27),
            ("JO", 30), ("KM", 27), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
            ("LV", 21), ("LY", 25), ("MA", 28), ("MC", 27), ("MD", 24), ("ME", 22), ("MG", 27), ("MK", 19), ("ML", 28),
            ("MN", 20), ("MR", 27), ("MT", 31), ("MU", 30), ("MZ", 25), ("NE", 28), ("NI", 28), ("NL", 18), ("NO", 15),
            ("OM", 23), ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33),
            ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SN", 28), ("SO", 23),
            ("ST", 25), ("SV", 28), ("TD", 27), ("TG", 28), ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22),
            ("VG", 24), ("XK", 20), ("YE", 30),
        ]
        var table = [UInt8](repeating: 0, count: 26 * 26)
        for (country, length) in registry {
            let bytes = Array(country.utf8)
            table[Int(bytes[0] - 0x41) * 26 + Int(bytes[1] - 0x41)] = length
        }
        return table
    }()

    /// The IBAN check: move the first four characters to the end, letters to 10–35, mod 97.
    static func mod97(_ characters: [UInt8]) -> Int {
        var remainder = 0
        for byte in characters.dropFirst(4) + characters.prefix(4) {
            if ByteClass.isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - 0x30)) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - 0x41 + 10)) % 97
            }
        }
        return remainder
    }
}
