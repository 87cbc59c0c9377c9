import Foundation
@testable import PolicyLang
import XCTest

/// Hostile and broken input: every case ends with diagnostics (never a crash or hang).
final class LimitsTests: XCTestCase {
    private func compileFile(_ bytes: [UInt8]) throws -> Compiler.Result {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("input.pol").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try Compiler.compile([path])
    }

    func testEmptyFileNeedsAHeader() throws {
        XCTAssertEqual(TestSupport.codes(try compileFile([])), ["P1201"])
    }

    func testTwentyMegabyteFileIsRefusedQuickly() throws {
        let result = try compileFile([UInt8](repeating: UInt8(ascii: "a"), count: 20 * 1024 * 1024))
        XCTAssertEqual(TestSupport.codes(result), ["P1007"])
    }

    func testBinaryGarbageAndNULBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let result = try compileFile(garbage)
        XCTAssertGreaterThan(result.errorCount, 0)
        XCTAssertLessThanOrEqual(result.diagnostics.count, DiagnosticBag.limit + 1)
        XCTAssertNil(result.policy)
        let nul = try compileFile(Array("policy \"x\" version 1\n\u{0}\u{0}features a".utf8))
        XCTAssertEqual(TestSupport.codes(nul), ["P1001"])
    }

    func testFiveMegabyteStringLiteral() throws {
        let text = "policy \"x\" version 1\npatterns p { \"" + String(repeating: "x", count: 5_000_000) + "\" }\n"
        XCTAssertEqual(TestSupport.codes(try compileFile(Array(text.utf8))), ["P1005"])
    }

    func testHundredThousandDigitNumber() throws {
        let text = "policy \"x\" version 1\nmodel \"m\" { context " + String(repeating: "7", count: 100_000) + " }\n"
        XCTAssertEqual(TestSupport.codes(try compileFile(Array(text.utf8))), ["P1005"])
    }

    func testHundredThousandNestedBrackets() throws {
        let text = "policy \"x\" version 1\nrule r { when " + String(repeating: "[", count: 100_000) + " deny \"x\" }\n"
        let result = try compileFile(Array(text.utf8))
        XCTAssertEqual(result.diagnostics.first?.code, .nestingTooDeep)
        let braces = "policy \"x\" version 1\n" + String(repeating: "{", count: 100_000)
        XCTAssertGreaterThan(try compileFile(Array(braces.utf8)).errorCount, 0)
    }

    func testDiagnosticsAreCapped() throws {
        let lines = (0..<1_000).map { "role r\($0) { models \"missing\" }" }.joined(separator: "\n")
        let result = try compileFile(Array(("policy \"x\" version 1\n" + lines).utf8))
        XCTAssertEqual(result.diagnostics.count, DiagnosticBag.limit + 1)
        XCTAssertTrue(result.diagnostics.contains { $0.code == .tooManyErrors })
    }

    func testImportCountIsCapped() {
        var files: [String: String] = [:]
        for index in 0..<(Limits.maxFiles + 5) { files["f\(index).pol"] = "import \"f\(index + 1).pol\"" }
        files["main.pol"] = "policy \"x\" version 1\nimport \"f0.pol\""
        let result = try! Compiler.compile(["main.pol"], reader: MemorySourceReader(files))
        XCTAssertTrue(result.diagnostics.contains { $0.code == .tooManyFiles })
    }
}
