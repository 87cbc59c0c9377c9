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
    private let phrases = InjectionPhraseScanner()
    /// The internal domain suffixes, folded, for hosts with and without a scheme.
    fileprivate let internalHosts: InternalHosts

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

    /// The block loop: sixteen bytes at a time, the anchors (``AnchorClassifier``) and, when
    /// injection detectors are on, where injection keys may be (``InjectionKeyFilter``); a
    /// block with neither costs a few dozen vector instructions.
    private func scanBlocks(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet, into findings: inout [Finding]) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let wantsPhrases = enabled.contains(DetectorID.instructionOverride.rawValue) || enabled.contains(DetectorID.jailbreak.rawValue)
        let count = text.count
        var anchors = AnchorHandler(scanner: self, text: text, enabled: enabled)
        let wants = { (detector: DetectorID) in enabled.contains(detector.rawValue) }
        var lastLongKeyStart = -1
        let classifier = AnchorClassifier()
        let filter = phrases.filter
        // A block at `offset` reads from `offset - 1` to `offset + 16 + reach`.
        let reach = InjectionKeyFilter.reach

        /// Walks `blocks` blocks of `raw` (which can be read one byte before its start) whose
        /// first byte is `origin` in the text; lanes past the text's end (in a padded copy) are
        /// dropped.
        @inline(__always)
        func walk(_ raw: UnsafeRawPointer, blocks: Int, origin: Int, phrases phrasesOn: Bool) {
            var offset = 0
            for _ in 0..<blocks {
                let block = raw.loadUnaligned(fromByteOffset: offset, as: ByteVector.self)
                let next = raw.loadUnaligned(fromByteOffset: offset &+ 1, as: ByteVector.self)
                let previous = raw.loadUnaligned(fromByteOffset: offset &- 1, as: ByteVector.self)
                let startsWord = .!classifier.alphanumerics(previous)
                let stops = classifier.anchors(block, next: next, startsWord: startsWord)
                var keys = ByteMask(repeating: false)
                var samples: UInt32 = 0
                if phrasesOn {
                    keys = filter.shortCandidates(raw, offset) .& startsWord
                    samples = filter.longSamples(raw, offset)
                }
                if !ByteMasks.isAnySet(stops .| keys), samples == 0 {
                    offset &+= 16
                    continue
                }
                let position = origin &+ offset
                var lanes = ByteMasks.laneBits(stops)
                while lanes != 0 {
                    let index = position &+ lanes.trailingZeroBitCount
                    lanes &= lanes &- 1
                    if index < count { anchors.handle(at: index, into: &findings) }
                }
                lanes = ByteMasks.laneBits(keys)
                while lanes != 0 {
                    let start = position &+ lanes.trailingZeroBitCount
                    lanes &= lanes &- 1
                    guard start < count else { continue }
                    filter.forEachShortKey(at: start, in: text) { key in
                        self.phrases.checkShortKey(key, at: start, in: text, wants: wants) { findings.append($0) }
                    }
                }
                while samples != 0 {
                    let sample = position &+ 5 &* samples.trailingZeroBitCount
                    samples &= samples &- 1
                    filter.forEachLongKey(sample: sample, in: text) { key, start in
                        guard start != lastLongKeyStart else { return }
                        let before = findings.count
                        self.phrases.checkLongKey(key, at: start, in: text, wants: wants) { findings.append($0) }
                        if findings.count > before { lastLongKeyStart = start }
                    }
                }
                offset &+= 16
            }
        }

        /// Walks `blocks` blocks from `from` through a copy padded with a space before and
        /// zeros after (a zero is no anchor, and padding can only make candidates past the end).
        func walkCopy(from: Int, blocks: Int) {
            let end = min(count, from + 16 * blocks + 16 + reach)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * blocks + 18 + reach) { padded in
                guard let copy = padded.baseAddress else { return }
                copy.initialize(to: from > 0 ? base[from - 1] : 0x20)
                (copy + 1).initialize(from: base + from, count: end - from)
                (copy + 1 + end - from).initialize(repeating: 0, count: padded.count - 1 - (end - from))
                walk(UnsafeRawPointer(copy + 1), blocks: blocks, origin: from, phrases: wantsPhrases)
            }
        }

        // Blocks at 16, 32, … are read in place while their reads stay inside the text; the
        // first block (which has no byte before it) and the rest go through padded copies.
        let inPlace = count >= 32 + reach ? (count - 32 - reach) / 16 + 1 : 0
        guard inPlace > 0 else {
            walkCopy(from: 0, blocks: (count + 15) / 16)
            return
        }
        walkCopy(from: 0, blocks: 1)
        let raw = UnsafeRawPointer(base + 16)
        if wantsPhrases {
            walk(raw, blocks: inPlace, origin: 16, phrases: true)
        } else {
            walk(raw, blocks: inPlace, origin: 16, phrases: false)
        }
        let done = 16 + inPlace * 16
        if done < count { walkCopy(from: done, blocks: (count - done + 15) / 16) }
    }

    /// What the scanner does at an anchor: the detectors that start at that byte, and the
    /// credential families whose prefix it anchors.
    private struct AnchorHandler {
        let scanner: DetectorScanner
        let text: UnsafeBufferPointer<UInt8>
        let enabled: BitSet
        let email: Bool
        let numbers: Bool
        let upper: Bool
        let dash: Bool
        let colon: Bool
        let password: Bool
        let hosts: Bool
        let hidden: Bool
        let families: Bool
        /// Where the number or hidden text found last ends: anchors inside it start nothing.
        var numbersResumeAt = 0
        var hiddenResumeAt = 0

        init(scanner: DetectorScanner, text: UnsafeBufferPointer<UInt8>, enabled: BitSet) {
            self.scanner = scanner
            self.text = text
            self.enabled = enabled
            func wants(_ detector: DetectorID) -> Bool { enabled.contains(detector.rawValue) }
            email = wants(.email)
            numbers = wants(.ssn) || wants(.creditCard) || wants(.phone) || wants(.ipAddress)
            upper = wants(.iban) || wants(.jwt)
            dash = wants(.privateKey)
            colon = wants(.internalURL) || wants(.connectionString) || wants(.ipAddress) || wants(.password)
            password = wants(.password)
            hosts = wants(.internalURL)
            hidden = wants(.hiddenText)
            families = wants(.awsAccessKey) || wants(.githubToken) || wants(.apiKey) || wants(.privateKey)
                || wants(.connectionString) || wants(.password)
        }

        @inline(__always)
        private func wants(_ detector: DetectorID) -> Bool { enabled.contains(detector.rawValue) }

        /// Runs the detectors anchored at `index`.
        mutating func handle(at index: Int, into findings: inout [Finding]) {
            let enabled = enabled
            func report(_ finding: Finding?) {
                if let finding, enabled.contains(finding.detector.rawValue) { findings.append(finding) }
            }
            let wants = { (detector: DetectorID) in enabled.contains(detector.rawValue) }
            let byte = text[index]
            let count = text.count
            if families, let found = CredentialFamilies.index.match(in: text, anchor: index) { report(found) }
            switch byte {
            case 0x40:
                if email { report(Email.find(text, at: index)) }
            case 0x30...0x39, 0x2B, 0x28:
                if numbers, index >= numbersResumeAt {
                    if let found = Numbers.find(text, at: index, wants: wants) {
                        report(found)
                        numbersResumeAt = found.end
                    } else if byte >= 0x30 {
                        numbersResumeAt = ByteClass.run(text, from: index, ByteClass.isDigit)
                    }
                }
            case 0x41...0x5A:
                if upper { scanner.checkCapital(text, at: index, wants: wants, report: report) }
            case 0x2D:
                if dash, index == 0 || text[index - 1] != 0x2D, scanner.matches(text, index, "-----BEGIN ") {
                    report(SecretShapes.privateKey(text, index))
                }
                if password { report(SecretAssignment.atFlag(text, dash: index)) }
            case 0x3A:
                if colon {
                    if index + 2 < count, text[index + 1] == 0x2F, text[index + 2] == 0x2F {
                        for finding in URLScan.check(text, schemeSeparator: index, internalDomains: scanner.internalHosts.suffixes,
                                                     wants: wants) ?? [] {
                            report(finding)
                        }
                        if password { report(SecretAssignment.urlCredentials(text, schemeSeparator: index)) }
                    }
                    if wants(.ipAddress) { report(IPv6Scan.find(text, colon: index)) }
                    if password { report(SecretAssignment.atOperator(text, index)) }
                }
            case 0x3D:
                if password { report(SecretAssignment.atOperator(text, index)) }
            case 0x2E:
                if hosts { report(scanner.internalHosts.find(text, dot: index)) }
            case 0x3E:
                if password { report(SecretAssignment.atTagEnd(text, index)) }
            case 0xF3:
                if hidden, index >= hiddenResumeAt {
                    HiddenText.scan(UnsafeBufferPointer(rebasing: text[index..<min(count, index + 4 * 4096)])) { finding in
                        if finding.start == 0 {
                            report(Finding(detector: .hiddenText, start: index, end: index + finding.end))
                            hiddenResumeAt = index + finding.end
                        }
                    }
                }
            default:
                break
            }
        }
    }

    fileprivate func matches(_ text: UnsafeBufferPointer<UInt8>, _ at: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard at >= 0, at + length <= text.count else { return false }
        for offset in 0..<length where text[at + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    /// Capital letters: IBANs, and the `J` of a JWT's `eyJ`.
    fileprivate func checkCapital(_ text: UnsafeBufferPointer<UInt8>, at index: Int, wants: (DetectorID) -> Bool,
                              report: (Finding?) -> Void) {
        let byte = text[index]
        if byte == 0x4A, wants(.jwt), index >= 2, text[index - 2] == 0x65, text[index - 1] == 0x79 {
            report(SecretShapes.jwt(text, index - 2))
        }
        if wants(.iban), index + 3 < text.count, ByteClass.isUpper(text[index + 1]), ByteClass.isDigit(text[index + 2]),
           ByteClass.boundaryBefore(text, index) {
            report(IBAN.find(text, at: index))
        }
    }

    /// Merges findings of the same detector that overlap (a key inside a URL found twice, say).
    /// - Complexity: O(n); `findings` is sorted by start.
    private func deduplicated(_ findings: [Finding]) -> [Finding] {
        var result: [Finding] = []
        result.reserveCapacity(findings.count)
        var lastOf = [Int](repeating: -1, count: DetectorID.allCases.count)
        for finding in findings {
            let last = lastOf[finding.detector.rawValue]
            if last >= 0, result[last].end > finding.start {
                if result[last].end < finding.end {
                    result[last] = Finding(detector: finding.detector, start: result[last].start, end: finding.end, family: result[last].family)
                }
                continue
            }
            lastOf[finding.detector.rawValue] = result.count
            result.append(finding)
        }
        return result
    }
}
