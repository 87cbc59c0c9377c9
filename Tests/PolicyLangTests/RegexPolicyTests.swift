import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// Regular expressions in policies, end to end: compiled into the document, planned, and
/// deciding requests; a hand-edited document with a bad regex is refused at planning.
final class RegexPolicyTests: XCTestCase {
    private let source = TestSupport.prelude + """
        patterns customer_ids { "customer-id:", /CUST-[0-9]{6}/i }
        role dev { models "claude-3-opus" features ask_mode block /ord(er)?\\s*#\\d{4,8}/i, customer_ids }
        rule no_ids_in_responses { when response has customer_ids redact customer_ids message "ids removed" }
        placeholders { customer_ids "[CUSTOMER_ID]" }

        """

    private func plan() throws -> (CompiledPolicy, Plan) {
        let result = TestSupport.compile(source)
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        let policy = try XCTUnwrap(result.policy)
        return (policy, try Plan(policy))
    }

    private func request(_ prompt: String, response: String? = nil) -> Request {
        TestSupport.request(prompt, response: response)
    }

    func testTheDocumentCarriesRegexes() throws {
        let (policy, _) = try plan()
        XCTAssertEqual(policy.patterns.first?.regexes, [CompiledRegex(pattern: "CUST-[0-9]{6}", caseInsensitive: true)])
        XCTAssertEqual(policy.roles.first?.blockedPatterns.map(\.text), ["ord(er)?\\s*#\\d{4,8}", "customer-id:", "CUST-[0-9]{6}"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: policy.canonicalJSON()) as? [String: Any])
        let role = try XCTUnwrap((json["roles"] as? [[String: Any]])?.first)
        let blocked = try XCTUnwrap(role["blocked_patterns"] as? [[String: Any]])
        XCTAssertEqual(blocked[0]["regex"] as? [String: Bool], ["case_insensitive": true])
        XCTAssertTrue(blocked[1]["regex"] is NSNull, "a literal's `regex` is null")
        XCTAssertEqual(try CompiledPolicy.load(from: policy.canonicalJSON()), policy)
    }

    func testBlockedRegexesDenyWithByteOffsets() throws {
        let (_, plan) = try plan()
        let decision = plan.evaluate(request("ship Order #12345 to cust-000042 today"))
        XCTAssertEqual(decision.outcome, .deny)
        XCTAssertEqual(decision.reasons.map(\.code), [.blockedPattern])
        // The list is also scanned in the prompt, because a rule redacts it.
        XCTAssertEqual(decision.detections.map { "\($0.type) \($0.start)-\($0.end)" },
                       ["blocked_pattern 5-17", "blocked_pattern 21-32", "pattern.customer_ids 21-32"])
        XCTAssertEqual(plan.evaluate(request("order 12345, CUST-12345")).outcome, .allow, "near misses pass")
    }

    /// Under `i` an `s` also matches the long s (U+017F), which the normalized view keeps: the
    /// literal pass, which finds `cust-` by ASCII folding only, must not keep the regex from
    /// running on such a text — in the role's blocked patterns or in the list's own scan.
    func testCaseInsensitiveRegexesMatchTheLongSDespiteTheLiteralPass() throws {
        let (_, plan) = try plan()
        let decision = plan.evaluate(request("ship cu\u{017F}t-000042 today"))
        XCTAssertEqual(decision.outcome, .deny)
        XCTAssertEqual(decision.detections.map { "\($0.type) \($0.start)-\($0.end)" }, ["blocked_pattern 5-17", "pattern.customer_ids 5-17"])
        XCTAssertEqual(plan.evaluate(request("fine", response: "id cu\u{017F}t-000042")).detections.map { "\($0.type) \($0.field) \($0.start)-\($0.end)" },
                       ["pattern.customer_ids response 3-15"])
    }

    func testListRegexesCountInConditionsAndRedaction() throws {
        let (_, plan) = try plan()
        let decision = plan.evaluate(request("fine", response: "the id is CUST-123456."))
        XCTAssertEqual(decision.outcome, .allow)
        XCTAssertEqual(decision.detections.map { "\($0.type) \($0.field) \($0.start)-\($0.end)" }, ["pattern.customer_ids response 10-21"])
    }

    func testAHandEditedDocumentWithABadRegexIsRefused() throws {
        var (policy, _) = try plan()
        policy.patterns[0].regexes = [CompiledRegex(pattern: "(a)\\1", caseInsensitive: false)]
        XCTAssertThrowsError(try Plan(policy)) { error in
            XCTAssertEqual((error as? PlanError)?.message,
                           "patterns[0].regexes[0]: invalid regular expression: backreferences need backtracking; they are not supported (at byte 3 of the pattern)")
        }
    }

    func testTheFormatterKeepsRegexesAsWritten() throws {
        let formatted = try SourceFormatter.format(SourceFile(path: "r.pol", text: source))
        XCTAssertTrue(formatted.contains("  /CUST-[0-9]{6}/i\n"), formatted)
        XCTAssertTrue(formatted.contains("block     /ord(er)?\\s*#\\d{4,8}/i, customer_ids\n"), formatted)
    }

    /// Regexes (each search builds its own DFA states) and the normalized view are safe to use
    /// from many threads at once: every thread gets the serial answer.
    func testConcurrentEvaluationWithRegexesAndNormalization() throws {
        let (_, plan) = try plan()
        let prompts = ["ship Order #12345", "cust-000042 and pr\u{043E}duction", "ｏｒｄｅｒ #9999", "nothing here", "ORD #1234 𝐂𝐔𝐒𝐓-123456"]
        let requests = prompts.map { request($0) }
        let serial = requests.map { plan.evaluate($0) }
        let results = ConcurrentResults(count: 400)
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            results.set(index, plan.evaluate(requests[index % requests.count]))
        }
        for index in 0..<400 { XCTAssertEqual(results.get(index), serial[index % prompts.count], "request \(index)") }
        XCTAssertEqual(serial.map(\.outcome), [.deny, .deny, .deny, .allow, .deny])
    }
}

/// Results written from many threads, one slot each.
private final class ConcurrentResults: @unchecked Sendable {
    private var values: [Decision?]
    private let lock = NSLock()

    init(count: Int) { values = [Decision?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: Decision) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> Decision? {
        lock.lock()
        defer { lock.unlock() }
        return values[index]
    }
}
