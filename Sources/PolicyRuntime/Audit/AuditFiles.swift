import Foundation

/// Where a trail's records are (docs/audit.md, "Files"): `audit-SEQ.jsonl`, SEQ being the first
/// record's `seq` in 12 digits, so that the names sort in chain order; one record per line.
enum AuditFiles {
    static let prefix = "audit-"
    static let suffix = ".jsonl"

    /// The name of the file whose first record has `seq`.
    static func name(firstSeq: Int) -> String {
        let digits = String(firstSeq)
        return prefix + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + suffix
    }

    /// Whether a name is a trail file's.
    static func isTrailFile(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.utf8.count == prefix.utf8.count + 12 + suffix.utf8.count
            && name.dropFirst(prefix.count).prefix(12).allSatisfy(\.isASCII) && Int(name.dropFirst(prefix.count).prefix(12)) != nil
    }

    /// The trail's files in `directory`, in chain order.
    static func list(_ directory: String) throws(AuditError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw AuditError(.io, "cannot read the audit directory `\(directory)`")
        }
        return names.filter(isTrailFile).sorted()
    }

    /// Calls `body` with each line's number (from 1) and byte range (without its line feed); a
    /// last line without a line feed is included.
    static func forEachLine(_ bytes: [UInt8], _ body: (Int, Range<Int>) throws(AuditError) -> Void) throws(AuditError) {
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            try body(number, start..<end)
            start = end + 1
        }
    }
}
