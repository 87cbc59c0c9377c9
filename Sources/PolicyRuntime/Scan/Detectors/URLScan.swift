/// URLs around a `://`: connection strings that carry a password, and URLs whose host is
/// internal (an internal domain suffix, a private address in any notation, or — for web
/// schemes — a single-label name such as `http://jenkins:8080/`).
enum URLScan {
    /// Schemes of databases and message brokers.
    static let connectionSchemes: Set<String> = [
        "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps",
        "mssql", "sqlserver", "oracle", "cockroachdb", "clickhouse", "kafka", "nats", "memcached", "couchdb", "neo4j",
        "cassandra", "elasticsearch", "db2", "snowflake",
    ]

    /// Schemes whose single-label hosts (`http://gitlab/`) are names on an internal network.
    /// Other schemes use the place for something else (`vscode://file/…`, `myapp://callback`).
    static let webSchemes: Set<String> = ["http", "https", "ws", "wss", "ftp"]

    /// Single-label names that stand for "a host" in examples rather than name one.
    static let placeholderHosts: Set<[UInt8]> = Set(["localhost", "example", "host", "hostname", "domain", "server"].map { Array($0.utf8) })

    /// The end of a URL's path or an scp-style remote's path that starts at `position`, less
    /// the punctuation that ends a sentence around it.
    static func pathEnd(_ text: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        var end = ByteClass.run(text, from: position, limit: 4096) { byte in
            !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27 && byte != 0x3C && byte != 0x3E && byte != 0x60
        }
        while end > position + 1, [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29].contains(text[end - 1]) { end -= 1 }
        return end
    }

    /// The scheme before the `://` at `separator`: where it starts and its name, ASCII-folded;
    /// nil when the bytes there cannot be a scheme (letters, digits, `+ . -`, a letter first).
    static func scheme(_ text: UnsafeBufferPointer<UInt8>, before separator: Int) -> (start: Int, name: String)? {
        var start = separator
        while start > 0, start > separator - 20 {
            let byte = text[start - 1]
            guard ByteClass.isAlnum(byte) || byte == 0x2B || byte == 0x2E || byte == 0x2D else { break }
            start -= 1
        }
        guard separator - start >= 2, ByteClass.isLetter(text[start]) else { return nil }
        return (start, String(decoding: ASCIIFold.fold(Array(UnsafeBufferPointer(rebasing: text[start..<separator]))), as: UTF8.self))
    }

    /// Whether a scheme is a database's or a broker's, also with a driver (`postgresql+asyncpg`,
    /// `mysql+pymysql`) or through JDBC.
    static func isConnection(_ scheme: String) -> Bool {
        let base = scheme.firstIndex(of: "+").map { String(scheme[..<$0]) } ?? scheme
        return connectionSchemes.contains(scheme) || connectionSchemes.contains(base) || scheme.hasPrefix("jdbc")
    }

    static func check(_ text: UnsafeBufferPointer<UInt8>, schemeSeparator: Int, internalDomains: [[UInt8]],
                      wants: (DetectorID) -> Bool) -> [Finding]? {
        guard let (schemeStart, scheme) = self.scheme(text, before: schemeSeparator) else { return nil }
        let connection = isConnection(scheme)
        let authorityStart = schemeSeparator + 3
        func inAuthority(_ byte: UInt8) -> Bool {
            byte != 0x2F && byte != 0x3F && byte != 0x23 && !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27
                && byte != 0x3C && byte != 0x3E && byte != 0x60 && byte != 0x29
        }
        var authorityEnd = ByteClass.run(text, from: authorityStart, limit: 2048, inAuthority)
        if connection, let end = passwordWithDelimiters(text, authority: authorityStart..<authorityEnd) {
            authorityEnd = ByteClass.run(text, from: end, limit: 2048, inAuthority)
        }
        let urlEnd = ByteClass.run(text, from: authorityEnd, limit: 4096) { byte in
            !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27 && byte != 0x3C && byte != 0x3E && byte != 0x60
        }
        var hostStart = authorityStart
        var password: Range<Int>?
        if let at = (authorityStart..<authorityEnd).last(where: { text[$0] == 0x40 }) {
            if let colon = (authorityStart..<at).first(where: { text[$0] == 0x3A }) { password = (colon + 1)..<at }
            hostStart = at + 1
        }
        var findings: [Finding] = []
        if wants(.connectionString), let password, !password.isEmpty, connection {
            if !SecretAssignment.isStandIn(UnsafeBufferPointer(rebasing: text[password])) {
                findings.append(Finding(detector: .connectionString, start: schemeStart, end: authorityEnd))
            }
        }
        if wants(.internalURL) {
            var hostEnd = authorityEnd
            if hostStart < authorityEnd, text[hostStart] == 0x5B {
                hostEnd = (hostStart..<authorityEnd).first(where: { text[$0] == 0x5D }).map { $0 + 1 } ?? authorityEnd
            } else if let colon = (hostStart..<authorityEnd).first(where: { text[$0] == 0x3A }) {
                hostEnd = colon
            }
            let host = ASCIIFold.fold(Array(UnsafeBufferPointer(rebasing: text[hostStart..<hostEnd])))
            let singleLabel = webSchemes.contains(scheme) && isSingleLabel(host)
                && host.withUnsafeBufferPointer(IPAddress.parseIPv4AnyNotation) == nil  // `http://0x7f000001/` is an address
            if singleLabel || isInternal(host: host, internalDomains: internalDomains) {
                findings.append(Finding(detector: .internalURL, start: schemeStart, end: urlEnd))
            }
        }
        return findings
    }

    /// A password holding a raw `#`, `?` or `/` (`postgres://app:p#ssw0rd@db/x`), which ends the
    /// authority early: when the authority so far has `user:` and no `@`, and the delimiter is
    /// followed by an `@` before any space, the position after that `@` (where the host starts).
    /// `host:5432/db` is a port and a path, not a password.
    private static func passwordWithDelimiters(_ text: UnsafeBufferPointer<UInt8>, authority: Range<Int>) -> Int? {
        guard authority.upperBound < text.count, [0x23, 0x3F, 0x2F].contains(text[authority.upperBound]),
              !authority.contains(where: { text[$0] == 0x40 }),
              let colon = authority.first(where: { text[$0] == 0x3A }),
              colon + 1 == authority.upperBound || !(colon + 1..<authority.upperBound).allSatisfy({ ByteClass.isDigit(text[$0]) }) else {
            return nil
        }
        let stop = ByteClass.run(text, from: authority.upperBound, limit: 128) { byte in
            byte != 0x40 && !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27 && byte != 0x3C && byte != 0x3E && byte != 0x60
        }
        return stop < text.count && text[stop] == 0x40 ? stop + 1 : nil
    }

    /// Whether the `@` at `at` ends the userinfo of a URL, including a password holding a raw
    /// `#`, `?` or `/` (`scheme://app:p#ss@host`): the nearest `://` before it, within the same
    /// run of non-space bytes, starts an authority that has `user:` before its first delimiter.
    static func endsUserinfo(_ text: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        var separator = at
        while true {
            guard separator >= 3, at - separator < 256 else { return false }
            let byte = text[separator - 1]
            if ByteClass.isSpace(byte) || byte == 0x22 || byte == 0x27 || byte == 0x3C || byte == 0x3E || byte == 0x60 || byte == 0x40 {
                return false
            }
            if byte == 0x2F, text[separator - 2] == 0x2F, text[separator - 3] == 0x3A { break }
            separator -= 1
        }
        let authority = separator..<at
        guard let delimiter = authority.first(where: { text[$0] == 0x2F || text[$0] == 0x3F || text[$0] == 0x23 }) else { return true }
        guard let colon = (separator..<delimiter).first(where: { text[$0] == 0x3A }) else { return false }
        return colon + 1 == delimiter || !(colon + 1..<delimiter).allSatisfy { ByteClass.isDigit(text[$0]) }
    }

    /// A name of one label, `jenkins` or `gitlab`, that is not a placeholder or `localhost`.
    static func isSingleLabel(_ host: [UInt8]) -> Bool {
        !host.isEmpty && host.contains(where: ByteClass.isLetter) && ByteClass.isAlnum(host[0])
            && host.allSatisfy { ByteClass.isAlnum($0) || $0 == 0x2D } && !placeholderHosts.contains(host)
    }

    /// A host under an internal suffix, or a private IPv4/IPv6 address.
    static func isInternal(host: [UInt8], internalDomains: [[UInt8]]) -> Bool {
        var name = host
        if name.last == 0x2E { name.removeLast() }  // fully qualified "host.corp."
        guard !name.isEmpty else { return false }
        for suffix in internalDomains {
            if name.count > suffix.count, Array(name.suffix(suffix.count)) == suffix { return true }
            if name == Array(suffix.dropFirst()) { return true }
        }
        if name.first == 0x5B, name.last == 0x5D {
            return IPAddress.parseIPv6(Array(name.dropFirst().dropLast())).map(IPAddress.isPrivateIPv6) ?? false
        }
        if let parts = IPAddress.parseIPv4(name) { return IPAddress.isPrivateIPv4(parts) }
        // `http://2852039166/`, `http://0xa9fea9fe/`, `http://0251.0376.0251.0376/`.
        return name.withUnsafeBufferPointer(IPAddress.parseIPv4AnyNotation).map { IPAddress.isPrivateIPv4(IPAddress.octets($0.value)) }
            ?? false
    }
}

/// IP address parsing and the ranges that are sensitive by default.
enum IPAddress {
    /// Dotted-quad IPv4, each part 0–255 without leading zeros.
    static func parseIPv4(_ bytes: [UInt8]) -> [Int]? {
        var parts: [Int] = []
        var current = -1
        var digits = 0
        for byte in bytes {
            if ByteClass.isDigit(byte) {
                if digits > 0, current == 0 { return nil }
                current = (current < 0 ? 0 : current) * 10 + Int(byte - 0x30)
                digits += 1
                if digits > 3 || current > 255 { return nil }
            } else if byte == 0x2E {
                guard current >= 0 else { return nil }
                parts.append(current)
                current = -1
                digits = 0
            } else {
                return nil
            }
        }
        guard current >= 0 else { return nil }
        parts.append(current)
        return parts.count == 4 ? parts : nil
    }

    /// IPv4 in every notation `inet_aton` reads: 1–4 parts separated by dots, each decimal, octal
    /// (leading `0`) or hex (`0x`), the last filling the bytes left (`169.254.43518`,
    /// `2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`, `0xa9.0xfe.0xa9.0xfe`); the value and
    /// the number of parts.
    static func parseIPv4AnyNotation(_ bytes: UnsafeBufferPointer<UInt8>) -> (value: UInt32, parts: Int)? {
        var value: UInt64 = 0
        var parts = 0
        var index = 0
        while true {
            guard index < bytes.count, parts < 4 else { return nil }
            var radix: UInt64 = 10
            if bytes[index] == 0x30, index + 1 < bytes.count, bytes[index + 1] | 0x20 == 0x78 {
                radix = 16
                index += 2
            } else if bytes[index] == 0x30, index + 1 < bytes.count, ByteClass.isDigit(bytes[index + 1]) {
                radix = 8
            }
            var part: UInt64 = 0
            let partStart = index
            while index < bytes.count, bytes[index] != 0x2E {
                let byte = bytes[index]
                let digit: UInt64
                if ByteClass.isDigit(byte) { digit = UInt64(byte - 0x30) }
                else if radix == 16, ByteClass.isHex(byte) { digit = UInt64((byte | 0x20) - 0x61 + 10) }
                else { return nil }
                guard digit < radix else { return nil }
                part = part * radix + digit
                guard part <= 0xFFFF_FFFF else { return nil }
                index += 1
            }
            guard index > partStart else { return nil }
            parts += 1
            if index == bytes.count {
                // The last part fills the remaining 4 - (parts - 1) bytes.
                let bits = UInt64(8 * (5 - parts))
                guard part < (1 << bits) else { return nil }
                return (UInt32(value << bits | part), parts)
            }
            guard part <= 0xFF else { return nil }
            value = value << 8 | part
            index += 1  // the dot
        }
    }

    /// The four bytes of an address, most significant first.
    static func octets(_ value: UInt32) -> [Int] {
        [Int(value >> 24), Int(value >> 16 & 0xFF), Int(value >> 8 & 0xFF), Int(value & 0xFF)]
    }

    /// The link-local address of the cloud instance metadata services (AWS, GCP, Azure…):
    /// 169.254.169.254.
    static let metadataIPv4: UInt32 = 0xA9FE_A9FE

    /// Private (10/8, 172.16/12, 192.168/16), link-local (169.254/16) and carrier-grade NAT (100.64/10).
    static func isPrivateIPv4(_ parts: [Int]) -> Bool {
        switch (parts[0], parts[1]) {
        case (10, _): return true
        case (172, 16...31): return true
        case (192, 168): return true
        case (169, 254): return true
        case (100, 64...127): return true
        default: return false
        }
    }

    /// The 16 bytes of an IPv6 address in any textual form (with `::` and embedded IPv4).
    static func parseIPv6(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var afterGap = false
        var index = 0
        if bytes.starts(with: [0x3A, 0x3A]) {
            afterGap = true
            index = 2
        }
        while index < bytes.count {
            let groupStart = index
            while index < bytes.count, ByteClass.isHex(bytes[index]) { index += 1 }
            if index < bytes.count, bytes[index] == 0x2E {
                // Embedded IPv4 in the last 32 bits.
                guard let v4 = parseIPv4(Array(bytes[groupStart...])) else { return nil }
                let words = [UInt16(v4[0] << 8 | v4[1]), UInt16(v4[2] << 8 | v4[3])]
                if afterGap { tail += words } else { head += words }
                index = bytes.count
                break
            }
            let length = index - groupStart
            guard length >= 1, length <= 4 else { return nil }
            var value: UInt16 = 0
            for byte in bytes[groupStart..<index] {
                let digit = ByteClass.isDigit(byte) ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
                value = value << 4 | UInt16(digit)
            }
            if afterGap { tail.append(value) } else { head.append(value) }
            if index == bytes.count { break }
            guard bytes[index] == 0x3A else { return nil }
            index += 1
            if index < bytes.count, bytes[index] == 0x3A {
                guard !afterGap else { return nil }
                afterGap = true
                index += 1
                if index == bytes.count { break }
            } else if index == bytes.count {
                return nil
            }
        }
        let total = head.count + tail.count
        guard afterGap ? total < 8 : total == 8 else { return nil }
        let words = head + [UInt16](repeating: 0, count: 8 - total) + tail
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Unique local (fc00::/7) and link-local (fe80::/10); IPv4-mapped private addresses too.
    static func isPrivateIPv6(_ address: [UInt8]) -> Bool {
        if address[0] & 0xFE == 0xFC { return true }
        if address[0] == 0xFE, address[1] & 0xC0 == 0x80 { return true }
        if address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
            return isPrivateIPv4(address[12..<16].map(Int.init))
        }
        return false
    }
}
