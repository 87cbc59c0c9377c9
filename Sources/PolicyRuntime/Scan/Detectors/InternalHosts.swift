/// The internal domain suffixes of a policy, and internal host names written without a scheme
/// (`jenkins.acme.internal:8080/job/x`, `build.corp/setup`, `redis.prod.svc:6379`), found from
/// the `.` that starts their suffix.
///
/// Prose mentions names such as `config.local` or `printer.lan`, so a host under a one-label
/// suffix (`.local`, `.corp`, `.svc`) counts only as a reference: followed by a port or a path,
/// or `user@host:path` (an scp-style git remote). A suffix of two or more labels
/// (`.acme.internal`, `.svc.cluster.local`), which a policy names on purpose, and the cloud
/// metadata host `metadata.google.internal` count on their own. A host inside a URL (after `/`)
/// is the URL scanner's; a name right after `@` alone is an e-mail domain, not a reference.
struct InternalHosts: Sendable {
    /// Suffixes every scanner knows besides the policy's: Kubernetes service names.
    static let builtIn = [".svc", ".svc.cluster.local"]

    /// Folded suffixes, each with its leading dot.
    let suffixes: [[UInt8]]
    /// Bit `b & 63` is set for the folded first byte `b` after the dot of some suffix: most dots
    /// in prose and code (`self.value`, `file.txt`) are dismissed on it.
    private let firstBytes: UInt64

    init(_ domains: [String]) {
        var suffixes: [[UInt8]] = []
        for domain in domains + InternalHosts.builtIn {
            var folded = ASCIIFold.fold(Array(domain.utf8))
            if folded.first != 0x2E { folded.insert(0x2E, at: 0) }
            if folded.count > 1, !suffixes.contains(folded) { suffixes.append(folded) }
        }
        self.suffixes = suffixes
        firstBytes = suffixes.reduce(0) { $0 | 1 << UInt64($1[1] & 63) }
    }

    private static let metadataHost = Array("metadata.google.internal".utf8)

    /// The internal host reference whose suffix starts at the `.` at `dot`, if there is one.
    func find(_ text: UnsafeBufferPointer<UInt8>, dot: Int) -> Finding? {
        let count = text.count
        guard dot > 0, dot + 1 < count else { return nil }
        let before = text[dot - 1]
        guard ByteClass.isAlnum(before) || before == 0x2D else { return nil }
        let next = ASCIIFold.table[Int(text[dot + 1])]
        guard firstBytes & (1 << UInt64(next & 63)) != 0 else { return nil }
        // The longest suffix that starts at this dot and ends the host.
        var matched = -1
        for (which, suffix) in suffixes.enumerated() where suffix[1] == next && dot + suffix.count <= count {
            var same = true
            for offset in 2..<suffix.count where ASCIIFold.table[Int(text[dot + offset])] != suffix[offset] {
                same = false
                break
            }
            if same, endsHost(text, dot + suffix.count), matched < 0 || suffix.count > suffixes[matched].count { matched = which }
        }
        guard matched >= 0 else { return nil }
        var hostStart = dot
        while hostStart > 0, dot - hostStart < 253 {
            let byte = text[hostStart - 1]
            guard ByteClass.isAlnum(byte) || byte == 0x2D || byte == 0x2E else { break }
            hostStart -= 1
        }
        guard ByteClass.isAlnum(text[hostStart]) else { return nil }
        var afterAt = false
        if hostStart > 0 {
            let byte = text[hostStart - 1]
            // Inside a path, a file name or a longer token (`~/x.local/`, `a_b.corp`, `$x.lan`).
            if ByteClass.isAlnum(byte) || byte == 0x2F || byte == 0x5C || byte == 0x5F || byte == 0x7E || byte == 0x24
                || byte == 0x25 || byte == 0x23 || byte >= 0x80 { return nil }
            afterAt = byte == 0x40
        }
        let hostEnd = dot + suffixes[matched].count
        var end = hostEnd
        var reference = false
        if end < count, text[end] == 0x3A {
            let portEnd = ByteClass.run(text, from: end + 1, limit: 6, ByteClass.isDigit)
            if (1...5).contains(portEnd - end - 1), ByteClass.boundaryAfter(text, portEnd) {
                end = portEnd
                reference = true
            } else if afterAt, end + 1 < count, ByteClass.isWord(text[end + 1]) || text[end + 1] == 0x2F || text[end + 1] == 0x7E {
                end = URLScan.pathEnd(text, from: end + 1)
                reference = true
            }
        }
        if end < count, text[end] == 0x2F {
            end = URLScan.pathEnd(text, from: end)
            reference = true
        }
        if !reference {
            guard !afterAt else { return nil }
            let named = suffixes[matched].dropFirst().contains(0x2E)
                || (hostEnd - hostStart == InternalHosts.metadataHost.count
                    && (0..<(hostEnd - hostStart)).allSatisfy { ASCIIFold.table[Int(text[hostStart + $0])] == InternalHosts.metadataHost[$0] })
            guard named else { return nil }
        }
        return Finding(detector: .internalURL, start: hostStart, end: end)
    }

    /// Whether a host name ends at `position`: not followed by a name byte or by `.` and one.
    private func endsHost(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        guard position < text.count else { return true }
        let byte = text[position]
        if ByteClass.isWord(byte) || byte == 0x2D || byte >= 0x80 { return false }
        return !(byte == 0x2E && position + 1 < text.count && ByteClass.isAlnum(text[position + 1]))
    }
}
