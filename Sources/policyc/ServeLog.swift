import Foundation
import PolicyRuntime

/// JSON log lines on standard error: `{"time":…,"level":…,"event":…,…}`, one write each.
final class ServeLog: @unchecked Sendable {
    private let lock = NSLock()

    func write(_ level: String, _ event: String, _ fields: [(String, String)]) {
        var members: [JSONTree.Member] = [.init("time", .string(Timestamp(secondsSinceEpoch: Int(Date().timeIntervalSince1970)).rfc3339)),
                                          .init("level", .string(level)), .init("event", .string(event))]
        for (key, value) in fields { members.append(.init(key, .string(value))) }
        let out = JSONTree.object(members).canonicalBytes + [0x0A]
        lock.lock()
        defer { lock.unlock() }
        out.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
