/// Built-in detectors by index into ``DetectorCatalog/entries`` (same order; a test checks it).
enum DetectorID: Int, CaseIterable, Sendable {
    case email, phone, ssn, creditCard, iban
    case ipAddress, internalURL
    case awsAccessKey, githubToken, privateKey, jwt, connectionString, apiKey, password
    case instructionOverride, jailbreak, hiddenText
}

/// One finding: which detector, where (byte offsets into the scanned text).
struct Finding: Sendable, Equatable {
    let detector: DetectorID
    let start: Int
    let end: Int
}
