/// Runs the built-in detectors over a text in one pass of triggers: a literal matcher finds the
/// keywords that start secrets and injection phrases, and a byte loop finds the characters that
/// start structured values (`@` for e-mail, digits for numbers and addresses, `:` for IPv6 and
/// URLs). Each candidate is then validated (Luhn, mod 97, address ranges, base64 JSON headers…)
/// so that look-alikes — git SHAs, UUIDs, versions, dates, order numbers — stay clean.
struct DetectorScanner: Sendable {
    /// Keywords that start a candidate, with the detector family that checks it.
    private let triggers: LiteralMatcher
    private let triggerKinds: [TriggerKind]
    let internalDomains: [[UInt8]]

    enum TriggerKind: Sendable {
        case aws, github, githubPAT, privateKey, jwt, url, openAI, stripe, slack, google, password, override, jailbreak
    }

    init(internalDomains: [String]) {
        var patterns: [LiteralMatcher.Pattern] = []
        var kinds: [TriggerKind] = []
        func add(_ words: [String], _ kind: TriggerKind, wholeWord: Bool = false) {
            for word in words {
                patterns.append(LiteralMatcher.Pattern(Array(word.utf8), wholeWord: wholeWord))
                kinds.append(kind)
            }
        }
        add(["akia", "asia"], .aws)
        add(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], .github)
        add(["github_pat_"], .githubPAT)
        add(["-----begin "], .privateKey)
        add(["eyj"], .jwt)
        add(["://"], .url)
        add(["sk-"], .openAI)
        add(["sk_live_", "sk_test_", "rk_live_", "rk_test_"], .stripe)
        add(["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"], .slack)
        add(["aiza"], .google)
        add(["password", "passwd", "pwd", "secret", "api_key", "apikey", "access_token", "auth_token", "client_secret"], .password)
        add(InjectionPhrases.overrides, .override)
        add(InjectionPhrases.jailbreaks, .jailbreak)
        triggers = LiteralMatcher(patterns)
        triggerKinds = kinds
        self.internalDomains = internalDomains.map { ASCIIFold.fold(Array($0.utf8)) }
    }

    /// Every finding of the `enabled` detectors in `text`, ordered by start.
    func scan(_ text: UnsafeBufferPointer<UInt8>, enabled: BitSet) -> [Finding] {
        var findings: [Finding] = []
        func wants(_ detector: DetectorID) -> Bool { enabled.contains(detector.rawValue) }
        triggers.scan(text) { pattern, start, end in
            if let finding = check(triggerKinds[pattern], text, start: start, end: end, wants: wants) {
                for item in finding where wants(item.detector) { findings.append(item) }
            }
            return true
        }
        StructuredScan.scan(text, internalDomains: internalDomains, wants: wants) { findings.append($0) }
        if wants(.hiddenText) { HiddenText.scan(text) { findings.append($0) } }
        findings.sort { $0.start != $1.start ? $0.start < $1.start : $0.detector.rawValue < $1.detector.rawValue }
        return deduplicated(findings)
    }

    private func check(_ kind: TriggerKind, _ text: UnsafeBufferPointer<UInt8>, start: Int, end: Int,
                       wants: (DetectorID) -> Bool) -> [Finding]? {
        switch kind {
        case .aws: return wants(.awsAccessKey) ? SecretShapes.awsKey(text, start).map { [$0] } : nil
        case .github: return wants(.githubToken) ? SecretShapes.githubToken(text, start).map { [$0] } : nil
        case .githubPAT: return wants(.githubToken) ? SecretShapes.githubPAT(text, start).map { [$0] } : nil
        case .privateKey: return wants(.privateKey) ? SecretShapes.privateKey(text, start).map { [$0] } : nil
        case .jwt: return wants(.jwt) ? SecretShapes.jwt(text, start).map { [$0] } : nil
        case .url: return URLScan.check(text, schemeSeparator: start, internalDomains: internalDomains, wants: wants)
        case .openAI, .stripe, .slack, .google: return wants(.apiKey) ? SecretShapes.apiKey(kind, text, start).map { [$0] } : nil
        case .password: return wants(.password) ? SecretShapes.passwordAssignment(text, keyword: start, keywordEnd: end).map { [$0] } : nil
        case .override: return [Finding(detector: .instructionOverride, start: start, end: end)]
        case .jailbreak: return [Finding(detector: .jailbreak, start: start, end: end)]
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
                    result[last] = Finding(detector: finding.detector, start: result[last].start, end: finding.end)
                }
                continue
            }
            lastOf[finding.detector.rawValue] = result.count
            result.append(finding)
        }
        return result
    }
}
