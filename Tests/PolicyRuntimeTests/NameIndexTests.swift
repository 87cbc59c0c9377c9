@testable import PolicyRuntime
import XCTest

final class NameIndexTests: XCTestCase {
    func testFindsEveryNameAndNothingElse() {
        // Names of every length around the 8-byte hashing step, non-ASCII, and near-misses.
        var map: [String: Int] = ["": 0, "é": 1, "claude-3-opus": 2, "gpt-4": 3]
        for length in 1...40 { map[String(repeating: "r", count: length)] = map.count }
        for number in 0..<2_000 { map["role_\(number)"] = map.count }
        let index = NameIndex(map)
        for (name, value) in map { XCTAssertEqual(index[name], value, name) }
        for absent in ["e", "claude-3-opu", "claude-3-opus ", "GPT-4", String(repeating: "r", count: 41), "role_2000", "role_-1"] {
            XCTAssertNil(index[absent], absent)
        }
    }

    func testEmptyTable() {
        XCTAssertNil(NameIndex([:])["anything"])
        XCTAssertNil(NameIndex([:])[""])
    }
}
