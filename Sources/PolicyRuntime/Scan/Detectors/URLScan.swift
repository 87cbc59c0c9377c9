/// URLs around a `://`: connection strings that carry a password, and URLs whose host is
/// internal (an internal domain suffix, or a private address).
enum URLScan {
    /// Schemes of databases and message brokers.
    static let connectionSchemes: Set<String> = [
        "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps",
        "mssql", "sqlserver", "oracle", "cockroachdb", "clickhouse", "kafka", "nats", "memcached", "couchdb", "neo4j",
        "cassandra", "elasticsearch", "db2", "snowflake",
    ]

    static func check(_ text: UnsafeBufferPointer<UInt8>, schemeSeparator: Int, internalDomains: [[UInt8]],
                      wants: (DetectorID) -> Bool) -> [Finding]? {
        var schemeStart = schemeSeparator
        while schemeStart > 0, schemeStart > schemeSeparator - 20 {
            let byte = text[schemeStart - 1]
            guard ByteClass.isAlnum(byte) || byte == 0x2B || byte == 0x2E || byte == 0x2D else { break }
            schemeStart -= 1
        }
        guard schemeSeparator - schemeStart >= 2, ByteClass.isLetter(text[schemeStart]) else { return nil }
        let scheme = String(decoding: ASCIIFold.fold(Array(UnsafeBufferPointer(rebasing: text[schemeStart..<schemeSeparator]))),
                            as: UTF8.self)
        let authorityStart = schemeSeparator + 3
        let authorityEnd = ByteClass.run(text, from: authorityStart, limit: 2048) { byte in
            byte != 0x2F && byte != 0x3F && byte != 0x23 && !ByteClass.isSpace(byte) && byte != 0x22 && byte != 0x27
                && byte != 0x3C && byte != 0x3E && byte != 0x60 && byte != 0x29
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
        if wants(.connectionString), let password, !password.isEmpty,
           connectionSchemes.contains(scheme) || scheme.hasPrefix("jdbc") {
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
            if isInternal(host: host, internalDomains: internalDomains) {
                findings.append(Finding(detector: .internalURL, start: schemeStart, end: urlEnd))
            }
        }
        return findings
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
        return IPAddress.parseIPv4(name).map(IPAddress.isPrivateIPv4) ?? false
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
