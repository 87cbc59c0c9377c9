import Foundation
@testable import PolicyLang
import XCTest

/// `Tests/PolicyLangTests/testdata/invalid/NAME.pol` must produce exactly the diagnostics in `NAME.expected`, and
/// together the invalid examples must exercise every diagnostic code.
final class InvalidExamplesTests: XCTestCase {
    private let files = TestSupport.polFiles(in: "Tests/PolicyLangTests/testdata/invalid")

    /// Codes that cannot be shown by a small committed file; each has its own test.
    private let testedElsewhere: Set<DiagnosticCode> = [
        .fileTooLarge,  // LimitsTests.testTwentyMegabyteFileIsRefusedQuickly
        .tooManyErrors,  // LimitsTests.testDiagnosticsAreCapped
        .tooManyFiles,  // LimitsTests.testImportCountIsCapped
    ]

    func testEachInvalidExampleProducesItsGoldenDiagnostics() throws {
        let renderer = DiagnosticRenderer(format: .text)
        for path in files {
            let result = try Compiler.compile([path], reader: TestSupport.reader)
            XCTAssertFalse(result.diagnostics.isEmpty, "\(path) produced no diagnostics")
            let golden = (path as NSString).deletingPathExtension + ".expected"
            TestSupport.assertGolden(renderer.render(result.diagnostics), golden)
        }
    }

    func testEveryDiagnosticCodeHasAnInvalidExample() throws {
        var seen = Set<DiagnosticCode>()
        for path in files {
            for diagnostic in try Compiler.compile([path], reader: TestSupport.reader).diagnostics { seen.insert(diagnostic.code) }
        }
        // Lint codes (P4xxx) come from `policyc lint`, not the compiler; LintTests covers each.
        let missing = Set(DiagnosticCode.allCases.filter { !$0.rawValue.hasPrefix("P4") }).subtracting(seen).subtracting(testedElsewhere)
        XCTAssertEqual(missing.map(\.rawValue).sorted(), [], "codes without an invalid example")
    }
}
