@testable import PolicyRuntime
import XCTest

/// Every row of ``CredentialFamilies/table``: a realistic positive in a realistic line, hard
/// negatives derived from its published format, table-wide invariants, and ordinary text that must
/// stay clean.
///
/// Bodies come from a seeded generator (``TokenMaker``), never from repeated characters, which
/// ``Placeholder`` rightly rejects.
final class CredentialFamilyTests: XCTestCase {
    private let scanner = DetectorScanner(internalDomains: Vocabulary.defaultInternalDomains)
    private let all = BitSet(capacity: DetectorID.allCases.count, members: DetectorID.allCases.map(\.rawValue))

    /// Findings that carry a family: `detector:family:matched text`.
    private func families(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer, enabled: all).compactMap { finding in
                guard let family = finding.family else { return nil }
                return "\(DetectorCatalog.entries[finding.detector.rawValue].name):\(family):"
                    + String(decoding: bytes[finding.start..<finding.end], as: UTF8.self)
            }
        }
    }

    /// Findings of the secret detectors but the keyword one, as `detector:matched text`.
    private func secrets(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer, enabled: all).compactMap { finding in
                // `secret.password` is the keyword detector's (`secret_name = "db-credentials"`).
                guard finding.detector.category == .secret, finding.detector != .password else { return nil }
                return "\(DetectorCatalog.entries[finding.detector.rawValue].name):"
                    + String(decoding: bytes[finding.start..<finding.end], as: UTF8.self)
            }
        }
    }

    private func row(_ name: String) -> CredentialFamily {
        guard let row = CredentialFamilies.table.first(where: { $0.name == name }) else { fatalError("no family \(name)") }
        return row
    }

    private func expected(_ row: CredentialFamily, _ token: String) -> String {
        "\(DetectorCatalog.entries[row.detector.rawValue].name):\(row.name):\(token)"
    }

    // MARK: Realistic positives, one or more per row

    /// `family`, a line with `{T}` where the token goes, and the token when its structure is more
    /// than "prefix + random body bytes" (`nil`: made from the row by ``TokenMaker``).
    private static let cases: [(family: String, line: String, token: String?)] = {
        var maker = TokenMaker(seed: 0x5EED)
        let hex = TokenMaker.lowerHex, alnum = TokenMaker.alphanumeric, upper = TokenMaker.upperAlphanumeric
        return [
            ("aws_access_key_id", "aws_access_key_id = {T}", nil),
            ("github_token", "git clone https://x-access-token:{T}@github.com/acme/app.git", nil),
            ("github_fine_grained_pat", "GH_TOKEN={T} gh pr list", nil),
            ("gitlab_pat", "export GITLAB_TOKEN={T}", nil),
            ("gitlab_pat", "curl --header \"PRIVATE-TOKEN: {T}\" https://gitlab.com/api/v4/projects",
             "glpat-" + maker.make(TokenMaker.base64URL, 31) + "." + maker.make("abcdefghijklmnopqrstuvwxyz0123456789", 9)),
            ("gitlab_deploy_token", "docker login -u gitlab+deploy-token-7 -p {T} registry.gitlab.com", nil),
            ("gitlab_runner_token", "  token = \"{T}\"", nil),
            ("gitlab_runner_registration_token", "gitlab-runner register --registration-token {T}", nil),
            ("gitlab_pipeline_trigger_token", "curl -X POST -F token={T} -F ref=main https://gitlab.com/api/v4/projects/9/trigger/pipeline", nil),
            ("gitlab_ci_job_token", "CI_JOB_TOKEN: {T}",
             "glcbt-" + maker.make(alnum, 2) + "_" + maker.make(TokenMaker.base64URL, 20)),
            ("gitlab_incoming_mail_token", "incoming_email_token: '{T}'", nil),
            ("gitlab_feed_token", "https://gitlab.com/dashboard/projects.atom?feed_token={T}", nil),
            ("gitlab_scim_token", "Authorization: Bearer {T}", nil),
            ("gitlab_agent_token", "helm install gitlab-agent --set config.token={T}", nil),
            ("gitlab_oauth_app_secret", "{\"client_secret\":\"{T}\"}", nil),
            ("gitlab_feature_flag_token", "unleash: { instanceId: \"{T}\" }", nil),
            ("openai_api_key", "OPENAI_API_KEY=\"{T}\"",
             "sk-proj-" + maker.make(TokenMaker.base64URL, 74) + "T3BlbkFJ" + maker.make(TokenMaker.base64URL, 74)),
            ("anthropic_api_key", "client = Anthropic(api_key=\"{T}\")",
             "sk-ant-api03-" + maker.make(TokenMaker.base64URL, 93) + "AA"),
            ("openrouter_api_key", "-H \"Authorization: Bearer {T}\"", nil),
            ("huggingface_token", "huggingface-cli login --token {T}", nil),
            ("huggingface_org_token", "HF_ORG_TOKEN={T}", nil),
            ("groq_api_key", "export GROQ_API_KEY={T}", nil),
            ("xai_api_key", "{\"xai\": \"{T}\"}", nil),
            ("perplexity_api_key", "PPLX_API_KEY={T}", nil),
            ("replicate_api_token", "REPLICATE_API_TOKEN={T} python run.py", nil),
            ("langsmith_api_key", "LANGCHAIN_API_KEY={T}", nil),
            ("stripe_key", "stripe.api_key = \"{T}\"", nil),
            ("stripe_webhook_secret", "endpoint_secret = '{T}'", nil),
            ("square_access_token", "SQUARE_ACCESS_TOKEN={T}", nil),
            ("square_oauth_secret", "square:\n  application_secret: {T}", nil),
            ("shopify_access_token", "X-Shopify-Access-Token: {T}", nil),
            ("shopify_shared_secret", "SHOPIFY_API_SECRET_KEY={T}", nil),
            ("flutterwave_secret_key", "FLW_SECRET_KEY={T}", nil),
            ("shippo_api_token", "Authorization: ShippoToken {T}", nil),
            ("easypost_api_key", "EasyPost::Client.new(api_key: '{T}')", nil),
            ("duffel_api_token", "Authorization: Bearer {T}", nil),
            ("slack_token", "SLACK_BOT_TOKEN={T}",
             "xoxb-" + maker.make("0123456789", 12) + "-" + maker.make("0123456789", 13) + "-" + maker.make(alnum, 24)),
            ("slack_app_token", "SLACK_APP_TOKEN={T}",
             "xapp-1-A" + maker.make(upper, 10) + "-" + maker.make("0123456789", 13) + "-" + maker.make(hex, 64)),
            ("slack_config_token", "config_token: {T}", "xoxe.xoxp-1-" + maker.make(alnum, 164)),
            ("slack_config_refresh_token", "refresh_token: {T}", "xoxe-1-" + maker.make(alnum, 146)),
            ("slack_webhook_url", "curl -X POST -d '{\"text\":\"hi\"}' https://{T}",
             "hooks.slack.com/services/T" + maker.make(upper, 10) + "/B" + maker.make(upper, 10) + "/" + maker.make(alnum, 24)),
            ("twilio_api_key", "client = Client(\"{T}\", api_secret, account_sid)", nil),
            ("sendgrid_api_key", "SENDGRID_API_KEY={T}", nil),
            ("mailgun_api_key", "curl -s --user 'api:{T}' https://api.mailgun.net/v3/mg.acme.com/messages", nil),
            ("sendinblue_api_key", "api-key: {T}", nil),
            ("google_api_key", "<meta name=\"maps-key\" content=\"{T}\">", nil),
            ("google_oauth_access_token", "Authorization: Bearer {T}", nil),
            ("google_oauth_client_secret", "{\"installed\":{\"client_secret\":\"{T}\"}}", nil),
            ("azure_ad_client_secret", "AZURE_CLIENT_SECRET={T}",
             maker.make(alnum, 3) + "8Q~" + maker.make(alnum + "_~.-", 34)),
            ("azure_storage_account_key",
             "DefaultEndpointsProtocol=https;AccountName=acmeprod;{T};EndpointSuffix=core.windows.net", nil),
            ("azure_sas_signature", "https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&sp=r&{T}",
             "sig=" + maker.make(alnum + "+/", 43) + "%3D"),
            ("npm_token", "//registry.npmjs.org/:_authToken={T}", nil),
            ("pypi_token", "[pypi]\n  username = __token__\n  password: {T}", nil),
            ("rubygems_api_key", "---\n:rubygems_api_key: {T}", nil),
            ("clojars_token", "CLOJARS_PASSWORD={T}", nil),
            ("docker_pat", "echo {T} | docker login -u acme --password-stdin", nil),
            ("artifactory_api_key", "X-JFrog-Art-Api: {T}", nil),
            ("postman_api_key", "x-api-key: {T}",
             "PMAK-" + maker.make(hex, 24) + "-" + maker.make(hex, 34)),
            ("linear_api_key", "LINEAR_API_KEY={T}", nil),
            ("atlassian_api_token", "JIRA_API_TOKEN={T}", nil),
            ("sentry_org_token", "SENTRY_AUTH_TOKEN={T}",
             "sntrys_eyJpYXQiO" + maker.make(alnum + "+/", 150) + "_" + maker.make(alnum + "+/", 43)),
            ("sentry_user_token", "auth.token={T}", nil),
            ("readme_api_key", "README_API_KEY={T}", nil),
            ("prefect_api_key", "prefect cloud login --key {T}", nil),
            ("octopus_deploy_api_key", "X-Octopus-ApiKey: {T}", nil),
            ("digitalocean_pat", "doctl auth init --access-token {T}", nil),
            ("digitalocean_oauth_token", "{\"access_token\":\"{T}\",\"token_type\":\"bearer\"}", nil),
            ("digitalocean_refresh_token", "{\"refresh_token\":\"{T}\"}", nil),
            ("vault_service_token", "export VAULT_TOKEN={T}", nil),
            ("vault_batch_token", "X-Vault-Token: {T}", nil),
            ("terraform_cloud_token", "credentials \"app.terraform.io\" { token = \"{T}\" }", nil),
            ("pulumi_access_token", "PULUMI_ACCESS_TOKEN={T}", nil),
            ("heroku_api_key", "HEROKU_API_KEY={T}", nil),
            ("doppler_token", "DOPPLER_TOKEN={T} doppler run -- npm start", nil),
            ("flyio_token", "FLY_API_TOKEN={T}", nil),
            ("flyio_macaroon", "FLY_API_TOKEN=\"FlyV1 {T}\"", nil),
            ("supabase_token", "SUPABASE_ACCESS_TOKEN={T}", nil),
            ("netlify_token", "netlify deploy --auth {T}", nil),
            ("cloudflare_origin_ca_key", "CF_ORIGIN_CA_KEY={T}",
             "v1.0-" + maker.make(hex, 24) + "-" + maker.make(hex, 146)),
            ("dynatrace_token", "Authorization: Api-Token {T}", nil),
            ("new_relic_user_api_key", "NEW_RELIC_API_KEY={T}", nil),
            ("new_relic_insert_key", "X-Insert-Key: {T}", nil),
            ("grafana_service_account_token", "Authorization: Bearer {T}",
             "glsa_" + maker.make(alnum, 32) + "_" + maker.make(hex, 8)),
            ("grafana_cloud_token", "GRAFANA_CLOUD_TOKEN={T}", nil),
            ("grafana_api_key", "grafana_auth = \"{T}\"", "eyJrIjoi" + maker.make(alnum, 90) + "="),
            ("alibaba_access_key_id", "ALIBABA_CLOUD_ACCESS_KEY_ID={T}", nil),
            ("openshift_user_token", "oc login --token={T} --server=https://api.ocp.acme.com:6443", nil),
            ("onepassword_service_account_token", "OP_SERVICE_ACCOUNT_TOKEN={T}", nil),
            ("planetscale_token", "PLANETSCALE_SERVICE_TOKEN={T}", nil),
            ("planetscale_password", "DATABASE_PASSWORD={T}", nil),
            ("scalingo_api_token", "scalingo login --api-token {T}", nil),
            ("infracost_api_key", "INFRACOST_API_KEY={T}", nil),
            ("notion_token", "const notion = new Client({ auth: \"{T}\" })",
             "ntn_" + maker.make("0123456789", 11) + maker.make(alnum, 35)),
            ("figma_token", "X-Figma-Token: {T}", nil),
            ("contentful_pat", "contentful login --management-token {T}", nil),
            ("dropbox_token", "dbx = dropbox.Dropbox(\"{T}\")", nil),
            ("typeform_token", "Authorization: Bearer {T}", nil),
            ("frameio_token", "FRAMEIO_TOKEN={T}", nil),
            ("facebook_access_token", "graph.facebook.com/me?access_token={T}", nil),
            ("mapbox_secret_token", "MAPBOX_DOWNLOADS_TOKEN={T}",
             "sk.eyJ1IjoiYWNtZSIsImEiOiJjbHgxeXo5In0." + maker.make(TokenMaker.base64URL, 22)),
            ("adobe_client_secret", "ADOBE_CLIENT_SECRET={T}", nil),
            ("age_secret_key", "# created: 2024-05-01T10:00:00Z\n{T}", nil),
            ("putty_private_key", "{T}\nEncryption: none\nComment: deploy@acme", "PuTTY-User-Key-File-3: ssh-ed25519"),
        ]
    }()

    func testEveryRowHasARealisticPositive() {
        let covered = Set(Self.cases.map(\.family))
        for row in CredentialFamilies.table { XCTAssertTrue(covered.contains(row.name), "no positive for \(row.name)") }
        for name in covered { XCTAssertNotNil(CredentialFamilies.table.first { $0.name == name }, "no row \(name)") }
    }

    func testRealisticPositivesReportDetectorFamilyAndSpan() {
        var maker = TokenMaker(seed: 0xF00D)
        for (family, line, explicit) in Self.cases {
            let row = row(family)
            let token = explicit ?? maker.sample(row).token
            let text = line.replacingOccurrences(of: "{T}", with: token)
            XCTAssertEqual(families(text), [expected(row, token)], text)
        }
    }

    // MARK: Hard negatives, derived from each row's format

    func testOneByteShortOrLongIsNotThisFamily() {
        var maker = TokenMaker(seed: 0xBAD)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes where !CredentialFamilyTests.extendsAnotherPrefix(prefix) {
                let low = maker.sample(row, prefix: prefix, bodyLength: row.length.lowerBound)
                XCTAssertTrue(families("value: \(low.token)\n").contains(expected(row, low.token)), low.token)
                if row.length.lowerBound > 1 {
                    let short = maker.sample(row, prefix: prefix, bodyLength: row.length.lowerBound - 1)
                    XCTAssertFalse(families("value: \(short.token)\n").contains { $0.contains(":\(row.name):") }, short.token)
                }
                if row.length.upperBound <= 300 {
                    let long = maker.sample(row, prefix: prefix, bodyLength: row.length.upperBound + 1)
                    XCTAssertFalse(families("value: \(long.token)\n").contains { $0.contains(":\(row.name):") }, long.token)
                }
            }
        }
    }

    func testWrongCasePrefixIsNotThisFamily() {
        var maker = TokenMaker(seed: 0xCA5E)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let flipped = String(prefix.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
                guard flipped != prefix else { continue }
                let sample = maker.sample(row, prefix: prefix)
                let token = sample.lead + flipped + sample.rest
                XCTAssertFalse(families("value: \(token)\n").contains { $0.contains(":\(row.name):") }, token)
            }
        }
    }

    func testGluedToAWordIsNotFound() {
        var maker = TokenMaker(seed: 0x61E)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let sample = maker.sample(row, prefix: prefix)
                // A shorter prefix inside may still be found (`qxoxe.xoxp-…` holds `xoxp-…`), this row may not.
                XCTAssertFalse(families("value: q\(sample.token)\n").contains { $0.contains(":\(row.name):") }, "q" + sample.token)
            }
        }
    }

    func testPlaceholdersAreNotFound() {
        var maker = TokenMaker(seed: 0x9)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let sample = maker.sample(row, prefix: prefix)
                guard row.body.contains(UInt8(ascii: "x")) else { continue }
                let placeholder = sample.lead + prefix + String(repeating: "x", count: sample.bodyLength) + sample.tailAndSuffix
                XCTAssertEqual(families("value: \(placeholder)\n"), [], placeholder)
            }
        }
        XCTAssertEqual(families("export GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx"), [])
        XCTAssertEqual(families("hf_token = hf_YOURTOKENHEREabcdefghijklmnopqrstu"), [])
        XCTAssertEqual(families("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"), [])
    }

    func testFormatSpecificNegatives() {
        let hex32 = "9f86d081884c7d659a2feaa0c55ad015"
        XCTAssertEqual(families("twilio SK\(hex32.uppercased()) and SK\(hex32)0"), [])  // upper-case hex, 33 digits
        XCTAssertEqual(families("mailgun pubkey-\(hex32) key-value key-\(hex32.prefix(31))"), [])  // public key, word, short
        XCTAssertEqual(families("GOCSPX- alone, ya29.short, sig=abc&sp=r, AccountKey=abc=="), [])
        XCTAssertEqual(families("PuTTY-User-Key-File-1: ssh-rsa"), [])  // no such version
        XCTAssertEqual(families("AGE-SECRET-KEY-1" + "qpzry9x8gf2tvdw0s3jn54khce6mua7lqpzry9x8gf2tvdw0s3jn54khce"), [])  // lower case
        // A routable GitLab token's checksum part is optional: a sentence may end right after the body.
        XCTAssertEqual(families("use glpat-Ab3dE5gH7jK9mN1pQ2rS. then"), ["secret.api_key:gitlab_pat:glpat-Ab3dE5gH7jK9mN1pQ2rS"])
        // A `-` the body allows joins the token to the word before; `=` and `/` delimit it.
        XCTAssertEqual(families("x-glpat-Ab3dE5gH7jK9mN1pQ2rS"), [])
        XCTAssertEqual(families("GITLAB_TOKEN=glpat-Ab3dE5gH7jK9mN1pQ2rS"), ["secret.api_key:gitlab_pat:glpat-Ab3dE5gH7jK9mN1pQ2rS"])
        // SendGrid's second part is required.
        XCTAssertEqual(families("SG.Ab3dE5gH7jK9mN1pQ2rS4t."), [])
    }

    // MARK: Table-wide invariants

    func testEveryPrefixHasAnAnchorByte() {
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let bytes = Array(prefix.utf8)
                XCTAssertTrue(bytes.indices.contains { CredentialPrefixIndex.stopsAt(bytes, $0, afterWord: CredentialPrefixIndex.followsWords(row)) }, "\(row.name): `\(prefix)` is never found")
            }
        }
    }

    func testFamilyNamesAreUniqueSnakeCase() {
        let names = CredentialFamilies.table.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for name in names {
            let bytes = Array(name.utf8)
            let valid = ByteClass.isLetter(bytes[0]) && bytes.allSatisfy { (0x61...0x7A).contains($0) || ByteClass.isDigit($0) || $0 == 0x5F }
                && !name.hasSuffix("_") && !name.contains("__")
            XCTAssertTrue(valid, name)
        }
    }

    func testEveryRowNamesItsSource() {
        for row in CredentialFamilies.table { XCTAssertTrue(row.source.hasPrefix("https://"), row.name) }
    }

    /// A prefix belongs to one row; where one prefix begins another (`sk-` and `sk-ant-api03-`),
    /// the longer one's row is reported.
    func testEveryPrefixIsReportedAsItsOwnRow() {
        var seen: [String: String] = [:]
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                XCTAssertNil(seen[prefix], "`\(prefix)` is in \(seen[prefix] ?? "") and \(row.name)")
                seen[prefix] = row.name
            }
        }
        var maker = TokenMaker(seed: 0x10)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let sample = maker.sample(row, prefix: prefix)
                XCTAssertEqual(families("token: \(sample.token)\n"), [expected(row, sample.token)], "\(row.name) `\(prefix)`")
            }
        }
    }

    /// The scanner tests sixteen bytes at a time (the first block and the last ones through a
    /// padded copy) and passes over title-case words and sentence ends: every prefix is found
    /// wherever it falls in a block, in the first one or further on, after prose and before a
    /// lower-case word.
    func testEveryPrefixIsFoundAtEveryAlignmentInProse() {
        var maker = TokenMaker(seed: 0x11)
        for row in CredentialFamilies.table {
            for prefix in row.prefixes {
                let sample = maker.sample(row, prefix: prefix)
                for shift in 0..<33 {
                    let lead = "The key. Then " + String(repeating: "x", count: shift) + " "
                    XCTAssertEqual(families(lead + sample.token + " then more. Text"), [expected(row, sample.token)],
                                   "\(row.name) `\(prefix)` after \(shift)")
                }
            }
        }
    }

    func testDocsListEveryFamily() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/runtime.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        guard let start = text.range(of: "### Credential families") else { return XCTFail("no Credential families section") }
        let section = text[start.upperBound...]
        for row in CredentialFamilies.table {
            XCTAssertTrue(section.contains("`\(row.name)`"), "docs/runtime.md does not list \(row.name)")
            for prefix in row.prefixes {
                XCTAssertTrue(section.contains(prefix.trimmingCharacters(in: .whitespaces)), "docs/runtime.md: \(row.name) `\(prefix)`")
            }
        }
    }

    // MARK: Ordinary text

    func testOrdinaryCodeAndProseStayClean() {
        var text = CredentialFamilyTests.ordinaryText
        // Look-alikes made by the generator: git SHAs, digests, UUIDs, hex ids after capital pairs.
        var maker = TokenMaker(seed: 0xC1EA)
        for index in 0..<120 {
            let sha = maker.make(TokenMaker.lowerHex, 40)
            let uuid = [8, 4, 4, 4, 12].map { maker.make(TokenMaker.lowerHex, $0) }.joined(separator: "-")
            text += "commit \(sha) (build #\(index), run \(uuid))\n"
            text += "image: registry.acme.io/api@sha256:\(maker.make(TokenMaker.lowerHex, 64))\n"
            text += "AC\(maker.make("0123456789", 4))-\(maker.make(TokenMaker.lowerHex, 12)) rev \(maker.make(TokenMaker.lowerHex, 7))\n"
        }
        XCTAssertGreaterThan(text.split(separator: "\n").count, 300)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            XCTAssertEqual(secrets(String(line)), [], String(line))
        }
        XCTAssertEqual(secrets(text), [])
    }

    private static func extendsAnotherPrefix(_ prefix: String) -> Bool {
        CredentialFamilies.table.contains { row in row.prefixes.contains { $0 != prefix && prefix.hasPrefix($0) } }
    }

    private static let ordinaryText = #"""
    import Foundation
    import sklearn
    from sklearn.model_selection import train_test_split
    sk_learn = __import__("sklearn")
    key_value = {"key-value": "pairs", "key-name": "primary"}
    SKU-12345 is back in stock at ACME Corp.
    ACME_HOME=/opt/acme
    let sku = "SKU-99812-B"
    The ACME widget ships with SKF bearings and AC adapters.
    func makeKey(value: String) -> String { "key-\(value)" }
    // TODO: replace the session id with a real one before release
    def get_secret_name(self): return self.secret_name
    secret_name = "db-credentials"
    const apiVersion = "v1.0-beta";
    console.log(`v1.0-rc.2 released`);
    version: 1.0.0-alpha.3
    git checkout -b feature/sk-learn-upgrade
    pip install scikit-learn==1.4.2
    npm install --save-dev @types/node
    export NODE_ENV=production
    export PATH="$HOME/.local/bin:$PATH"
    kubectl get pods -n kube-system -o wide
    docker run --rm -p 8080:80 nginx:1.25-alpine
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api-server
      labels:
        app.kubernetes.io/name: api-server
    spec:
      replicas: 3
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:2024.05.01
              env:
                - name: DATABASE_URL
                  valueFrom:
                    secretKeyRef:
                      name: db
                      key: url
    SELECT id, sku, name FROM products WHERE sku LIKE 'SKU-%' ORDER BY id;
    class UserSessionManager(BaseManager):
        def hf_download(self, repo_id: str) -> Path:
            return hf_hub_download(repo_id=repo_id, filename="config.json")
    let hf_cache = hf_home + "/hub"
    gsk_count = 0; pplx_enabled = False; r8_ready = True
    let xai_client = XAIClient(baseURL: url)
    if (sig_valid && sig_len > 0) { verify(sig); }
    url = "https://example.com/cb?state=abc&sig=short"
    AccountKey is documented in the storage guide.
    The Q~ sequence is used in some wiki markup, as in Foo~Bar~Baz.
    tilde paths: ~/projects/app and ~user/docs
    SG.setup(); SG.run(options)
    SK = 42  # spring constant
    SKIP_TESTS=1 make check
    API-Gateway handles the API-v2 routes; see API-REFERENCE.md.
    NRAK is an acronym in our wiki.
    EAAC (European Agency for Asylum Cases) report, page 12.
    DOPPLER_CONFIG=dev_personal
    dp.pt.example is not a token.
    lin_api_version = 2
    secret_santa = True
    ntn_count = len(notion_pages)
    HRKU stands for the Heroku region code in our runbook.
    pul-request-template.md
    sbp_ratio = systolic / diastolic
    nfp_total += 1
    figd_layer = doc.layers[0]
    CFPAT stands for Contentful Personal Access Token in the docs.
    sl.slider(value: 3)
    sq0 = x ** 2
    whsec_len = 32
    AKCp is not a prefix we use.
    rubygems_org_url = "https://rubygems.org"
    CLOJARS_USERNAME=acme
    dckr_pat_usage = "see docs"
    PMAK is the Postman key prefix.
    ATATT3 tokens are described in the Atlassian docs.
    sntryu_ is the Sentry user token prefix.
    glsa_ and glc_ are Grafana prefixes.
    v1.0-24 was tagged last week.
    dt0c01 is the Dynatrace prefix.
    LTAI stands for long-term AI in the roadmap.
    sha256~ is OpenShift's token prefix.
    ops_eyJ is how 1Password service tokens begin.
    pscale_tkn_ and pscale_pw_ are PlanetScale prefixes.
    tk-us-east-1 is our cluster name.
    ico-home.svg
    tfp_version = "1.2"
    fio-u-turn is a road sign.
    p8e-config.yaml
    AGE-SECRET-KEY-1 lines hold age identities.
    PuTTY-User-Key-File-3 is the .ppk header.
    <img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">
    background: url(data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7);
    font-src: data:font/woff2;base64,d09GMgABAAAAAAKMAA0AAAAABlgAAAI3AAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGhYbHhwgBmAAPBEICoEAdAsGAAE2AiQDCAQgBYNeB0UbxQTIHpIkBQAGQUQAAIBAtH5z0UGY
    The quick brown fox jumps over the lazy dog. Nothing here is a secret, and the words key,
    token, secret and password appear only as prose. Release 2.14.0 (build 2024-06-01) fixes
    issue #4821 reported by ACME's QA team; see https://github.com/acme/app/pull/4822 for details.
    Meeting notes: Q3 OKRs, SKU rationalisation, AC unit replacement in Building B.
    for i in range(10): print(f"{i:03d}")
    while read -r line; do echo "$line"; done < input.txt
    fn main() { println!("{}", std::env::args().count()); }
    func handler(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
    public static void main(String[] args) { System.out.println("Hello, World!"); }
    #include <stdio.h>
    int main(void) { return printf("%d\n", 42) < 0; }
    .button-primary { color: #1A73E8; margin: 0 4px; }
    <div class="col-md-6 offset-md-3">SKU-AC-1001</div>
    2001:db8::1 and 10.0.0.1 appear in documentation ranges.
    Content-Type: application/json; charset=utf-8
    Accept-Encoding: gzip, deflate, br
    If-None-Match: W/"5e15153d-120f"
    ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"
    X-Request-Id: 0f8fad5b-d9cb-469f-a165-70867728950e
    """#
}

/// A tiny deterministic generator of token bodies: xorshift64*, seeded per test, per charset.
struct TokenMaker {
    static let lowerHex = "0123456789abcdef"
    static let alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let upperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    static let base64URL = alphanumeric + "_-"

    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// `count` characters drawn from `charset`.
    mutating func make(_ charset: String, _ count: Int) -> String {
        let characters = Array(charset)
        return String((0..<count).map { _ in characters[Int(next() % UInt64(characters.count))] })
    }

    /// The ASCII bytes of `set`, as a charset.
    static func charset(_ set: ByteSet) -> String {
        String(decoding: (0x21...0x7E).map(UInt8.init).filter(set.contains), as: UTF8.self)
    }

    /// A token of `row` made from its own data: lead, prefix, body, tail and suffix.
    struct Sample {
        let lead: String
        let prefix: String
        let body: String
        let tailAndSuffix: String
        var token: String { lead + prefix + body + tailAndSuffix }
        /// Everything after the prefix.
        var rest: String { body + tailAndSuffix }
        var bodyLength: Int { body.count }
    }

    mutating func sample(_ row: CredentialFamily, prefix: String? = nil, bodyLength: Int? = nil) -> Sample {
        let lead = row.lead.map { make(TokenMaker.charset($0.bytes).filter(\.isLetter), $0.count.lowerBound) } ?? ""
        // Bodies of letters, digits and a few separators; only letters and digits where a body
        // allows more (`=`, `/`, `.`, `~`), so a sample cannot end in a sentence's punctuation.
        let full = TokenMaker.charset(row.body)
        let plain = full.filter { $0.isLetter || $0.isNumber }
        let body = make(plain.isEmpty ? full : plain, bodyLength ?? min(row.length.lowerBound + 8, row.length.upperBound))
        var after = ""
        if let tail = row.tail {
            after += tail.separator + make(TokenMaker.charset(tail.bytes).filter { $0.isLetter || $0.isNumber }, tail.length.lowerBound)
        }
        after += row.suffix ?? ""
        return Sample(lead: lead, prefix: prefix ?? row.prefixes[0], body: body, tailAndSuffix: after)
    }
}
