/// HMAC-SHA256 (RFC 2104, FIPS 198-1) on the project's own ``SHA256``: the keyed MAC that signs
/// compiled documents. A MAC construction over a standard hash, not a cipher of our own.
public enum HMACSHA256 {
    /// The MAC of `message` under `key`, 32 bytes.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        PreparedKey(key).mac(message)
    }

    /// A key made ready for many MACs: its padded blocks hashed once, so that each MAC then
    /// costs only the message's blocks and two more (instead of four more).
    public struct PreparedKey: Sendable {
        private let inner: SHA256
        private let outer: SHA256

        /// Prepares `key`.
        public init(_ key: [UInt8]) {
            // Keys longer than the 64-byte block are hashed first; shorter ones are padded with zeros.
            var block = key.count > 64 ? HMACSHA256.digest(key) : key
            block += [UInt8](repeating: 0, count: 64 - block.count)
            var inner = SHA256()
            inner.update(block.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(block.map { $0 ^ 0x5C })
            self.inner = inner
            self.outer = outer
        }

        /// The MAC of `message`, 32 bytes: the same as ``HMACSHA256/mac(key:message:)``.
        public func mac(_ message: [UInt8]) -> [UInt8] {
            var stream = stream()
            stream.update(message)
            return stream.finalize()
        }

        /// A MAC of a message fed in pieces.
        public func stream() -> Stream { Stream(inner: inner, outer: outer) }

        /// A MAC being computed over a message fed in pieces.
        public struct Stream: Sendable {
            fileprivate var inner: SHA256
            fileprivate let outer: SHA256

            /// Adds bytes to the message.
            public mutating func update(_ bytes: [UInt8]) { inner.update(bytes) }

            /// Adds raw bytes to the message.
            public mutating func update(_ buffer: UnsafeRawBufferPointer) { inner.update(buffer) }

            /// The MAC of everything added, 32 bytes.
            public mutating func finalize() -> [UInt8] {
                var outer = self.outer
                outer.update(inner.finalize())
                return outer.finalize()
            }
        }
    }

    /// The MAC as lower-case hex.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        Hex.encode(mac(key: key, message: message))
    }

    /// Compares two MACs in time that depends only on their lengths, so that a verifier does not
    /// tell an attacker how many leading bytes of a forged MAC were right.
    public static func equalInConstantTime(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    fileprivate static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// Lower-case hexadecimal, for digests and MACs.
public enum Hex {
    /// `bytes` as lower-case hex, two digits per byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex string (either case), or nil when it is not an even number of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        func value(_ character: UInt8) -> UInt8? {
            switch character {
            case 0x30...0x39: return character - 0x30
            case 0x61...0x66: return character - 0x61 + 10
            case 0x41...0x46: return character - 0x41 + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var position = 0
        while position < characters.count {
            guard let high = value(characters[position]), let low = value(characters[position + 1]) else { return nil }
            bytes.append(high << 4 | low)
            position += 2
        }
        return bytes
    }
}
