/// Built-in detectors by index into ``DetectorCatalog/entries`` (same order; a test checks it).
enum DetectorID: Int, CaseIterable, Sendable {
    case email, phone, ssn, creditCard, iban
    case ipAddress, internalURL
    case awsAccessKey, githubToken, privateKey, jwt, connectionString, apiKey, password
    case instructionOverride, jailbreak, hiddenText

    /// The detector's category, which gives its findings' risk weight.
    var category: DetectorCategory {
        switch self {
        case .email, .phone, .ssn, .creditCard, .iban: return .pii
        case .ipAddress, .internalURL: return .network
        case .awsAccessKey, .githubToken, .privateKey, .jwt, .connectionString, .apiKey, .password: return .secret
        case .instructionOverride, .jailbreak, .hiddenText: return .injection
        }
    }
}

/// One finding: which detector, where (byte offsets into the scanned text), and for detectors
/// that recognise several formats, which one (`gitlab_pat`, `authorization_header`): the
/// decision reports it as the detection's `family`.
struct Finding: Sendable, Equatable {
    let detector: DetectorID
    let start: Int
    let end: Int
    /// The format's name, from the table that defines it (a string literal: no allocation).
    let family: String?

    init(detector: DetectorID, start: Int, end: Int, family: String? = nil) {
        self.detector = detector
        self.start = start
        self.end = end
        self.family = family
    }
}
