/// What the scanner does at an anchor: the detectors that start at that byte, and the
/// credential families whose prefix it anchors.
struct AnchorHandler {
    /// The internal domain suffixes, for hosts with and without a scheme.
    let internalHosts: InternalHosts
    let text: UnsafeBufferPointer<UInt8>
    /// The enabled detectors, one bit each by raw value (a word, so the closures handed to the
    /// detectors capture nothing that is reference-counted).
    let enabled: UInt64
    /// The credential prefix index, read once per scan rather than through its lazy global.
    let prefixes: CredentialPrefixIndex
    let email: Bool
    let numbers: Bool
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
        internalHosts = scanner.internalHosts
        self.text = text
        precondition(DetectorID.allCases.count <= 64, "the enabled detectors are one word")
        self.enabled = DetectorID.allCases.reduce(0) { enabled.contains($1.rawValue) ? $0 | 1 << UInt64($1.rawValue) : $0 }
        prefixes = CredentialFamilies.index
        func wants(_ detector: DetectorID) -> Bool { enabled.contains(detector.rawValue) }
        email = wants(.email)
        numbers = wants(.ssn) || wants(.creditCard) || wants(.phone) || wants(.ipAddress)
        dash = wants(.privateKey)
        colon = wants(.internalURL) || wants(.connectionString) || wants(.ipAddress) || wants(.password)
        password = wants(.password)
        hosts = wants(.internalURL)
        hidden = wants(.hiddenText)
        families = wants(.awsAccessKey) || wants(.githubToken) || wants(.apiKey) || wants(.privateKey)
            || wants(.connectionString) || wants(.password)
    }


    /// Runs the detectors anchored at `index`.
    mutating func handle(at index: Int, into findings: inout [Finding]) {
        let enabled = enabled
        func report(_ finding: Finding?) {
            if let finding, enabled >> UInt64(finding.detector.rawValue) & 1 != 0 { findings.append(finding) }
        }
        let wants = { (detector: DetectorID) in enabled >> UInt64(detector.rawValue) & 1 != 0 }
        let byte = text[index]
        let count = text.count
        if families, let found = prefixes.match(in: text, anchor: index) { report(found) }
        switch byte {
        case 0x40:
            if email { report(Email.find(text, at: index)) }
        case 0x30...0x39:
            if numbers, index >= numbersResumeAt {
                // A phone's `+` or `(` is read back from its first digit: they are no anchors,
                // as code is full of parentheses.
                let sign = index > 0 && (text[index - 1] == 0x2B || text[index - 1] == 0x28)
                if sign, let found = Numbers.find(text, at: index - 1, wants: wants) {
                    report(found)
                    numbersResumeAt = found.end
                } else if let found = Numbers.find(text, at: index, wants: wants) {
                    report(found)
                    numbersResumeAt = found.end
                } else {
                    numbersResumeAt = ByteClass.run(text, from: index, ByteClass.isDigit)
                }
            }
        case 0x41...0x5A:
            // Capitals: the `J` of a JWT's `eyJ`, and IBANs.
            if byte == 0x4A, wants(.jwt), index >= 2, text[index - 2] == 0x65, text[index - 1] == 0x79 {
                report(SecretShapes.jwt(text, index - 2))
            }
            if wants(.iban), index + 3 < count, ByteClass.isUpper(text[index + 1]), ByteClass.isDigit(text[index + 2]),
               ByteClass.boundaryBefore(text, index) {
                report(IBAN.find(text, at: index))
            }
        case 0x2D:
            if dash, index == 0 || text[index - 1] != 0x2D, ByteClass.matches(text, index, "-----BEGIN ") {
                report(SecretShapes.privateKey(text, index))
            }
            if password { report(SecretAssignment.atFlag(text, dash: index)) }
        case 0x3A:
            if colon {
                if index + 2 < count, text[index + 1] == 0x2F, text[index + 2] == 0x2F {
                    for finding in URLScan.check(text, schemeSeparator: index, internalDomains: internalHosts.suffixes,
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
            if hosts { report(internalHosts.find(text, dot: index)) }
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
