import PolicyLanguageServer
import PolicyRuntime
import Foundation
import XCTest

/// The language server's foundations (issue 14): positions in UTF-16 columns against byte
/// offsets, edits applied by range, and the protocol's `Content-Length` framing.
final class LSPFoundationTests: XCTestCase {
    typealias Position = LSPTextDocument.Position

    func testColumnsCountUTF16CodeUnits() {
        // `é` is 2 bytes and 1 UTF-16 unit; `😀` is 4 bytes and 2 units.
        let document = LSPTextDocument(text: "role a {\n  block \"é😀x\"\n}", version: 1)
        let line = 1
        let text = Array("  block \"é😀x\"".utf8)
        // Line 1 starts at byte 9; `  block "` is 9 bytes, so `é` starts at byte 18, column 9.
        XCTAssertEqual(document.offset(of: Position(line: line, character: 9)), 18, "before é")
        XCTAssertEqual(document.offset(of: Position(line: line, character: 10)), 20, "after é: 2 bytes")
        XCTAssertEqual(document.offset(of: Position(line: line, character: 12)), 24, "after 😀: 2 units, 4 bytes")
        XCTAssertEqual(document.offset(of: Position(line: line, character: 11)), 20, "inside the pair: the character's start")
        XCTAssertEqual(document.position(of: 24), Position(line: line, character: 12))
        XCTAssertEqual(document.position(of: 9 + text.count), Position(line: line, character: 14))
        // Clamped: a column past the line's end is its end; a line past the text is its end.
        XCTAssertEqual(document.offset(of: Position(line: 0, character: 99)), 8)
        XCTAssertEqual(document.offset(of: Position(line: 9, character: 0)), document.bytes.count)
        XCTAssertEqual(document.lineCount, 3)
        // Every character boundary (not inside a UTF-8 sequence) round-trips.
        for offset in 0...document.bytes.count where offset == document.bytes.count || document.bytes[offset] & 0xC0 != 0x80 {
            XCTAssertEqual(document.offset(of: document.position(of: offset)), offset, "round trip at \(offset)")
        }
    }

    func testLinesEndInLFCRLFOrCR() {
        let document = LSPTextDocument(text: "a\r\nb\rc\nd", version: 1)
        XCTAssertEqual(document.lineCount, 4)
        XCTAssertEqual(document.offset(of: Position(line: 1, character: 0)), 3)
        XCTAssertEqual(document.offset(of: Position(line: 0, character: 5)), 1, "CR LF is not part of the line")
        XCTAssertEqual(document.offset(of: Position(line: 2, character: 0)), 5)
        XCTAssertEqual(document.offset(of: Position(line: 3, character: 1)), 8)
        XCTAssertEqual(document.position(of: 7), Position(line: 3, character: 0))
    }

    func testEditsApplyByRangeOrWhole() {
        var document = LSPTextDocument(text: "policy \"p\" version 1\nrole dev {\n  models \"m\"\n}\n", version: 1)
        document.apply("ops", from: Position(line: 1, character: 5), to: Position(line: 1, character: 8), version: 2)
        XCTAssertEqual(document.text, "policy \"p\" version 1\nrole ops {\n  models \"m\"\n}\n")
        // Across lines, and an insertion (an empty range).
        document.apply("", from: Position(line: 1, character: 10), to: Position(line: 3, character: 0), version: 3)
        XCTAssertEqual(document.text, "policy \"p\" version 1\nrole ops {}\n")
        document.apply("😀", from: Position(line: 0, character: 0), to: Position(line: 0, character: 0), version: 4)
        document.apply("", from: Position(line: 0, character: 0), to: Position(line: 0, character: 2), version: 5)
        XCTAssertEqual(document.text, "policy \"p\" version 1\nrole ops {}\n", "deleting 2 units removes the emoji's 4 bytes")
        document.apply("whole", version: 6)
        XCTAssertEqual(document.text, "whole")
        XCTAssertEqual(document.version, 6)
        // A range given backwards is empty at its start, never a crash.
        document.apply("x", from: Position(line: 0, character: 3), to: Position(line: 0, character: 1), version: 7)
        XCTAssertEqual(document.text, "whoxle")
    }

    func testMessagesAreFramedByContentLengthAndArriveInAnyPieces() throws {
        let first = Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file:///é"}}"#.utf8)
        let second = Array(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.utf8)
        let stream = LSPMessageReader.frame(first) + Array("content-length: \(second.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8) + second
        var reader = LSPMessageReader()
        var messages: [[UInt8]] = []
        for byte in stream {
            reader.append([byte])
            while let message = try reader.next() { messages.append(message) }
        }
        XCTAssertEqual(messages, [first, second])
        var whole = LSPMessageReader()
        whole.append(stream)
        XCTAssertEqual(try whole.next(), first)
        XCTAssertEqual(try whole.next(), second)
        XCTAssertNil(try whole.next())
    }

    func testAMalformedHeaderIsAnErrorNotAHang() {
        for (header, message) in [("Content-Type: x\r\n\r\n{}", "no Content-Length"), ("Content-Length: -2\r\n\r\n", "decimal number"),
                                  ("Content-Length: 1e3\r\n\r\n", "decimal number"), ("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", "given once"),
                                  ("Content-Length: 99999999999\r\n\r\n", "decimal number"), ("Content-Length: 67108865\r\n\r\n", "over the limit"),
                                  ("garbage\r\n\r\n", "not `Name: value`")] {
            var reader = LSPMessageReader()
            reader.append(Array(header.utf8))
            XCTAssertThrowsError(try reader.next(), header) { error in
                XCTAssertTrue((error as? LSPMessageReader.Failure)?.message.contains(message) ?? false, "\(header): \(error)")
            }
        }
        var endless = LSPMessageReader()
        endless.append(Array(repeating: UInt8(ascii: "a"), count: LSPMessageReader.maximumHeaderBytes + 2))
        XCTAssertThrowsError(try endless.next())
    }
}

/// The workspace: open buffers before the disk, the checker's diagnostics in the protocol's form.
final class LSPWorkspaceTests: XCTestCase {
    func testDiagnosticsComeFromTheBuffersWithUTF16RangesAndHelp() throws {
        let directory = try makeTemporaryDirectory().path
        let root = directory + "/root.pol"
        let shared = directory + "/shared.pol"
        try Data("policy \"p\" version 1\nimport \"shared.pol\"\nfeatures ask_mode\n".utf8).write(to: URL(fileURLWithPath: root))
        try Data("policy \"s\" version 1\nmodel \"claude-3-opus\" { provider anthropic context 10k }\n".utf8).write(to: URL(fileURLWithPath: shared))
        var workspace = LSPWorkspace()
        XCTAssertEqual(workspace.diagnostics(root: root).values.flatMap { $0 }.count, 0, "the files on disk are clean")

        // The root open in the editor with an unknown model, after a two-unit emoji on its line.
        workspace.open(root, text: "policy \"p\" version 1\nimport \"shared.pol\"\nfeatures ask_mode\nrole r { models \"😀\", \"claude-3-opuss\" }\n", version: 1)
        let report = workspace.diagnostics(root: root)
        let rootDiagnostics = try XCTUnwrap(report[root])
        XCTAssertEqual(report[shared]?.count, 0, "every file of the policy is listed, so a fixed one is cleared")
        let unknown = try XCTUnwrap(rootDiagnostics.first { Self.string($0, "message")?.contains("claude-3-opuss") ?? false }, "\(rootDiagnostics)")
        XCTAssertEqual(Self.string(unknown, "code"), "P2004")
        XCTAssertEqual(Self.integer(unknown, "severity"), 1)
        // `role r { models "😀", "` is 22 UTF-16 units (the emoji counts 2), 24 bytes.
        XCTAssertEqual(Self.position(unknown, "start"), [3, 22])
        XCTAssertEqual(Self.position(unknown, "end"), [3, 38])
        var related = ""
        unknown.writeCanonical(into: &related)
        XCTAssertTrue(related.contains(#""message":"help: did you mean `claude-3-opus`?""#), related)

        // An open import takes precedence over its file on disk; closing it brings the disk back.
        workspace.open(shared, text: "policy \"s\" version 1\nmodel \"claude-3-opuss\" { provider anthropic context 10k }\n", version: 1)
        XCTAssertFalse(workspace.diagnostics(root: root)[root]?.contains { Self.string($0, "message")?.contains("claude-3-opuss") ?? false } ?? true,
                       "the edited import now declares the model")
        workspace.close(shared)
        workspace.change(root, "", from: .init(line: 3, character: 0), to: .init(line: 4, character: 0), version: 2)
        XCTAssertEqual(workspace.diagnostics(root: root)[root]?.count, 0)
        XCTAssertEqual(LSPURI.path(from: LSPURI.uri(for: directory + "/a b.pol")), directory + "/a b.pol")
        XCTAssertNil(LSPURI.path(from: "untitled:Untitled-1"))
    }

    static func string(_ tree: JSONTree, _ key: String) -> String? {
        guard case .string(let text, _)? = tree.member(key) else { return nil }
        return text
    }

    static func integer(_ tree: JSONTree, _ key: String) -> Int? { tree.member(key)?.integerValue }

    static func position(_ tree: JSONTree, _ end: String) -> [Int] {
        guard let range = tree.member("range"), let point = range.member(end) else { return [] }
        return [integer(point, "line") ?? -1, integer(point, "character") ?? -1]
    }
}

private extension JSONTree {
    func writeCanonical(into text: inout String) {
        var bytes: [UInt8] = []
        writeCanonical(into: &bytes)
        text = String(decoding: bytes, as: UTF8.self)
    }
}
