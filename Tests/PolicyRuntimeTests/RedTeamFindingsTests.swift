@testable import PolicyRuntime
import XCTest

/// Concrete bugs found by the red-team measurement of the built-in detectors (branch `h-red`),
/// each fixed in the detector it names.
final class RedTeamFindingsTests: XCTestCase {
    private let probe = DetectorProbe(internalDomains: Vocabulary.defaultInternalDomains)


    /// SecretAssignment: `PASS:` lines of test logs (DejaGnu, automake, `go test`) were read as
    /// `pass: <value>` assignments — 98,226 findings in /usr/share/doc/gdb/check.log alone.
    func testTestLogPassLinesAreNotPasswords() {
        let log = """
        Running ../../../gdb/testsuite/gdb.ada/assign_1.exp ...
        PASS: gdb.ada/assign_1.exp: changing the language to ada
        PASS: addr2line
        PASS: addr2line -f option
        FAIL: gdb.base/break.exp: run until function breakpoint
        --- PASS: TestParseConfig2 (0.00s)
        """
        XCTAssertEqual(probe.found(log), [])
        // A password under a name ending in `pass` is still one.
        XCTAssertEqual(probe.found("PASS=Xk9mQ2vLp7"), ["secret.password:Xk9mQ2vLp7"])
        XCTAssertEqual(probe.found("smtp_pass: Xk9mQ2vLp7"), ["secret.password:Xk9mQ2vLp7"])
        XCTAssertEqual(probe.found("pass: Xk9mQ2vLp7"), ["secret.password:Xk9mQ2vLp7"])
    }

    /// SecretShapes: OpenPGP secret keys (`-----BEGIN PGP PRIVATE KEY BLOCK-----`, the issue's
    /// example) were missed because the label had to end in `PRIVATE KEY`.
    func testPGPPrivateKeyBlockIsAPrivateKey() {
        let key = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0Q9uOWyIBaPOHRu+Jk+ft2k1L2alrnWJo34Gk5Vme/MBiHJVA2J6OZ8pfsLg\n=M3IV\n-----END PGP PRIVATE KEY BLOCK-----"
        XCTAssertEqual(probe.found("my key:\n" + key + "\nthanks"), ["secret.private_key:" + key])
        // Public keys and signatures stay clean.
        XCTAssertEqual(probe.found("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF0Q9uOWyIBaPOHRu+Jk\n-----END PGP PUBLIC KEY BLOCK-----"), [])
        XCTAssertEqual(probe.found("-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----"), [])
    }

    /// CredentialFamilies: Terraform Cloud tokens have a mixed-case lead (gitleaks' rule reads it
    /// case-insensitively); only all-lower-case leads were found.
    func testTerraformCloudTokenWithUpperCaseLead() {
        let token = "Q2Mvq5L8o2zmrQ.atlasv1.N5ouP47ULvjfb7AkQHnB3CyPbTlKGFkrddYsLVxvnNPWxTODVrVGEhfnZgB_2_uMksD"
        XCTAssertEqual(probe.found("tfe token \(token) here"), ["secret.api_key:\(token)"])
    }

    /// CredentialFamilies: Groq keys are `gsk_` and 52 alphanumerics (gitleaks `gsk_[a-zA-Z0-9]{52}`);
    /// only 48 were accepted.
    func testGroqKeyOfFiftyTwoCharacters() {
        let key = "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"
        XCTAssertEqual(probe.found("GROQ key \(key)"), ["secret.api_key:\(key)"])
    }

    /// SecretShapes: a PEM header quoted in a comment, with no key body, was reported as a key
    /// (found in our own sources).
    func testAPEMHeaderWithoutABodyIsNotAKey() {
        probe.assertClean(["/// A PEM block `-----BEGIN … PRIVATE KEY-----` through its END line (or the end of the text",
                           "grep -- '-----BEGIN RSA PRIVATE KEY-----' certificates and keys",
                           "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----"])
        let encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F9A\n\nMIIEpAIBAAKCAQEAx7f\n"
        probe.assertFinds(encrypted, ["secret.private_key:" + encrypted])
    }
}
