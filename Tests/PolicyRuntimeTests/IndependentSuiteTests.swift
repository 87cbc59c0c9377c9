import Foundation
@testable import PolicyRuntime
import XCTest

/// The detectors against samples we did not write: gitleaks' own true positives for the rules
/// whose formats docs/runtime.md says we catch (`testdata/gitleaks/true-positives.json`, copied
/// verbatim with its source). Each must give at least one `secret.*` finding; the few we miss
/// are listed by name, so a change that loses or gains one is seen.
final class IndependentSuiteTests: XCTestCase {
    private struct Suite: Decodable {
        struct Sample: Decodable {
            let rule: String
            let text: String
        }
        let source: String
        let samples: [Sample]
    }

    /// Samples we knowingly miss, by the first characters of their text, with why.
    private static let knownMisses: [String: String] = [
        "sh-5.0$ curl -k -X POST https://infinisp": "`-u` on a continuation line after a backslash",
        "curl -u \":d2LkV78zLx!t\" https://localhos": "an empty user",
        "curl -u \"d2LkV78zLx!t:\" https://localhos": "an empty password",
        "curl -X POST --user \"{acd3c08b-74e8-4f44": "a user and password quoted separately",
        "curl --user kevin:'pRf7vG2h1L8nQkW9' -iX": "the password alone quoted",
        "curl -H 'Authorization: Basic YnJvd3Nlcj": "decodes to `browser:`, no password (a stand-in by design)",
        "curl -H \"Authorization: Api-Token 22cb98": "the `Api-Token` scheme is not read",
        "A3-ASWWYB-798JRYLJVD4-23DC2-86TVM-H43EB": "1Password secret keys: no family",
        "A3-ASWWYB-798JRY-LJVD4-23DC2-86TVM-H43EB": "1Password secret keys: no family",
        "\"bot_token4\": \"xoxb-123456789012-Xw937qt": "a 19-character legacy bot token, below the family's length",
        "\"access_token\": \"xoxa-2-511111111-311111": "runs of `1`: a stand-in by design",
        "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy": "DER key material without a PEM header",
        "const HEROKU_KEY = \"63866443-cb87-446f-8": "a UUID under a name ending in `KEY`: no format to tell it from any UUID",
        "const KEY = \"HRKU-AAlQ1aVoHDujJ9QsDHdHlH": "a run of `_`: a stand-in by design",
    ]

    func testGitleaksTruePositivesAreFound() throws {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        let data = try Data(contentsOf: url.appendingPathComponent("testdata/gitleaks/true-positives.json"))
        let suite = try JSONDecoder().decode(Suite.self, from: data)
        XCTAssertGreaterThanOrEqual(suite.samples.count, 80)
        let probe = DetectorProbe()
        var missed: [String] = []
        for sample in suite.samples where !probe.found(sample.text).contains(where: { $0.hasPrefix("secret.") }) {
            missed.append(String(sample.text.prefix(40)))
            if IndependentSuiteTests.knownMisses[String(sample.text.prefix(40))] == nil {
                XCTFail("\(sample.rule): not found in \(sample.text.prefix(120))")
            }
        }
        XCTAssertEqual(Set(missed), Set(IndependentSuiteTests.knownMisses.keys), "the known misses changed")
    }
}
