@testable import PolicyRuntime
import XCTest

/// Everyday ways of writing the values the built-in detectors look for — e-mail after a label,
/// phones without the separators the first version required, cards followed by their expiry,
/// spaced IBANs followed by a word, driver-suffixed connection strings, internal hosts without a
/// scheme, cloud metadata addresses, unsigned JWTs — each with the look-alikes that must stay clean.
final class FormatTests: XCTestCase {
    private let probe = DetectorProbe()

    func testEmailAfterALabel() {
        probe.assertFinds(#"<a href="mailto:jane.roe@company.com">"#, ["pii.email:jane.roe@company.com"])
        probe.assertFinds("Email:jane.roe@company.com", ["pii.email:jane.roe@company.com"])
        probe.assertFinds("email:jane@company.com, E-mail:joe@company.org", ["pii.email:jane@company.com", "pii.email:joe@company.org"])
        probe.assertFinds("MAILTO:jane@company.com", ["pii.email:jane@company.com"])
        probe.assertFinds("Contact: jane@company.com: she knows", ["pii.email:jane@company.com"])
        // Userinfo in a URL, even named like a label; an SSH git remote.
        probe.assertClean(["https://user:hunter2@example.com/", "https://email:pw@example.com/", "ftp://mail:pw@files.example.com",
                     "git@github.com:org/repo.git", "clone git@gitlab.com:group/sub/project.git now", "gmail:jane@company.com",
                     "git@bitbucket.org:~user/repo"])
    }

    func testPhonesWithoutTheUsualSeparators() {
        probe.assertFinds("call +14155552671 now", ["pii.phone:+14155552671"])
        probe.assertFinds("de +4915112345678.", ["pii.phone:+4915112345678"])
        probe.assertFinds("call 415 555-2671", ["pii.phone:415 555-2671"])
        probe.assertFinds("call 1-415-555-2671", ["pii.phone:1-415-555-2671"])
        probe.assertFinds("call 1 415 555 2671", ["pii.phone:1 415 555 2671"])
        probe.assertFinds("call 1 (415) 555-2671", ["pii.phone:1 (415) 555-2671"])
        probe.assertFinds("item 1 415-555-2671", ["pii.phone:415-555-2671"])
        probe.assertFinds("london 020 7946 0958", ["pii.phone:020 7946 0958"])
        probe.assertFinds("manchester 0161 496 0000, mobile 07700 900123", ["pii.phone:0161 496 0000", "pii.phone:07700 900123"])
        probe.assertClean([
            "14155552671", "4155552671", "+1415555267", "+141555526712", "+10155552671", "+14151552671", "+1000000000",
            "+00441234567890", "+2000000000000", "3+14155552671", "1e+14155552671", "2+2=4",
            "1-415-555-26710", "1-015-555-2671", "415 555-26710", "415-555 2671",
            "02079460958", "020-7946-0958", "015-555-2671", "0-306-40615-2", "ISBN 0 306 40615 2", "020 7946", "020 7946 0958 12",
            "2024 01 15", "2024-01-15 10:30", "v0.10.2", "order 0123456789", "at 10 30 2024",
        ])
    }

    func testCardFollowedByItsExpiryOrCVV() {
        probe.assertFinds("card 4111 1111 1111 1111 12/27", ["pii.credit_card:4111 1111 1111 1111"])
        probe.assertFinds("card 4111 1111 1111 1111 123", ["pii.credit_card:4111 1111 1111 1111"])
        probe.assertFinds("card 4111111111111111 12/27 123", ["pii.credit_card:4111111111111111"])
        probe.assertFinds("amex 3782 822463 10005 1234", ["pii.credit_card:3782 822463 10005"])
        // Dashes bind the groups into one token; a bad Luhn stays bad with anything after it.
        probe.assertClean(["4111-1111-1111-1111-123", "4111 1111 1111 1112 123", "4111 1111 1111 1112 12/27",
                     "4111 1111 1111 11 1234", "1234 5678 1234 5678 123"])
    }

    func testSpacedIBANFollowedByAWordOrANumber() {
        probe.assertFinds("BE68 5390 0754 7034 Thanks", ["pii.iban:BE68 5390 0754 7034"])
        probe.assertFinds("BE68 5390 0754 7034 5 times", ["pii.iban:BE68 5390 0754 7034"])
        probe.assertFinds("NL91 ABNA 0417 1643 00 and", ["pii.iban:NL91 ABNA 0417 1643 00"])
        probe.assertFinds("DE89 3704 0044 0532 0130 00 Danke", ["pii.iban:DE89 3704 0044 0532 0130 00"])
        // Glued to more characters, under a country without IBANs, or cut short.
        probe.assertClean(["BE68539007547034X", "BE68 5390 0754 7034X", "ZZ68 5390 0754 7034", "BE68 5390 0754 703",
                     "BE69 5390 0754 7034 Thanks"])
    }

    /// The length table against the example IBANs the IBAN registry and its common references
    /// publish (not ones written for this test): each is found whole, in print format.
    func testPublishedExampleIBANs() {
        let published = [
            "GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606",
            "NL91 ABNA 0417 1643 00", "BE68 5390 0754 7034", "CH93 0076 2011 6238 5295 7", "ES91 2100 0418 4502 0005 1332",
            "IT60 X054 2811 1010 0000 0123 456", "NO93 8601 1117 947", "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
            "SA03 8000 0000 6080 1016 7519", "AT61 1904 3002 3457 3201", "PL61 1090 1014 0000 0712 1981 2874",
        ]
        for iban in published { probe.assertFinds("pay to \(iban) today", ["pii.iban:\(iban)"]) }
    }

    func testConnectionStringsWithDriversAndRawDelimiters() {
        probe.assertFinds("postgresql+asyncpg://app:Xk9mQ2vLr7@db.example.com/app",
                    ["secret.connection_string:postgresql+asyncpg://app:Xk9mQ2vLr7@db.example.com"])
        probe.assertFinds("mysql+pymysql://root:Tq8#wZ2pLm@db.example.com:3306/shop",
                    ["secret.connection_string:mysql+pymysql://root:Tq8#wZ2pLm@db.example.com:3306"])
        probe.assertFinds("DATABASE_URL=postgres://app:p#ssw0rd@db.example.com:5432/prod",
                    ["secret.connection_string:postgres://app:p#ssw0rd@db.example.com:5432"])
        probe.assertFinds("postgres://app:s3/cr?t9x@db.example.com/prod", ["secret.connection_string:postgres://app:s3/cr?t9x@db.example.com"])
        probe.assertClean(["postgresql+asyncpg://user:password@localhost/db", "mysql+pymysql://root:${MYSQL_PASSWORD}@db.example.com/app",
                     "postgresql+psycopg2://app@db.example.com/app", "postgres://db.example.com:5432/prod?x=1@2",
                     "postgres://app:#{password}@db.example.com/app", "git+https://github.com/org/repo.git",
                     "postgres://app:secret# not an @ url"])
    }

    func testInternalHostsWithoutAScheme() {
        probe.assertFinds("open jenkins.acme.internal:8080/job/x now", ["network.internal_url:jenkins.acme.internal:8080/job/x"])
        probe.assertFinds("see build.corp/setup.", ["network.internal_url:build.corp/setup"])
        probe.assertFinds("redis.prod.svc:6379", ["network.internal_url:redis.prod.svc:6379"])
        probe.assertFinds("host=db.lan:5432", ["network.internal_url:db.lan:5432"])
        probe.assertFinds("(printer.local/)", ["network.internal_url:printer.local/"])
        // Suffixes of two labels, and the metadata host, are distinctive on their own.
        probe.assertFinds("ask wiki.acme.internal today", ["network.internal_url:wiki.acme.internal"])
        probe.assertFinds("payments.default.svc.cluster.local answers", ["network.internal_url:payments.default.svc.cluster.local"])
        probe.assertFinds("curl metadata.google.internal", ["network.internal_url:metadata.google.internal"])
        probe.assertFinds("git@build.corp:org/repo.git", ["network.internal_url:build.corp:org/repo.git"])
        // A bare host after `@` is an e-mail domain.
        probe.assertFinds("mail jane@build.corp today", ["pii.email:jane@build.corp"])
        probe.assertClean([
            "the file config.local was", "see printer.lan.", "settings.local.py", "docker-compose.local.yml", ".env.local",
            "~/.local/share/x", "/etc/app.corp/x", "https://github.com/acme/wiki.corp", "self.internal = 1", "foo.internalize()",
            "obj.corp_id", "a_b.corp/x", "build.corp:abc", "node.svc", "the corp. team",
            "x.corporate/y", "jenkins.acme.internal.example.com/x", "build.corp:123456",
        ])
    }

    func testSingleLabelHostsWithAWebScheme() {
        probe.assertFinds("http://jenkins:8080/job/x", ["network.internal_url:http://jenkins:8080/job/x"])
        probe.assertFinds("see http://gitlab/ now", ["network.internal_url:http://gitlab/"])
        probe.assertFinds("http://payments.default.svc.cluster.local:8080",
                    ["network.internal_url:http://payments.default.svc.cluster.local:8080"])
        probe.assertFinds("http://redis.prod.svc/", ["network.internal_url:http://redis.prod.svc/"])
        probe.assertClean(["http://localhost:3000/", "http://example/", "http://host:port/", "vscode://file/x", "myapp://callback",
                     "redis://cache:6379", "https://example.com/", "http://127.1/", "http://0x7f000001/"])
    }

    func testCloudMetadataAddressesInAnyNotation() {
        // Bare, an address is `network.ip_address`; as a URL's host, `network.internal_url`.
        probe.assertFinds("curl 169.254.169.254/latest", ["network.ip_address:169.254.169.254"])
        probe.assertFinds("metadata at 2852039166.", ["network.ip_address:2852039166"])
        probe.assertFinds("or 0xa9fea9fe or 0xA9FEA9FE", ["network.ip_address:0xa9fea9fe", "network.ip_address:0xA9FEA9FE"])
        probe.assertFinds("0251.0376.0251.0376 0xa9.0xfe.0xa9.0xfe 169.254.43518", [
            "network.ip_address:0251.0376.0251.0376", "network.ip_address:0xa9.0xfe.0xa9.0xfe", "network.ip_address:169.254.43518",
        ])
        probe.assertFinds("inet fd00:ec2::254", ["network.ip_address:fd00:ec2::254"])
        probe.assertFinds("0xa.0.0.1 and 012.0.0.1", ["network.ip_address:0xa.0.0.1", "network.ip_address:012.0.0.1"])
        for url in ["http://169.254.169.254/latest/meta-data/", "http://2852039166/", "http://0xa9fea9fe/x",
                    "http://0251.0376.0251.0376/", "http://167772161/"] {
            probe.assertFinds(url, ["network.internal_url:\(url)"])
        }
        probe.assertFinds("http://[fd00:ec2::254]/", ["network.internal_url:http://[fd00:ec2::254]/", "network.ip_address:fd00:ec2::254"])
        // Other integers and hex constants, public addresses, versions and dates.
        probe.assertClean(["2852039167", "0xa9fea9ff", "0xdeadbeef", "167772161", "10.1", "10.01.2023", "0x7f000001", "010.0.0.1",
                     "1234567890", "3f786850e387550fdab836ed7e6dc881de23001b", "0xa9fea9fe1", "x2852039166"])
    }

    func testUnsignedJWT() {
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."
        probe.assertFinds("token \(none) ok", ["secret.jwt:\(none)"])
        let spaced = "eyJ0eXAiOiJKV1QiLCAiYWxnIjogIk5PTkUifQ.eyJzdWIiOiIxMjM0In0."  // {"typ":"JWT", "alg": "NONE"}
        probe.assertFinds(spaced, ["secret.jwt:\(spaced)"])
        // An empty signature with a real algorithm, two parts, a none token with a short tail.
        probe.assertClean(["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0",
                     "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.abc", "eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0."])
    }
}
