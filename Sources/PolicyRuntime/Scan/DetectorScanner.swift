/// Runs the built-in detectors over a text in one pass.
///
/// Every structured secret or identifier has an *anchor* byte that ordinary prose rarely
/// contains: `@` for e-mail, digits for numbers and addresses, `:` for URLs and IPv6, `_` and `-`
/// for token prefixes, `=`/`:` for password assignments, capital letters for key ids and IBANs,
/// `J` for JWTs (`eyJ`), `.` for internal host names written without a scheme (`build.corp/x`)
/// (``AnchorClassifier``). Sixteen bytes are classified at once, and a block without an anchor
/// is passed over (lower-case letters, spaces, most punctuation); at an anchor the candidate is
/// validated (Luhn, mod 97, address ranges, base64 JSON headers…) so that look-alikes — git SHAs,
/// UUIDs, versions, dates, order numbers — stay clean. Injection phrases, which have no anchor,
/// are found from their rarest word, whose candidates the same blocks yield
/// (``InjectionKeyFilter``, ``InjectionPhraseScanner``).
struct DetectorScanner: Sendable {
    let phrases = InjectionPhraseScanner()
    /// The internal domain suffixes, folded, for hosts with and without a scheme.
    let internalHosts: InternalHosts

    /// Whether long base64 and hex runs are decoded and rescanned for secrets.
    let decodesEncodedSecrets: Bool

    init(internalDomains: [String], decodesEncodedSecrets: Bool = true) {
        self.decodesEncodedSecrets = decodesEncodedSecrets
        internalHosts = InternalHosts(internalDomains)
    }

    /// Every finding of the `enabled` detectors in `text`, ordered by start, including secrets
    /// inside long base64 and hex runs (reported over the whole run).
    func scan(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet) -> [Finding] {
        let plain = scanPlain(text, enabled: enabled)
        guard decodesEncodedSecrets else { return plain }
        let encoded = encodedSecrets(text, enabled: enabled, depth: 1, found: plain)
        guard !encoded.isEmpty else { return plain }
        var findings = plain + encoded
        findings.sort { $0.start != $1.start ? $0.start < $1.start : $0.detector.rawValue < $1.detector.rawValue }
        return deduplicated(findings)
    }

    /// The secret detectors, which also look inside encoded runs.
    private static let secretDetectors: [DetectorID] = [.awsAccessKey, .githubToken, .privateKey, .jwt, .connectionString, .apiKey, .password]

    /// Secrets inside long base64 or hex runs of `text`, each reported over the whole run; runs
    /// inside decoded runs are decoded again down to `EncodedBlobs.maximumDepth`.
    /// A run overlapping a finding in `found` (a JWT, a key block, a token) is already reported
    /// and is not decoded.
    private func encodedSecrets(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet, depth: Int, found plain: [Finding] = []) -> [Finding] {
        let secrets = BitSet(capacity: DetectorID.allCases.count,
                             members: DetectorScanner.secretDetectors.filter { enabled.contains($0.rawValue) }.map(\.rawValue))
        guard !secrets.isEmpty else { return [] }
        var found: [Finding] = []
        var next = 0
        EncodedBlobs.forEach(in: text, skip: { start, end in
            // `plain` is ordered by start and runs come in order, so one pointer walks it.
            while next < plain.count, plain[next].end <= start { next += 1 }
            return next < plain.count && plain[next].start < end
        }) { start, end, decoded in
            decoded.withUnsafeBufferPointer { inner in
                var kinds = scanPlain(inner, enabled: secrets).map(\.detector)
                if depth < EncodedBlobs.maximumDepth {
                    kinds += encodedSecrets(inner, enabled: secrets, depth: depth + 1).map(\.detector)
                }
                for kind in Set(kinds).sorted(by: { $0.rawValue < $1.rawValue }) {
                    found.append(Finding(detector: kind, start: start, end: end))
                }
            }
        }
        return found
    }

    /// Findings in the text as it is.
    private func scanPlain(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet) -> [Finding] {
        var findings: [Finding] = []
        scanBlocks(text, enabled: enabled, into: &findings)
        findings.sort { $0.start != $1.start ? $0.start < $1.start : $0.detector.rawValue < $1.detector.rawValue }
        return preferringSpecific(deduplicated(findings))
    }

    /// A value that a specific secret detector recognised (`DB_TOKEN=glpat-…` is a GitLab token) is
    /// reported by that detector alone, not also by the generic `secret.password`.
    /// - Complexity: O(n log n); `findings` is sorted by start.
    private func preferringSpecific(_ findings: [Finding]) -> [Finding] {
        guard findings.contains(where: { $0.detector == .password }) else { return findings }
        let specific = findings.filter { $0.detector != .password && $0.detector.category == .secret }
        guard !specific.isEmpty else { return findings }
        // The furthest end among the first i specific findings, to ask "does any that starts
        // before this one ends reach past its start?" with one binary search.
        var reach = [Int](repeating: 0, count: specific.count + 1)
        for (index, finding) in specific.enumerated() { reach[index + 1] = max(reach[index], finding.end) }
        return findings.filter { finding in
            guard finding.detector == .password else { return true }
            var low = 0
            var high = specific.count
            while low < high {
                let middle = (low + high) / 2
                if specific[middle].start < finding.end { low = middle + 1 } else { high = middle }
            }
            return reach[low] <= finding.start
        }
    }

    /// Every finding of the `enabled` detectors in a normalized view, placed back in the
    /// original text by `place`. Hidden tag text, which the view drops, is looked for in
    /// `original`; a nil `original` means the text is its own view.
    func scan(_ text: UnsafeBufferPointer<UInt8>, original: UnsafeBufferPointer<UInt8>?, enabled: BitSet,
              place: (Int, Int) -> (Int, Int)) -> [Finding] {
        guard let original else { return scan(text, enabled: enabled) }
        var findings = scan(text, enabled: enabled).map { finding in
            let (start, end) = place(finding.start, finding.end)
            return Finding(detector: finding.detector, start: start, end: end, family: finding.family)
        }
        if enabled.contains(DetectorID.hiddenText.rawValue) {
            HiddenText.scan(original) { findings.append($0) }
            findings.sort { $0.start != $1.start ? $0.start < $1.start : $0.detector.rawValue < $1.detector.rawValue }
        }
        return findings
    }

    /// The block loop (``BlockScan``) over the whole text.
    private func scanBlocks(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet, into findings: inout [Finding]) {
        var scan = BlockScan(scanner: self, text: text, enabled: enabled)
        scan.run()
        findings += scan.findings
    }

    /// Merges findings of the same detector that overlap (a key inside a URL found twice, say).
    /// - Complexity: O(n); `findings` is sorted by start.
    private func deduplicated(_ findings: [Finding]) -> [Finding] {
        Finding.mergingOverlaps(findings, finding: { $0 }, sameGroup: { _, _ in true }, replacing: { $1 })
    }
}
