@testable import PolicyRuntime
import XCTest

final class BitSetTests: XCTestCase {
    func testMembersOnBothSidesOfTheInlineWord() {
        let members = [0, 1, 63, 64, 65, 127, 128, 199]
        let set = BitSet(capacity: 200, members: members)
        for member in 0..<200 { XCTAssertEqual(set.contains(member), members.contains(member), "member \(member)") }
        XCTAssertFalse(set.contains(200), "beyond the capacity")
        XCTAssertFalse(set.contains(-1), "negative")
        XCTAssertFalse(set.isEmpty)
    }

    func testEmptiness() {
        XCTAssertTrue(BitSet(capacity: 10).isEmpty)
        XCTAssertTrue(BitSet(capacity: 500).isEmpty)
        var set = BitSet(capacity: 500)
        set.insert(300)
        XCTAssertFalse(set.isEmpty)
        XCTAssertTrue(set.contains(300))
        XCTAssertFalse(set.contains(299))
        XCTAssertEqual(BitSet(capacity: 500, members: [300]), set)
    }
}
