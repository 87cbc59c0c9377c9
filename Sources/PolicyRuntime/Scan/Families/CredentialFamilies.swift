/// The credential formats recognised by their prefix: one row each (see ``CredentialFamily``).
///
/// Rows are grouped by the detector they report as. docs/runtime.md lists them; a test checks
/// the list and the table agree.
enum CredentialFamilies {
    /// Every row.
    static let table: [CredentialFamily] = [
        // AWS access key ids: the prefix says what kind of key it is. Role, user and group ids
        // (AROA, AIDA, AGPA…) identify and do not authenticate, so they are not listed.
        CredentialFamily("aws_access_key_id", .awsAccessKey, prefixes: ["AKIA", "ASIA", "ABIA", "ACCA"],
                         body: ByteSet("A-Z2-7"), length: 16...16,
                         source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids"),

        // GitHub
        CredentialFamily("github_token", .githubToken, prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                         body: .alphanumeric, length: 36...251,
                         source: "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/"),
        CredentialFamily("github_fine_grained_pat", .githubToken, prefixes: ["github_pat_"],
                         body: ByteSet("A-Za-z0-9_"), length: 22...255,
                         source: "https://github.blog/2022-10-18-introducing-fine-grained-personal-access-tokens-for-github/"),

        // AI vendors
        CredentialFamily("openai_api_key", .apiKey, prefixes: ["sk-", "sk-proj-", "sk-svcacct-", "sk-admin-"],
                         body: .base64URL, length: 20...300, validation: .lettersAndDigits,
                         source: "https://platform.openai.com/docs/api-reference/authentication"),
        CredentialFamily("anthropic_api_key", .apiKey, prefixes: ["sk-ant-api03-", "sk-ant-admin01-"],
                         body: .base64URL, length: 20...300, validation: .lettersAndDigits,
                         source: "https://docs.anthropic.com/en/api/getting-started"),

        // Payments
        CredentialFamily("stripe_key", .apiKey, prefixes: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
                         body: .alphanumeric, length: 16...247,
                         source: "https://docs.stripe.com/keys"),

        // Chat
        CredentialFamily("slack_token", .apiKey, prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
                         body: ByteSet("A-Za-z0-9-"), length: 20...255,
                         source: "https://api.slack.com/authentication/token-types"),

        // Google
        CredentialFamily("google_api_key", .apiKey, prefixes: ["AIza"], body: .base64URL, length: 35...35,
                         source: "https://cloud.google.com/docs/authentication/api-keys"),
    ]

    /// The index the scanner consults at its anchors.
    static let index = CredentialPrefixIndex(table)
}
