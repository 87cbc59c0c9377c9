import PolicyRuntime
import XCTest

final class RequestReaderTests: XCTestCase {
    private func read(_ json: String) throws -> Request {
        try RequestReader.read(Array(json.utf8))
    }

    private func failure(_ json: String) -> RequestError? {
        do {
            _ = try RequestReader.read(Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    func testReadsEveryField() throws {
        let request = try read("""
            {"user": {"id": "u1", "role": "contractor", "team": "platform", "department": "eng"},
             "session_id": "s1", "action": "prompt", "model": "claude-3-haiku", "feature": "ask_mode",
             "context_tokens": 20000, "tokens_in": 1200, "tokens_out": 0, "prompt": "hello\\nworld",
             "response": "ok", "operations": ["database_operations"], "files_accessed": ["a.swift", "b.swift"],
             "files_modified": [], "ip_address": "10.0.0.1", "user_agent": "cursor/1.0",
             "timestamp": "2026-11-25T23:30:00-02:00", "budget": {"used_percent": 85, "exceeded": false}}
            """)
        XCTAssertEqual(request.userID, "u1")
        XCTAssertEqual(request.role, "contractor")
        XCTAssertEqual(request.team, "platform")
        XCTAssertEqual(request.department, "eng")
        XCTAssertEqual(request.sessionID, "s1")
        XCTAssertEqual(request.action, .prompt)
        XCTAssertEqual(request.model, "claude-3-haiku")
        XCTAssertEqual(request.feature, "ask_mode")
        XCTAssertEqual(request.contextTokens, 20_000)
        XCTAssertEqual(request.tokensIn, 1_200)
        XCTAssertEqual(request.tokensOut, 0)
        XCTAssertEqual(request.prompt, Array("hello\nworld".utf8))
        XCTAssertEqual(request.response, Array("ok".utf8))
        XCTAssertEqual(request.operations, ["database_operations"])
        XCTAssertEqual(request.filesAccessed, ["a.swift", "b.swift"])
        XCTAssertEqual(request.filesModified, [])
        XCTAssertEqual(request.ipAddress, "10.0.0.1")
        XCTAssertEqual(request.userAgent, "cursor/1.0")
        XCTAssertEqual(request.timestamp?.utcHour, 1, "23:30 at -02:00 is 01:30 UTC")
        XCTAssertEqual(request.timestamp?.weekday, .thursday, "2026-11-25 at -02:00 is Thursday the 26th in UTC")
        XCTAssertEqual(request.budgetUsedPercent, 85)
        XCTAssertEqual(request.budgetExceeded, false)
    }

    func testMessagesInBothContentForms() throws {
        let request = try read("""
            {"messages": [
              {"role": "system", "content": "be brief"},
              {"role": "user", "content": [{"type": "text", "text": "part one"}, "part two", {"type": "image_url", "image_url": {"url": "x"}}]}
            ]}
            """)
        XCTAssertEqual(request.messages, [
            MessagePart(message: 0, role: "system", text: Array("be brief".utf8)),
            MessagePart(message: 1, role: "user", text: Array("part one".utf8)),
            MessagePart(message: 1, role: "user", text: Array("part two".utf8)),
            MessagePart(message: 1, role: "user", text: Array("x".utf8)),  // the image's URL reaches the model too
        ])
    }

    func testEscapesAndUnicode() throws {
        let request = try read(#"{"prompt": "a\"b\\c\/d \u00e9 \ud83d\ude00 é"}"#)
        XCTAssertEqual(String(decoding: request.prompt, as: UTF8.self), "a\"b\\c/d é 😀 é")
    }

    func testNullMeansAbsent() throws {
        let request = try read(#"{"model": null, "context_tokens": null, "operations": null, "user": null}"#)
        XCTAssertNil(request.model)
        XCTAssertNil(request.contextTokens)
        XCTAssertEqual(request.operations, [])
    }

    func testWrongTypesAreNamed() {
        XCTAssertEqual(failure(#"{"context_tokens": "200k"}"#)?.message, "`context_tokens` must be a number")
        XCTAssertEqual(failure(#"{"context_tokens": -5}"#)?.message, "`context_tokens` must not be negative")
        XCTAssertEqual(failure(#"{"context_tokens": 1.5}"#)?.message, "`context_tokens` must be a whole number")
        XCTAssertEqual(failure(#"{"context_tokens": 99999999999999999999}"#)?.message, "`context_tokens` is too large")
        XCTAssertEqual(failure(#"{"user": {"role": 7}}"#)?.message, "`user.role` must be a string")
        XCTAssertEqual(failure(#"{"operations": "deploy"}"#)?.message, "`operations` must be a list of strings")
        XCTAssertEqual(failure(#"{"messages": [3]}"#)?.message, "`messages[0]` must be an object")
        XCTAssertEqual(failure(#"{"timestamp": "yesterday"}"#)?.message,
                       "`timestamp` must be an RFC 3339 date and time, such as 2026-11-25T10:15:00Z")
    }

    func testMalformedJSONFailsWithAnOffset() {
        XCTAssertEqual(failure("")?.message, "a request must be a JSON object")
        XCTAssertEqual(failure("[1]")?.message, "a request must be a JSON object")
        XCTAssertEqual(failure(#"{"prompt": "open"#)?.message, "unterminated string")
        XCTAssertEqual(failure(#"{"prompt": "x"} trailing"#)?.message, "unexpected data after the request object")
        XCTAssertEqual(failure(#"{"a" 1}"#)?.offset, 5)
        XCTAssertEqual(failure(#"{"prompt": "\q"}"#)?.message, "invalid escape in a string")
        XCTAssertEqual(failure(#"{"prompt": "\ud800"}"#)?.message, "unpaired surrogate in a string")
        XCTAssertEqual(failure("{\"prompt\": \"tab\there\"}")?.message, "control character in a string (escape it)")
        XCTAssertEqual(failure(#"{"budget": {"exceeded": tru}}"#)?.message, "invalid JSON literal")
        XCTAssertEqual(failure(#"{"context_tokens": 01}"#)?.message, "expected `,` or `}` in an object")
    }

    func testInvalidUTF8IsRejected() {
        let bytes: [UInt8] = Array(#"{"prompt": ""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        XCTAssertThrowsError(try RequestReader.read(bytes)) { error in
            XCTAssertEqual((error as? RequestError)?.message, "invalid UTF-8 in a string")
        }
    }

    func testAbsurdNestingIsRejectedWithoutRecursionBlowUp() {
        let deep = "{\"messages\": [{\"content\": [{\"x\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}]}]}"
        XCTAssertEqual(failure(deep)?.message, "request is nested more than \(RequestReader.maxDepth) levels deep")
    }

    func testTimestampForms() {
        XCTAssertEqual(try read(#"{"timestamp": "2026-11-25T10:15:00Z"}"#).timestamp?.utcHour, 10)
        XCTAssertEqual(try read(#"{"timestamp": "2026-11-25T10:15:00.123+05:30"}"#).timestamp?.utcHour, 4)
        XCTAssertEqual(try read(#"{"timestamp": "1970-01-01T00:00:00Z"}"#).timestamp?.secondsSinceEpoch, 0)
        XCTAssertEqual(try read(#"{"timestamp": "2000-03-01T00:00:00Z"}"#).timestamp?.secondsSinceEpoch, 951_868_800)
        XCTAssertEqual(try read(#"{"timestamp": "1969-12-31T23:59:59Z"}"#).timestamp?.weekday, .wednesday)
        XCTAssertEqual(try read(#"{"timestamp": "2026-12-06T12:00:00Z"}"#).timestamp?.weekday, .sunday)
        XCTAssertEqual(try read(#"{"timestamp": "2024-02-29T12:00:00Z"}"#).timestamp?.weekday, .thursday, "a leap day")
        XCTAssertNotNil(failure(#"{"timestamp": "2026-13-25T10:15:00Z"}"#))
        XCTAssertNotNil(failure(#"{"timestamp": "2026-11-25T24:00:00Z"}"#))
        XCTAssertNotNil(failure(#"{"timestamp": "2026-02-29T10:15:00Z"}"#), "2026 is not a leap year")
        XCTAssertNotNil(failure(#"{"timestamp": "2026-04-31T10:15:00Z"}"#), "April has 30 days")
    }

    func testStringsAgreeWithFoundationOnRandomText() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = ["a", "Z", " ", "\n", "\t", "\"", "\\", "/", "é", "😀", "\u{7}", "\u{1F}", "日本", "x\ny", "\u{E0041}"]
        for round in 0..<300 {
            let text = (0..<Int.random(in: 0...300, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let encoded = try JSONEncoder().encode(["prompt": text])
            let request = try RequestReader.read([UInt8](encoded))
            XCTAssertEqual(String(decoding: request.prompt, as: UTF8.self), text, "round \(round)")
        }
    }
}
