@testable import PolicyRuntime
import Foundation
import XCTest

/// The generic secret detector (`secret.password`): secrets given to secret-sounding names in
/// code, configuration, markup and shell commands are found; code that handles secrets is not.
final class SecretAssignmentTests: XCTestCase {
    private let scanner = DetectorScanner(internalDomains: Vocabulary.defaultInternalDomains)
    private let passwordOnly = BitSet(capacity: DetectorID.allCases.count, members: [DetectorID.password.rawValue])
    private let all = BitSet(capacity: DetectorID.allCases.count, members: DetectorID.allCases.map(\.rawValue))

    /// `family:matched text` for every `secret.password` finding, with every detector enabled.
    private func found(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer, enabled: all).filter { $0.detector == .password }.map { finding in
                "\(finding.family ?? "-"):" + String(decoding: bytes[finding.start..<finding.end], as: UTF8.self)
            }
        }
    }

    private func assertFinds(_ text: String, _ family: String, _ value: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(found(text), ["\(family):\(value)"], text, file: file, line: line)
    }

    private func assertClean(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in texts { XCTAssertEqual(found(text), [], text, file: file, line: line) }
    }

    // A random-looking 40-character token (letters and digits, as tokens are).
    private let token40 = "q8Zr2LmX4vN7pK1wT9bYc3Hs6Df0Gj5Ae2Ui8Oo4"

    func testAssignments() {
        assertFinds(#"password = "Tr0ub4dor&3x""#, "assignment", "Tr0ub4dor&3x")
        assertFinds("DB_PASSWORD=hunter2hunter2", "assignment", "hunter2hunter2")
        assertFinds("client_secret: 8f7e6d5c4b3a2910", "assignment", "8f7e6d5c4b3a2910")
        assertFinds(#"password     = "Xk9mQ2vLp7""#, "assignment", "Xk9mQ2vLp7")
        assertFinds(#"$password => 'S3cr3t!Pass';"#, "assignment", "S3cr3t!Pass")
        assertFinds(#"token := "gR7kP2xQ9mZ4vL8n""#, "assignment", "gR7kP2xQ9mZ4vL8n")
        assertFinds(#"{"user": "deploy", "token": "c2VjcmV0LXRva2VuLTk4NzY1"}"#, "assignment", "c2VjcmV0LXRva2VuLTk4NzY1")
        assertFinds("export GITHUB_TOKEN=\(token40)", "assignment", token40)
        assertFinds("const githubToken = '\(token40)';", "assignment", token40)
        assertFinds("spring.datasource.password=Pg5!xR8wQz", "assignment", "Pg5!xR8wQz")
        assertFinds(#"let password: String = "hunter2hunter2""#, "assignment", "hunter2hunter2")
        assertFinds(#"API_TOKEN: Final[str] = "gR7kP2xQ9mZ4vL8n""#, "assignment", "gR7kP2xQ9mZ4vL8n")
        assertFinds(#"const TOKEN: &str = "gR7kP2xQ9mZ4vL8n";"#, "assignment", "gR7kP2xQ9mZ4vL8n")
        assertFinds("db_pass: Wq8#nV3z!", "assignment", "Wq8#nV3z!")
        assertFinds("password: Tr0ub4dor&3x", "assignment", "Tr0ub4dor&3x")
        assertFinds("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Zr2Lm", "assignment", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Zr2Lm")
        assertFinds(#"basicAuth = "Jk4@pL9s%Mx""#, "assignment", "Jk4@pL9s%Mx")
        assertFinds("Server=db;Database=app;User Id=sa;Password=Zx9!Lm4#Qr;", "assignment", "Zx9!Lm4#Qr")
        assertFinds("GET /v1/data?api_key=9f8e7d6c5b4a3928&format=json", "assignment", "9f8e7d6c5b4a3928")
        // A quoted literal may be a word; a bare one must mix letters with digits or symbols.
        assertFinds(#"secret = "correcthorsebattery""#, "assignment", "correcthorsebattery")
    }

    func testMarkup() {
        assertFinds("<password>Tr0ub4dor&3x</password>", "xml_element", "Tr0ub4dor&3x")
        assertFinds("<db:Password> n7Vq2Lx9Rt </db:Password>", "xml_element", "n7Vq2Lx9Rt")
        assertFinds(#"<connection user="app" password="Tr0ub4dor&3x" />"#, "xml_attribute", "Tr0ub4dor&3x")
        assertFinds(#"<add key="ApiKey" value="9f8e7d6c5b4a3928" />"#, "xml_attribute", "9f8e7d6c5b4a3928")
        assertFinds(#"<add key="Smtp.Password" value="Tr0ub4dor&3x"/>"#, "xml_attribute", "Tr0ub4dor&3x")
        assertClean([#"<add key="PageSize" value="9f8e7d6c5b4a3928" />"#, #"<add key="ApiKey" value="%API_KEY%" />"#,
                     #"<add monkey="x" value="9f8e7d6c5b4a3928" />"#])
        assertClean(["<password>${DB_PASSWORD}</password>", "<password></password>", "<token>xxxxxxxx</token>",
                     "<password>secret</password>", "<password>Tr0ub4dor&3x</passwd>"])
    }

    func testCommandLines() {
        assertFinds("mysql -u root --password=Xk9mQ2vLp7 app", "cli_flag", "Xk9mQ2vLp7")
        assertFinds("vault login --token \(token40)", "cli_flag", token40)
        assertFinds("terraform apply -var db_password=Xk9mQ2vLp7", "assignment", "Xk9mQ2vLp7")
        assertFinds("java -Dspring.datasource.password=Xk9mQ2vLp7 -jar app.jar", "cli_flag", "Xk9mQ2vLp7")
        assertFinds("app -password Xk9mQ2vLp7", "cli_flag", "Xk9mQ2vLp7")
        assertFinds("curl --user=deploy:Tr0ub4dor3x https://x.example", "curl_user", "Tr0ub4dor3x")
        assertFinds(#"tool --api-key "9f8e7d6c5b4a3928""#, "cli_flag", "9f8e7d6c5b4a3928")
        assertFinds("curl -u admin:Sup3rS3cret! https://api.example.com", "curl_user", "Sup3rS3cret!")
        assertFinds("curl --user 'deploy:Tr0ub4dor&3x' https://api.example.com", "curl_user", "Tr0ub4dor&3x")
        assertClean(["--password-file /run/secrets/db", "docker login --password-stdin", "mysql -u root -p",
                     "curl -u $USER:$PASS https://x", "gh auth login --token $(cat token.txt)", "--token TOKEN  the token",
                     "--password <password>", "sort -u names.txt", "docker build --secret id=npm,src=/run/npmrc ."])
    }

    func testHeaders() {
        assertFinds("curl -H \"Authorization: Bearer \(token40)\" https://api.example.com", "authorization_header", token40)
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        // A token a specific detector knows is reported by it alone (here `secret.jwt`).
        assertClean(["Authorization: Bearer \(jwt)"])
        XCTAssertEqual(Array("Authorization: Bearer \(jwt)".utf8).withUnsafeBufferPointer { scanner.scan($0, enabled: all).map(\.detector) },
                       [.jwt])
        assertFinds("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "authorization_header", "dXNlcjpwYXNzd29yZDEyMw==")
        assertFinds(#"{"Authorization": "token \#(token40)"}"#, "authorization_header", token40)
        assertFinds("X-API-Key: 9f8e7d6c5b4a39281706", "api_key_header", "9f8e7d6c5b4a39281706")
        assertFinds("Private-Token: glx7Q2mN9vR4kL8pZ3wT", "api_key_header", "glx7Q2mN9vR4kL8pZ3wT")
        assertClean(["Authorization: Bearer $TOKEN", "Authorization: Bearer <token>", "Authorization: Bearer ${{ secrets.T }}",
                     "Authorization: Basic dXNlcjpwYXNz",  // user:pass
                     "Authorization: Basic bm90IGJhc2U2NA",  // no colon
                     "Authorization: Bearer abc", "Authorization: the act of authorizing", "X-API-Key: your_api_key_here",
                     "Authorization: Digest username=\"a\", realm=\"b\""])
    }

    func testURLCredentials() {
        assertFinds("git clone https://deploy:Xk9#mQ2v@git.example.com/repo.git", "url_credentials", "Xk9#mQ2v")
        assertFinds("ftp://backup:N7v!pQ4zR@files.example.com/dump", "url_credentials", "N7v!pQ4zR")
        assertClean(["https://user:pass@example.com", "https://x-access-token:${TOKEN}@github.com/o/r",
                     "https://oauth2:glpat-xxxxxxxxxxxxxxxx@gitlab.com", "https://example.com/a:b@c"])
        // Database URLs stay secret.connection_string's.
        XCTAssertEqual(found("postgres://app:s3cr3tP4ss@db.example.com/prod"), [])
    }

    func testCodeIsNotASecret() {
        assertClean([
            #"password = request.form["password"]"#, "def login(password=user_supplied):", #"api_key = config.get("api_key")"#,
            #"access_token = response.json()["access_token"]"#, "password = getpass.getpass()", "secret = generate_secret()",
            "token_count = 5", "max_tokens: 1024", #"author = "Jane Smith""#, "password: str", "let token: String",
            #"tokenizer = AutoTokenizer.from_pretrained("bert-base")"#, #"password = os.environ["DB_PASSWORD"]"#,
            "API_KEY=${API_KEY}", #"password: "{{ .Values.password }}""#, "your_api_key_here", #"password = "changeme""#,
            #"if password == "":"#, "apiKey?: string;", "token: Optional[str] = None", "self.token = token",
            "api_key = config.api_key", "token = process.env.GITHUB_TOKEN", "PWD=/home/user/project", "password = None",
            "secret: true", "token: null", "pwd=abc", #"password = f"{prefix}{suffix}pass""#, #"password = "%(pw)s""#,
            "password: <%= @db_password %>", #"password_hint = "at least eight""#, "auth: oauth2-proxy-v1",
            #"password = "Enter your password""#, "if token != expected_token:", "password += suffix",
            "password = hashlib.sha256(raw).hexdigest()", "credentials: List<Credential>", "auth = HTTPBasicAuth(user, pw)",
            #"token = "{}:{}".format(user, key)"#, #"password = "********""#, "password: <your password>",
            "password=${DB_PASSWORD}", "password = changeme", "the password is short", "password: os.environ['PW']",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "token = 0x5f3759df1a2b3c4d", "token_expiry: 2024-01-15T10:30:00Z", #"secret = "...""#, "Password: hunter",
            "var credential = start..<end", #"{token:"variable.other.source.rust",regex:"x"}"#,
            #"AttributeOID.CHALLENGE_PASSWORD: "challengePassword","#, #"private_key: "_RSAPrivateKey","#,
            "<passphrase>optional; leave empty if not used.</passphrase>", #"{token:"identifier"}"#,
            #"secret = "development""#, "ssl.need.client.auth=true|false", #""token": "&lt;the token value&gt;","#, "long_auth = 'username:' + 'password' * 10", #"consumer_secret="consumer.secret","#,
        ])
    }

    func testStandIns() {
        assertClean([
            #"password = "xxxxxxxxxx""#, #"password = "**********""#, #"api_key = "<YOUR_API_KEY>""#,
            #"api_key = "your_api_key_here""#, #"secret = "EXAMPLEKEY123""#, #"password = "dummy-password""#,
            #"token = "sample_token_1""#, #"password = "fake-pass-99""#, #"password = "password""#, #"secret = "secret""#,
            #"password = "REDACTED""#, #"token = "test""#, #"password = "12345678""#, #"token = "abcabcabc""#,
        ])
    }

    /// A Flask login, Django settings read from the environment, a React form, a Kubernetes
    /// manifest with secretKeyRef and a GitHub Actions workflow: no finding in any line.
    func testRealisticCodeIsClean() throws {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.appendPathComponent("testdata/secrets/clean-code.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertGreaterThan(text.split(separator: "\n").count, 100)
        XCTAssertEqual(found(text), [])
        for line in text.split(separator: "\n") { XCTAssertEqual(found(String(line)), [], String(line)) }
    }

    /// The value is the span, so a redacted text keeps its names and quotes.
    func testSpanIsTheValue() {
        let text = Array(#"config = {"password": "Tr0ub4dor&3x", "port": 5432}"#.utf8)
        let findings = text.withUnsafeBufferPointer { scanner.scan($0, enabled: passwordOnly) }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first.map { String(decoding: text[..<$0.start], as: UTF8.self) }, #"config = {"password": ""#)
    }

    /// Decisions report the family, and the value alone is the detection's span.
    func testDecisionsReportTheFamilyAndRedactTheValue() throws {
        let prompt = "fix this: curl -H 'Authorization: Bearer \(token40)' && DB_PASSWORD=hunter2hunter2 ./run"
        let request: [String: Any] = [
            "user": ["id": "u1", "role": "senior_developer"], "session_id": "s1", "action": "prompt",
            "model": "claude-3-opus", "feature": "agent_mode", "context_tokens": 1000, "prompt": prompt,
        ]
        let decision = EnterpriseDecisionTests.plan.evaluate(json: [UInt8](try JSONSerialization.data(withJSONObject: request)))
        XCTAssertEqual(decision.detections.filter { $0.type == "secret.password" }.map { $0.family ?? "-" },
                       ["authorization_header", "assignment"])
        var redacted = Array(prompt.utf8)
        for detection in decision.detections.filter({ $0.type == "secret.password" }).reversed() {
            redacted.replaceSubrange(detection.start..<detection.end, with: "[PASSWORD]".utf8)
        }
        XCTAssertEqual(String(decoding: redacted, as: UTF8.self),
                       "fix this: curl -H 'Authorization: Bearer [PASSWORD]' && DB_PASSWORD=[PASSWORD] ./run")
    }

    func testKeywordsEndTheName() {
        for name in ["password", "DB_PASSWORD", "passwd", "user_pwd", "PASS", "smtp-pass", "secret", "CLIENT_SECRET",
                     "token", "githubToken", "NPM_TOKEN", "api_key", "apiKey", "x-api-key", "APIKEY", "access_key",
                     "AWS_SECRET_ACCESS_KEY", "secretKey", "private_key", "auth", "basic_auth", "httpAuth", "credentials",
                     "credential", "passphrase", "token2", "TOKEN_2", "csrftoken"] {
            XCTAssertEqual(found("\(name)=Xk9mQ2vLp7"), ["assignment:Xk9mQ2vLp7"], name)
        }
        for name in ["author", "oauth", "bypass", "compass", "token_count", "max_tokens", "tokenizer", "password_hint",
                     "password_file", "secretName", "passport", "keyword", "key", "tokens", "pwdx", "nextPageToken",
                     "next_token", "continuation-token", "CancellationToken"] {
            XCTAssertEqual(found("\(name)=Xk9mQ2vLp7"), [], name)
        }
    }
}
