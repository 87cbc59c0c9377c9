#if canImport(Glibc)
import Glibc
#endif

/// Where a Redis server listens: host, TCP port and logical database.
///
/// Written as a URL it is exactly `redis://HOST:PORT[/DB]`. Anything more is refused rather than
/// ignored: credentials would end up in configuration files and logs, TLS (`rediss://`) is not
/// implemented, and a query string would be options this client silently does not honour.
public struct RedisEndpoint: Sendable, Equatable {
    /// A host name, an IPv4 address, or an IPv6 address without brackets.
    public let host: String
    /// The TCP port, 1–65535.
    public let port: Int
    /// The logical database selected after connecting, 0 through ``maximumDatabase``.
    public let database: Int

    /// The highest database number accepted: Redis's default configuration has 16 databases.
    public static let maximumDatabase = 15

    /// An endpoint from its parts, checked by the same rules as ``init(url:)``.
    public init(host: String, port: Int = 6379, database: Int = 0) throws(RedisError) {
        if let problem = RedisEndpoint.problem(host: Array(host.utf8)) { throw .invalidURL(problem) }
        guard (1...65535).contains(port) else { throw .invalidURL(RedisEndpoint.portRange) }
        guard (0...RedisEndpoint.maximumDatabase).contains(database) else { throw .invalidURL(RedisEndpoint.databaseRange) }
        self.host = host
        self.port = port
        self.database = database
    }

    /// Parses `redis://HOST:PORT[/DB]`, where HOST is a name, an IPv4 address or `[IPv6]`.
    ///
    /// The error never repeats the URL, which may hold a password the caller should not have put
    /// there.
    public init(url: String) throws(RedisError) {
        let bytes = Array(url.utf8)
        let scheme = Array("redis://".utf8)
        guard bytes.starts(with: scheme) else {
            if bytes.starts(with: Array("rediss://".utf8)) { throw .invalidURL("tls (`rediss://`) is not supported") }
            throw .invalidURL("expected `redis://HOST:PORT[/DB]`")
        }
        // These are checked before the host is split off so that `user:pass@host` gets the message
        // about credentials, not one about a malformed port.
        if bytes.contains(UInt8(ascii: "@")) { throw .invalidURL("credentials (`user@`) are not supported in the url") }
        if bytes.contains(UInt8(ascii: "?")) { throw .invalidURL("a query (`?…`) is not supported") }
        if bytes.contains(UInt8(ascii: "#")) { throw .invalidURL("a fragment (`#…`) is not supported") }

        var index = scheme.count
        let hostBytes: ArraySlice<UInt8>
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "]")) else {
                throw .invalidURL("`[` opens an ipv6 address that `]` does not close")
            }
            hostBytes = bytes[(index + 1)..<close]
            guard !hostBytes.isEmpty, RedisEndpoint.parses(family: AF_INET6, Array(hostBytes)) else {
                throw .invalidURL("the address in brackets is not an ipv6 address")
            }
            index = close + 1
        } else {
            let end = bytes[index...].firstIndex { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") } ?? bytes.count
            hostBytes = bytes[index..<end]
            if let problem = RedisEndpoint.problem(host: Array(hostBytes)) { throw .invalidURL(problem) }
            index = end
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw .invalidURL("a port is required (`redis://HOST:PORT`)")
        }
        index += 1

        let portEnd = bytes[index...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
        let portBytes = bytes[index..<portEnd]
        if portBytes.contains(UInt8(ascii: ":")) { throw .invalidURL("an ipv6 address must be written in brackets (`[::1]`)") }
        guard let port = RedisEndpoint.decimal(portBytes, maxDigits: 5), (1...65535).contains(port) else {
            throw .invalidURL(RedisEndpoint.portRange)
        }
        index = portEnd

        var database = 0
        if index < bytes.count {
            // `index` is at the `/`; everything after it must be the database number.
            guard let number = RedisEndpoint.decimal(bytes[(index + 1)...], maxDigits: 2),
                  (0...RedisEndpoint.maximumDatabase).contains(number) else {
                throw .invalidURL(RedisEndpoint.databaseRange)
            }
            database = number
        }
        self.host = String(decoding: hostBytes, as: UTF8.self)
        self.port = port
        self.database = database
    }

    /// The endpoint written as a URL; it round-trips through ``init(url:)``.
    public var url: String {
        database == 0 ? "redis://\(hostAndPort)" : "redis://\(hostAndPort)/\(database)"
    }

    /// `host:port`, with an IPv6 host in brackets so the port stays unambiguous.
    var hostAndPort: String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static let portRange = "the port must be a number from 1 to 65535"
    private static let databaseRange = "the database must be a number from 0 to \(maximumDatabase)"

    /// Why `host` is not a host name, an IPv4 address or a bare IPv6 address; nil when it is one.
    private static func problem(host: [UInt8]) -> String? {
        if host.isEmpty { return "the host is missing" }
        if host.contains(UInt8(ascii: ":")) {
            return parses(family: AF_INET6, host) ? nil : "the host is not a valid ipv6 address"
        }
        if host.count > 253 { return "the host name is longer than 253 bytes" }
        var allNumeric = true
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in host {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                allNumeric = false
            case UInt8(ascii: "-"):
                allNumeric = false
                if previous == UInt8(ascii: ".") { return "a host name label cannot start with `-`" }
            case UInt8(ascii: "."):
                if previous == UInt8(ascii: ".") { return "the host name has an empty label" }
            default:
                return "the host may hold only letters, digits, `-`, `_` and `.`"
            }
            previous = byte
        }
        // All digits and dots reads as an IPv4 address, so it must be one: `999.1.1.1` is a typo,
        // not a name to look up.
        if allNumeric, !parses(family: AF_INET, host) { return "the host is not a valid ipv4 address" }
        return nil
    }

    /// Whether `inet_pton` accepts `text` as an address of `family`.
    private static func parses(family: Int32, _ text: [UInt8]) -> Bool {
        var address = in6_addr()  // large enough for either family
        let cString = text.map { CChar(bitPattern: $0) } + [0]
        return cString.withUnsafeBufferPointer { inet_pton(family, $0.baseAddress!, &address) } == 1
    }

    /// The value of 1 to `maxDigits` ASCII digits, else nil (signs, spaces and empty are refused).
    private static func decimal(_ bytes: ArraySlice<UInt8>, maxDigits: Int) -> Int? {
        guard !bytes.isEmpty, bytes.count <= maxDigits else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
