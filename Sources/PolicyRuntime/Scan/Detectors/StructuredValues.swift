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
        // `user:password@host` inside a URL is not an e-mail address.
        if start > 0, text[start - 1] == 0x3A || text[start - 1] == 0x2F { return nil }
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
        return Finding(detector: .email, start: start, end: end)
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
        guard let parsed = Numbers.groups(text, from: start, separators: [0x2D, 0x20], maxDigits: 19),
              (13...19).contains(parsed.digits.count), Numbers.endsCleanly(text, parsed.end) else { return nil }
        if parsed.separator != nil {
            // Grouped numbers come in groups of 4 (Amex and Diners 4-6-5 / 4-6-4).
            let lengths = parsed.lengths
            let fours = lengths.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(lengths.last!)
            guard fours || lengths == [4, 6, 5] || lengths == [4, 6, 4] else { return nil }
        }
        guard issuerAccepts(parsed.digits), luhn(parsed.digits) else { return nil }
        return Finding(detector: .creditCard, start: start, end: parsed.end)
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

/// North American numbers `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `+1 555 123 4567`,
/// and international numbers `+44 20 7946 0958` (a `+`, a country code, 7–15 digits in all).
/// Separators are required, so bare digit strings (order numbers, timestamps) stay clean.
enum Phone {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        var index = start
        var international = false
        if text[index] == 0x2B {
            international = true
            index += 1
            guard index < text.count, ByteClass.isDigit(text[index]) else { return nil }
        }
        if international, text[index] == 0x31, index + 1 < text.count, text[index + 1] == 0x20 || text[index + 1] == 0x2D || text[index + 1] == 0x2E || text[index + 1] == 0x28 {
            // +1 followed by a North American number.
            var next = index + 1
            if text[next] != 0x28 { next += 1 }
            if let found = northAmerican(text, at: next) { return Finding(detector: .phone, start: start, end: found) }
            return nil
        }
        if international {
            guard let parsed = Numbers.groups(text, from: index, separators: [0x20, 0x2D, 0x2E], maxDigits: 15),
                  parsed.separator != nil, (8...15).contains(parsed.digits.count), parsed.lengths[0] <= 3,
                  Numbers.endsCleanly(text, parsed.end) else { return nil }
            return Finding(detector: .phone, start: start, end: parsed.end)
        }
        if let end = northAmerican(text, at: start) { return Finding(detector: .phone, start: start, end: end) }
        return nil
    }

    /// `(ddd) ddd-dddd`, `ddd-ddd-dddd`, `ddd.ddd.dddd`, `ddd ddd dddd`; area and exchange codes start with 2–9.
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
            guard separator == 0x2D || separator == 0x2E || separator == 0x20 else { return nil }
            index += 1
            guard take(3), index < text.count, text[index] == separator else { return nil }
            index += 1
        }
        guard take(4), digits[0] >= 2, digits[3] >= 2, Numbers.endsCleanly(text, index) else { return nil }
        return index
    }
}

/// Private, link-local and carrier-grade NAT IPv4 addresses (public and loopback are not sensitive).
enum IPv4Scan {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        let end = ByteClass.run(text, from: start, limit: 15) { ByteClass.isDigit($0) || $0 == 0x2E }
        var trimmed = end
        while trimmed > start, text[trimmed - 1] == 0x2E { trimmed -= 1 }  // a sentence-ending dot
        guard trimmed > start, end - trimmed <= 1 else { return nil }
        if end < text.count, ByteClass.isAlnum(text[end]) || text[end] == 0x5F { return nil }
        guard let parts = IPAddress.parseIPv4(Array(UnsafeBufferPointer(rebasing: text[start..<trimmed]))),
              IPAddress.isPrivateIPv4(parts) else { return nil }
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

/// IBANs: country code, check digits and 11–30 letters or digits (groups of four may be
/// separated by spaces), valid under ISO 7064 mod 97-10.
enum IBAN {
    static func find(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Finding? {
        guard start + 4 < text.count, ByteClass.isDigit(text[start + 2]), ByteClass.isDigit(text[start + 3]) else { return nil }
        var characters: [UInt8] = Array(UnsafeBufferPointer(rebasing: text[start..<start + 4]))
        var index = start + 4
        var end = index
        while index < text.count, characters.count < 34 {
            let byte = text[index]
            if ByteClass.isDigit(byte) || ByteClass.isUpper(byte) {
                characters.append(byte)
                index += 1
                end = index
            } else if byte == 0x20, (characters.count % 4) == 0, index + 1 < text.count,
                      ByteClass.isDigit(text[index + 1]) || ByteClass.isUpper(text[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        guard (15...34).contains(characters.count), ByteClass.boundaryAfter(text, end), mod97(characters) == 1 else { return nil }
        return Finding(detector: .iban, start: start, end: end)
    }

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
