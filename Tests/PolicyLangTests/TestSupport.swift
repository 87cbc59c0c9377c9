import Foundation
import PolicyLang
import PolicyRuntime
import XCTest

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A reader rooted at the repository, so diagnostics show `examples/…` paths.
    static let reader = DiskSourceReader(base: root)

    /// Whether golden files should be rewritten instead of compared (`UPDATE_GOLDEN=1`).
    static let updateGolden = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"

    /// `.pol` files directly in a repository directory, sorted.
    static func polFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []
        return names.filter { $0.hasSuffix(".pol") }.sorted().map { directory + "/" + $0 }
    }

    /// Compiles in-memory sources; the first key is the root.
    static func compile(_ text: String, imports: [String: String] = [:]) -> Compiler.Result {
        var files = imports
        files["main.pol"] = text
        // A memory reader cannot fail to read the root.
        return try! Compiler.compile(["main.pol"], reader: MemorySourceReader(files))
    }

    /// A request of the prelude's shape: role `dev` on `claude-3-opus` and `ask_mode`.
    static func request(_ prompt: String, response: String? = nil) -> Request {
        var request = Request()
        request.role = "dev"
        request.model = "claude-3-opus"
        request.feature = "ask_mode"
        request.contextTokens = 10
        request.prompt = Array(prompt.utf8)
        request.response = response.map { Array($0.utf8) }
        return request
    }

    /// A compiled document, edited as text, with its `document_digest` recomputed (as a buggy
    /// compiler or a careful forger would), so that the edit reaches the checks behind the digest.
    static func resealed(_ text: String) -> Data {
        guard case .object(let members, _)? = try? JSONTree.parse(Array(text.utf8)) else { return Data() }
        return CompiledPolicy.seal(members)
    }

    /// The codes of a result's diagnostics, in order.
    static func codes(_ result: Compiler.Result) -> [String] {
        result.diagnostics.map(\.code.rawValue)
    }

    /// A minimal header plus vocabulary many tests build on.
    static let prelude = """
        policy "test" version 1
        model "claude-3-opus" { provider anthropic context 200k price input $0.015 per 1k, output $0.075 per 1k aliases "opus" }
        model "claude-3-haiku" { provider anthropic context 200k }
        features ask_mode, agent_mode
        operations database_operations, deployment_commands

        """

    /// Compares `actual` with a golden file, or rewrites it under `UPDATE_GOLDEN=1`.
    static func assertGolden(_ actual: String, _ goldenPath: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = root + "/" + goldenPath
        if updateGolden {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("missing golden file \(goldenPath); run `UPDATE_GOLDEN=1 swift test` and review it", file: file, line: line)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let index = Array(zip(expectedLines, actualLines)).firstIndex { $0.0 != $0.1 } ?? min(expectedLines.count, actualLines.count)
            let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
            let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
            XCTFail("\(goldenPath) differs at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)", file: file, line: line)
        }
    }
}

extension XCTestCase {
    /// A fresh directory under the system's temporary directory, removed when the test ends.
    func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policyc-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }
}
