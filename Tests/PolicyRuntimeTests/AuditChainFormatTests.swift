import Foundation
import PolicyRuntime
import XCTest

/// The MAC is the construction docs/audit.md ("The chain") documents, byte for byte, computed
/// here from the line's text by plain HMAC-SHA256 and SHA-256 calls: another implementation
/// (a SIEM's verifier, a script) that follows the documentation checks our records.
final class AuditChainFormatTests: XCTestCase {
    func testTheMACIsTheDocumentedConstruction() throws {
        let keyBytes = Array("0123456789abcdef0123456789abcdef".utf8)
        let key = try AuditKey(bytes: keyBytes)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-format-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let trail = try AuditTrail(directory: directory, key: key)
        for number in 1...2 {
            try trail.append(try AuditEntry(kind: "decision", time: 1_796_637_600, fields: [
                .init("user", .string("alice")), .init("ip_address", .string("10.0.0.\(number)")), .init("prompt_digest", .string("ab")),
                .init("outcome", .string("allow")), .init("reasons", .array([])), .init("files_modified", .array([.string("a \"b\"")])),
            ]))
        }
        let lines = try String(contentsOfFile: directory + "/audit-000000000001.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        var previous = String(repeating: "0", count: 64)
        for (index, line) in lines.enumerated() {
            let seq = index + 1
            let header = #"{"seq":\#(seq),"prev":"\#(previous)","kid":"\#(key.id)","mac":""#
            XCTAssertTrue(line.hasPrefix(header), line)
            let mac = String(line.dropFirst(header.count).prefix(64))
            // The members after the chain's, as written: this record's layout has no comma or
            // brace inside a value but the one escaped quote pair, so a split at `,"` finds them.
            let members = String(line.dropFirst(header.count + 64 + 1).dropLast()).components(separatedBy: ",\"").dropFirst()
                .map { "\"" + $0 }
            let keys = members.map { String($0.prefix(while: { $0 != ":" })) }
            XCTAssertEqual(keys, [#""files_modified""#, #""ip_address""#, #""kind""#, #""outcome""#, #""prompt_digest""#,
                                  #""reasons""#, #""time""#, #""user""#], "every member once, in key order")
            func group(_ name: String, _ fields: [String]) -> [UInt8] {
                let text = "policylang-audit-group-1\n\(name)\n\(seq)\n"
                    + members.filter { member in fields.contains { member.hasPrefix("\"\($0)\":") } }.map { $0 + "\n" }.joined()
                return HMACSHA256.mac(key: keyBytes, message: Array(text.utf8))
            }
            let identity = group("identity", ["user", "session", "ip_address", "user_agent", "files_accessed", "files_modified"])
            let prompt = group("prompt", ["prompt", "prompt_digest"])
            let response = group("response", ["response", "response_digest"])
            let personal = ["user", "session", "ip_address", "user_agent", "files_accessed", "files_modified", "prompt", "prompt_digest",
                            "response", "response_digest"]
            var body = SHA256()
            body.update(Array(members.filter { member in !personal.contains { member.hasPrefix("\"\($0)\":") } }.map { $0 + "\n" }.joined().utf8))
            let message = Array("policylang-audit-1\n\(seq)\n\(previous)\n\(key.id)\n".utf8) + identity + prompt + response + body.finalize()
            XCTAssertEqual(mac, HMACSHA256.hex(key: keyBytes, message: message), "record \(seq)")
            previous = mac
        }
    }
}
