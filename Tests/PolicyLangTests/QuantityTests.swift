@testable import PolicyLang
import XCTest

final class QuantityTests: XCTestCase {
    private func parse(_ text: String) -> Quantity? {
        try? Quantity.parse(Substring(text), span: .at(0)).get()
    }

    func testCountsWithMultipliers() {
        XCTAssertEqual(parse("200k")?.integerValue, 200_000)
        XCTAssertEqual(parse("1.5M")?.integerValue, 1_500_000)
        XCTAssertEqual(parse("1_000")?.integerValue, 1_000)
        XCTAssertEqual(parse("0.5")?.integerValue, nil, "a fraction is not a whole count")
    }

    func testDurationsInSeconds() {
        XCTAssertEqual(parse("30d")?.integerValue, 2_592_000)
        XCTAssertEqual(parse("5m")?.integerValue, 300)
        XCTAssertEqual(parse("1y")?.integerValue, 31_536_000)
        XCTAssertEqual(parse("2w")?.unit, .duration)
    }

    func testMoneyIsExactInMicroDollars() {
        XCTAssertEqual(parse("$0.015")?.scaledValue(times: 6), 15_000)
        XCTAssertEqual(parse("$20")?.scaledValue(times: 6), 20_000_000)
        XCTAssertEqual(parse("$0.0000001")?.scaledValue(times: 6), nil, "finer than a micro-dollar is refused, not rounded")
    }

    func testPercent() {
        XCTAssertEqual(parse("80%")?.unit, .percent)
        XCTAssertEqual(parse("80%")?.integerValue, 80)
    }

    func testUnknownSuffixAndOverflowAreErrors() {
        XCTAssertEqual(try? Quantity.parse("20x", span: .at(0)).get(), nil)
        if case .failure(.unknownSuffix("x")) = Quantity.parse("20x", span: .at(0)) {} else { XCTFail("expected unknown suffix") }
        if case .failure(.tooLarge) = Quantity.parse("99999999999999999999999", span: .at(0)) {} else { XCTFail("expected overflow") }
        if case .failure(.tooLarge) = Quantity.parse("9999999999999999M", span: .at(0)) {} else { XCTFail("expected overflow") }
    }
}
