@testable import PolicyRuntime
import XCTest

/// `AuditChain.kind`, the MAC's hot-path dispatch on a member's key, agrees with the group table
/// it speeds up: every member of every group is personal to that group, every group's erased
/// member is erased for it, and other keys are plain. The writer and the verifier share the
/// dispatch, so a wrong entry would round-trip unnoticed; this compares it with the table.
final class AuditChainKindTests: XCTestCase {
    func testTheDispatchMatchesTheGroupTable() {
        for group in AuditChain.Group.allCases {
            for field in group.fields {
                guard case .personal(let found) = AuditChain.kind(field) else { return XCTFail("`\(field)` is not personal") }
                XCTAssertEqual(found, group, field)
            }
            guard case .erased(let found) = AuditChain.kind(group.erasedKey) else { return XCTFail("`\(group.erasedKey)` is not erased") }
            XCTAssertEqual(found, group)
        }
        for key in ["seq", "time", "users", "prompts", "user_agents", "erased", "decision", "response_digests", "files"] {
            guard case .plain = AuditChain.kind(key) else { return XCTFail("`\(key)` is not plain") }
        }
    }
}
