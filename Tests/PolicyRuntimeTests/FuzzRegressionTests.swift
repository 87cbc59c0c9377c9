import Foundation
import PolicyRuntime
import XCTest

/// Every input a fuzzer ever crashed on (`testdata/fuzz-regressions/`), decided again: each must
/// give a decision. Run under `swift test --sanitize=address` to see memory errors as well.
final class FuzzRegressionTests: XCTestCase {
    func testEveryFuzzRegressionInputIsDecided() throws {
        var directory = URL(fileURLWithPath: #filePath)
        directory.deleteLastPathComponent()
        directory.appendPathComponent("testdata/fuzz-regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty)
        let plan = EnterpriseDecisionTests.plan
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            let decision = plan.evaluate(json: bytes)
            let object = try? JSONSerialization.jsonObject(with: Data(decision.jsonBytes())) as? [String: Any]
            XCTAssertTrue(["allow", "deny", "require_approval"].contains(object?["decision"] as? String ?? ""), name)
            // Without a role, every one of these inputs must fail closed.
            if (try? RequestReader.read(bytes))?.role == nil { XCTAssertEqual(decision.outcome, .deny, name) }
        }
    }

    /// The first crash: `+1.` at the very end of a text made the phone detector read past it.
    func testInternationalPrefixAtTheEndOfTheText() {
        for text in ["+1.", "+1 ", "+1-", "call +1", "+1("] {
            var request = Request()
            request.role = "senior_developer"
            request.prompt = Array(text.utf8)
            let decision = EnterpriseDecisionTests.plan.evaluate(request)
            XCTAssertFalse(decision.detections.contains { $0.type == "pii.phone" }, text)
        }
    }
}
