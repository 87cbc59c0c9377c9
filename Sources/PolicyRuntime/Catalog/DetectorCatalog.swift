/// The built-in detectors, by the names the decision format reports (`pii.email`, …).
///
/// The names are part of the contract: policies refer to them, decisions report them.
/// The compiler checks references against this table; the runtime implements each entry.
public enum DetectorCatalog {
    /// One built-in detector.
    public struct Entry: Sendable, Equatable {
        /// Full name, `category.kind`.
        public let name: String
        /// Placeholder that redaction writes in place of a finding.
        public let placeholder: String
        /// One line for people.
        public let summary: String
    }

    /// Categories a condition may name to mean every detector in it (`prompt has pii`).
    public static let categories: [String] = DetectorCategory.words

    /// Every built-in detector, grouped by category.
    public static let entries: [Entry] = [
        Entry(name: "pii.email", placeholder: "[EMAIL]", summary: "email addresses"),
        Entry(name: "pii.phone", placeholder: "[PHONE]", summary: "North American and international phone numbers"),
        Entry(name: "pii.ssn", placeholder: "[SSN]", summary: "US social security numbers with valid area, group and serial"),
        Entry(name: "pii.credit_card", placeholder: "[CREDIT_CARD]", summary: "payment card numbers passing Luhn"),
        Entry(name: "pii.iban", placeholder: "[IBAN]", summary: "IBANs passing the mod-97 check"),
        Entry(name: "network.ip_address", placeholder: "[IP_ADDRESS]", summary: "private, link-local, CGNAT and unique-local addresses"),
        Entry(name: "network.internal_url", placeholder: "[INTERNAL_URL]", summary: "URLs whose host is internal"),
        Entry(name: "secret.aws_access_key", placeholder: "[AWS_ACCESS_KEY]", summary: "AWS access key ids"),
        Entry(name: "secret.github_token", placeholder: "[GITHUB_TOKEN]", summary: "GitHub tokens"),
        Entry(name: "secret.private_key", placeholder: "[PRIVATE_KEY]", summary: "PEM, age and PuTTY private keys"),
        Entry(name: "secret.jwt", placeholder: "[JWT]", summary: "JSON web tokens"),
        Entry(name: "secret.connection_string", placeholder: "[CONNECTION_STRING]", summary: "database and broker URLs with a password"),
        Entry(name: "secret.api_key", placeholder: "[API_KEY]", summary: "service tokens by their published prefix (docs/runtime.md, Credential families)"),
        Entry(name: "secret.password", placeholder: "[PASSWORD]", summary: "secrets given to a secret-sounding name in code, config, headers, flags and URLs"),
        Entry(name: "injection.instruction_override", placeholder: "[REDACTED]", summary: "phrases that try to override instructions"),
        Entry(name: "injection.jailbreak", placeholder: "[REDACTED]", summary: "role-play jailbreak openers"),
        Entry(name: "injection.hidden_text", placeholder: "[REDACTED]", summary: "text hidden in Unicode tag characters"),
    ]

    /// Looks a detector up by full name.
    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The detectors of a category, in catalogue order.
    public static func detectors(inCategory category: String) -> [String] {
        let prefix = category + "."
        return entries.filter { $0.name.hasPrefix(prefix) }.map(\.name)
    }
}
