@testable import PolicyLang
import XCTest

final class LexerTests: XCTestCase {
    private func lex(_ text: String) -> (kinds: [TokenKind], texts: [String], lexer: Lexer) {
        let file = SourceFile(path: "t.pol", text: text)
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        return (tokens.map(\.kind), tokens.map { file.text(of: $0.span) }, lexer)
    }

    func testPunctuationAndOperators() {
        let result = lex("{ } ( ) [ ] , . - == != < <= > >=")
        XCTAssertEqual(result.kinds, [.leftBrace, .rightBrace, .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .dot,
                                      .minus, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .eof])
    }

    func testQuantitiesKeepTheirUnitSuffix() {
        let result = lex("200k $0.015 80% 30d 1.5M 5m")
        XCTAssertEqual(result.kinds, [.number, .money, .percent, .number, .number, .number, .eof])
        XCTAssertEqual(result.texts.dropLast(), ["200k", "$0.015", "80%", "30d", "1.5M", "5m"])
    }

    func testKeywordsAreTaggedButStayWords() {
        let file = SourceFile(path: "t.pol", text: "role deny max_context roles")
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        XCTAssertEqual(tokens.map(\.kind), [.word, .word, .word, .word, .eof])
        XCTAssertEqual(tokens.map(\.keyword), [.role, .deny, .maxContext, nil, nil])
    }

    func testEveryKeywordIsRecognised() {
        for keyword in Keyword.allCases {
            let file = SourceFile(path: "t.pol", text: keyword.rawValue)
            var lexer = Lexer(file: file)
            XCTAssertEqual(lexer.tokenize().first?.keyword, keyword, keyword.rawValue)
        }
    }

    func testCommentsAreSkippedAndRecorded() {
        let result = lex("features a # the first\n# whole line\nfeatures b")
        XCTAssertEqual(result.texts, ["features", "a", "features", "b", ""])
        XCTAssertEqual(result.lexer.comments.count, 2)
    }

    func testStringWithEscapedQuote() {
        let result = lex(#""say \"hi\"" next"#)
        XCTAssertEqual(result.kinds, [.string, .word, .eof])
        XCTAssertTrue(result.lexer.diagnostics.isEmpty)
    }

    func testUnterminatedStringStopsAtEndOfLine() {
        let result = lex("\"open\nrole x")
        XCTAssertEqual(result.kinds, [.illegal, .word, .word, .eof])
        XCTAssertEqual(result.lexer.diagnostics.map(\.code), [.unterminatedString])
    }

    func testIllegalBytesAlwaysMakeProgress() {
        let result = lex("@ ; ` \u{0}")
        XCTAssertEqual(result.kinds, [.illegal, .illegal, .illegal, .illegal, .eof])
        XCTAssertEqual(result.lexer.diagnostics.count, 4)
    }

    func testNonASCIIOutsideStringsIsOneError() {
        let result = lex("role é x")
        XCTAssertEqual(result.kinds, [.word, .illegal, .word, .eof])
        XCTAssertEqual(result.lexer.diagnostics.first?.message, "unexpected character `é`")
    }

    func testInvalidUTF8RunIsReportedOnce() {
        let file = SourceFile(path: "t.pol", bytes: [0xFF, 0xFE, 0xC0, 0x80, 0x20, 0x61])
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        XCTAssertEqual(tokens.map(\.kind), [.illegal, .word, .eof])
        XCTAssertEqual(lexer.diagnostics.map(\.code), [.invalidUTF8])
    }

    func testOverlongAndSurrogateEncodingsInStringsAreRejected() {
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            let file = SourceFile(path: "t.pol", bytes: [0x22] + bytes + [0x22])
            var lexer = Lexer(file: file)
            _ = lexer.tokenize()
            XCTAssertEqual(lexer.diagnostics.first?.code, .invalidUTF8, "\(bytes)")
        }
    }

    func testLongNameIsCapped() {
        let result = lex(String(repeating: "a", count: Limits.maxWordBytes + 1))
        XCTAssertEqual(result.lexer.diagnostics.map(\.code), [.tokenTooLong])
    }

    func testHugeNumberIsCappedWithoutOverflow() {
        let result = lex(String(repeating: "9", count: 100_000))
        XCTAssertEqual(result.kinds, [.illegal, .eof])
        XCTAssertEqual(result.lexer.diagnostics.map(\.code), [.tokenTooLong])
    }

    func testHugeStringLiteralIsCapped() {
        let result = lex("\"" + String(repeating: "x", count: 5_000_000) + "\"")
        XCTAssertEqual(result.lexer.diagnostics.map(\.code), [.tokenTooLong])
    }

    func testRegexLiteralIsLexedAsReservedToken() {
        let result = lex("/CUST-[0-9]{6}/i x")
        XCTAssertEqual(result.kinds, [.regex, .word, .eof])
        XCTAssertEqual(result.texts.first, "/CUST-[0-9]{6}/i")
    }

    func testSpansAreByteOffsets() {
        let file = SourceFile(path: "t.pol", text: "é \"ü\" x")
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        XCTAssertEqual(tokens[1].span, Span(start: 3, end: 7))
        XCTAssertEqual(file.location(of: tokens[2].span.start).column, 7)
    }
}
