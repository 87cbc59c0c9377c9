import Foundation
import PolicyRuntime

/// Compiled documents for tests: the golden documents, and a way to re-seal an edited one (its
/// `document_digest` recomputed, as a buggy compiler or a careful forger would), so that tests
/// reach the checks behind the digest.
enum TestDocument {
    /// The repository's root.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A golden compiled example (`enterprise`, `hipaa`, …).
    static func golden(_ name: String) -> Data {
        FileManager.default.contents(atPath: root + "/Tests/PolicyLangTests/testdata/compiled/\(name).json") ?? Data()
    }

    /// The names of the golden compiled examples.
    static var goldenNames: [String] {
        let directory = root + "/Tests/PolicyLangTests/testdata/compiled"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// `document` with its `document_digest` recomputed over its content, as docs/compiled-format.md
    /// defines it: SHA-256 of the RFC 8785 form without `document_digest` and `signature`. A
    /// signature is kept as it was.
    static func resealed(_ document: Data) -> Data {
        guard case .object(let members, _)? = try? JSONTree.parse([UInt8](document)) else { return document }
        return CompiledPolicy.seal(members)
    }
}
