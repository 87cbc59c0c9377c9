import Dispatch
import Foundation
@testable import PolicyRuntime
import Synchronization
import XCTest

/// The Redis client: the RESP2 parser and encoder on canned bytes, endpoint URLs, and the client
/// against a real redis-server (see ``RedisTestServer``; those tests skip when none is available).
final class RedisClientTests: XCTestCase {
    // MARK: Parser: canned replies

    /// Every reply type, nesting and the two nulls, with the bytes a server sends for each.
    private static let canned: [(bytes: String, reply: RedisReply)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("+\r\n", .simpleString("")),
        ("-ERR unknown command 'FOO'\r\n", .error("ERR unknown command 'FOO'")),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(Int.max)),
        (":-9223372036854775808\r\n", .integer(Int.min)),
        ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        ("$6\r\na\r\n\0\rb\r\n", .bulkString([0x61, 0x0d, 0x0a, 0x00, 0x0d, 0x62])),
        ("*0\r\n", .array([])),
        ("*-1\r\n", .array(nil)),
        ("*3\r\n:1\r\n$-1\r\n+x\r\n", .array([.integer(1), .bulkString(nil), .simpleString("x")])),
        ("*2\r\n*2\r\n:1\r\n*-1\r\n*1\r\n*0\r\n", .array([.array([.integer(1), .array(nil)]), .array([.array([])])])),
        ("*2\r\n-ERR a\r\n$2\r\nok\r\n", .array([.error("ERR a"), .bulkString(Array("ok".utf8))])),
    ]

    private func parseAll(_ bytes: [UInt8], limits: RESPParser.Limits = .init()) throws(RedisError) -> [RedisReply] {
        var parser = RESPParser(limits: limits)
        parser.append(bytes)
        var replies: [RedisReply] = []
        while let reply = try parser.next() { replies.append(reply) }
        return replies
    }

    private func protocolError(_ bytes: [UInt8], limits: RESPParser.Limits = .init()) -> String? {
        do {
            _ = try parseAll(bytes, limits: limits)
            return nil
        } catch {
            guard case .protocolError(let reason) = error else { return "unexpected error \(error)" }
            return reason
        }
    }

    func testParsesEveryReplyType() throws {
        for (text, expected) in Self.canned {
            XCTAssertEqual(try parseAll(Array(text.utf8)), [expected], text.debugDescription)
        }
        // Back to back, as a pipeline's replies arrive.
        XCTAssertEqual(try parseAll(Array(Self.canned.map(\.bytes).joined().utf8)), Self.canned.map(\.reply))
    }

    /// A reply is returned only by the call that supplies its last byte, and the parser resumes
    /// across every possible chunk boundary.
    func testRepliesSplitAtAnyByte() throws {
        let stream = Array(Self.canned.map(\.bytes).joined().utf8)
        var ends: [Int] = []
        var offset = 0
        for (text, _) in Self.canned {
            offset += text.utf8.count
            ends.append(offset)
        }
        var parser = RESPParser()
        var replies: [RedisReply] = []
        for (index, byte) in stream.enumerated() {
            parser.append([byte])
            while let reply = try parser.next() {
                XCTAssertEqual(index + 1, ends[replies.count], "reply \(replies.count) completed at the wrong byte")
                replies.append(reply)
            }
        }
        XCTAssertEqual(replies, Self.canned.map(\.reply))
        XCTAssertTrue(parser.isIdle)

        // Two chunks split at every position.
        for split in 0...stream.count {
            var parser = RESPParser()
            var replies: [RedisReply] = []
            parser.append(stream[..<split])
            while let reply = try parser.next() { replies.append(reply) }
            parser.append(stream[split...])
            while let reply = try parser.next() { replies.append(reply) }
            XCTAssertEqual(replies, Self.canned.map(\.reply), "split at \(split)")
        }
    }

    func testIncompleteInputWaitsInsteadOfFailing() throws {
        for text in ["+OK", "+OK\r", "$5\r\nhel", "$5\r\nhello\r", "*2\r\n:1\r\n", "*1\r\n*1\r\n", ":12"] {
            XCTAssertEqual(try parseAll(Array(text.utf8)), [], text.debugDescription)
        }
    }

    func testMalformedInputIsAProtocolError() {
        let cases: [(String, String)] = [
            ("?what\r\n", "unexpected reply type byte 0x3f"),
            ("_\r\n", "unexpected reply type byte 0x5f"),  // RESP3 null: not spoken here
            ("\r\n", "empty line"),
            ("+OK\n", "lf is not preceded by cr"),
            ("+OK\rX", "cr is not followed by lf"),
            ("$3\r\nabcXY", "not followed by crlf"),
            ("$3\r\nabc\rX", "not followed by crlf"),
            (":12a\r\n", "not a digit"),
            (":\r\n", "no digits"),
            (":-\r\n", "no digits"),
            (": 1\r\n", "not a digit"),
            (":9223372036854775808\r\n", "overflows"),
            (":-9223372036854775809\r\n", "overflows"),
            ("$-2\r\n", "bulk string length -2 is negative"),
            ("*-2\r\n", "array length -2 is negative"),
            ("$-100\r\n", "is negative"),
            ("$+1\r\na\r\n", "not a digit"),
            ("*1\r\n!\r\n", "unexpected reply type byte 0x21"),
        ]
        for (text, expected) in cases {
            let reason = protocolError(Array(text.utf8))
            XCTAssertTrue(reason?.contains(expected) ?? false, "\(text.debugDescription): \(reason ?? "parsed")")
        }
    }

    func testFailedParserKeepsFailing() throws {
        var parser = RESPParser()
        parser.append(Array("?\r\n+OK\r\n".utf8))
        XCTAssertThrowsError(try parser.next())
        XCTAssertThrowsError(try parser.next(), "a parser that lost its place must not resume")
    }

    func testLimitsFailClosed() throws {
        let limits = RESPParser.Limits()
        // Bulk length: at the limit waits for the payload (nothing allocated), one past fails at once.
        XCTAssertEqual(try parseAll(Array("$\(limits.maximumBulkLength)\r\n".utf8)), [])
        XCTAssertEqual(protocolError(Array("$\(limits.maximumBulkLength + 1)\r\n".utf8)),
                       "bulk string length 536870913 exceeds the limit of 536870912 bytes")
        // Array length.
        XCTAssertEqual(try parseAll(Array("*\(limits.maximumArrayLength)\r\n".utf8)), [])
        XCTAssertEqual(protocolError(Array("*\(limits.maximumArrayLength + 1)\r\n".utf8)),
                       "array length 1000001 exceeds the limit of 1000000 elements")
        // Depth: 32 arrays inside one another parse; 33 fail, even before the innermost is complete.
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "*1\r\n", count: depth) + ":7\r\n").utf8) }
        var expected = RedisReply.integer(7)
        for _ in 0..<32 { expected = .array([expected]) }
        XCTAssertEqual(try parseAll(nested(32)), [expected])
        XCTAssertEqual(protocolError(nested(33)), "arrays are nested more than 32 deep")
        XCTAssertEqual(protocolError(Array(String(repeating: "*1\r\n", count: 33).utf8)), "arrays are nested more than 32 deep")
        // Line length, counted without the CRLF; a line too long fails before its end arrives.
        let atLimit = "+" + String(repeating: "a", count: limits.maximumLineLength - 1)
        XCTAssertEqual(try parseAll(Array((atLimit + "\r\n").utf8)), [.simpleString(String(atLimit.dropFirst()))])
        XCTAssertEqual(protocolError(Array((atLimit + "a\r\n").utf8)), "a line is longer than 65536 bytes")
        XCTAssertEqual(protocolError(Array((atLimit + "aaaa").utf8)), "a line is longer than 65536 bytes")
    }

    func testLineLimitHoldsWhenFedByteByByte() {
        var parser = RESPParser(limits: RESPParser.Limits(maximumLineLength: 8))
        var failure: RedisError?
        for byte in Array("+123456789".utf8) where failure == nil {
            parser.append([byte])
            do { _ = try parser.next() } catch { failure = error }
        }
        XCTAssertEqual(failure, .protocolError("a line is longer than 8 bytes"))
    }

    func testEncoderWritesArraysOfBulkStrings() {
        XCTAssertEqual(RESPEncoder.encode([Array("SET".utf8), [0x6b, 0x0d, 0x0a], []]),
                       Array("*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$0\r\n\r\n".utf8))
    }

    // MARK: Endpoint URLs

    func testValidURLs() throws {
        let cases: [(String, String, Int, Int)] = [
            ("redis://localhost:6379", "localhost", 6379, 0),
            ("redis://127.0.0.1:6390/2", "127.0.0.1", 6390, 2),
            ("redis://[::1]:6379/15", "::1", 6379, 15),
            ("redis://[2001:db8::7]:1", "2001:db8::7", 1, 0),
            ("redis://cache-1.internal_net.example:65535/0", "cache-1.internal_net.example", 65535, 0),
        ]
        for (url, host, port, database) in cases {
            let endpoint = try RedisEndpoint(url: url)
            XCTAssertEqual(endpoint, try RedisEndpoint(host: host, port: port, database: database), url)
            XCTAssertEqual(try RedisEndpoint(url: endpoint.url), endpoint, "round trip of \(url)")
        }
        XCTAssertEqual(try RedisEndpoint(url: "redis://[::1]:6379/3").url, "redis://[::1]:6379/3")
    }

    func testInvalidURLs() {
        let cases: [(String, String)] = [
            ("http://localhost:6379", "expected `redis://HOST:PORT[/DB]`"),
            ("REDIS://localhost:6379", "expected `redis://HOST:PORT[/DB]`"),
            ("rediss://localhost:6379", "tls (`rediss://`) is not supported"),
            ("unix:///tmp/redis.sock", "expected"),
            ("redis://localhost", "a port is required"),
            ("redis://localhost/2", "a port is required"),
            ("redis://localhost:", "the port must be a number from 1 to 65535"),
            ("redis://localhost:0", "the port must be a number from 1 to 65535"),
            ("redis://localhost:65536", "the port must be a number from 1 to 65535"),
            ("redis://localhost:-1", "the port must be"),
            ("redis://localhost:123456", "the port must be"),
            ("redis://localhost:63a9", "the port must be"),
            ("redis://localhost:6379/16", "the database must be a number from 0 to 15"),
            ("redis://localhost:6379/", "the database must be"),
            ("redis://localhost:6379/-1", "the database must be"),
            ("redis://localhost:6379/1/2", "the database must be"),
            ("redis://localhost:6379/100", "the database must be"),
            ("redis://:6379", "the host is missing"),
            ("redis://[]:6379", "not an ipv6 address"),
            ("redis://[::1:6379", "does not close"),
            ("redis://[::g]:6379", "not an ipv6 address"),
            ("redis://[::1]6379", "a port is required"),
            ("redis://::1:6379", "the host is missing"),
            ("redis://localhost:6379:1", "must be written in brackets"),
            ("redis://999.1.1.1:6379", "not a valid ipv4 address"),
            ("redis://local host:6379", "only letters, digits"),
            ("redis://local%20host:6379", "only letters, digits"),
            ("redis://a..b:6379", "empty label"),
            ("redis://-a:6379", "cannot start with `-`"),
            ("redis://localhost:6379?db=2", "a query"),
            ("redis://localhost:6379#x", "a fragment"),
            ("redis://user:hunter2@localhost:6379", "credentials (`user@`) are not supported"),
            ("redis://:hunter2@localhost:6379/1", "credentials"),
            ("", "expected"),
        ]
        for (url, expected) in cases {
            do {
                let endpoint = try RedisEndpoint(url: url)
                XCTFail("\(url) parsed as \(endpoint)")
            } catch {
                guard case .invalidURL(let reason) = error else { return XCTFail("\(url): \(error)") }
                XCTAssertTrue(reason.contains(expected), "\(url): \(reason)")
                XCTAssertFalse(error.description.contains("hunter2"), "a password reached the message: \(error)")
            }
        }
        XCTAssertThrowsError(try RedisEndpoint(host: "localhost", port: 6379, database: 16))
        XCTAssertThrowsError(try RedisEndpoint(host: "", port: 6379))
        XCTAssertThrowsError(try RedisEndpoint(host: "localhost", port: 0))
        XCTAssertThrowsError(try RedisEndpoint(host: "::zz", port: 6379))
    }

    func testErrorMessagesAreOneLowerCaseLine() {
        let errors: [RedisError] = [
            .invalidURL("a port is required"), .connectFailed("127.0.0.1:1: connection refused"),
            .timeout(.connect), .timeout(.io), .connectionClosed, .protocolError("an lf is not preceded by cr"),
            .server("ERR value is not an integer or out of range"),
        ]
        for error in errors {
            let text = error.description
            XCTAssertFalse(text.contains("\n"), text)
            XCTAssertFalse(text.hasSuffix("."), text)
            XCTAssertEqual(text.first.map { String($0).lowercased() }, text.first.map(String.init), text)
        }
        XCTAssertNotEqual(RedisError.timeout(.connect).description, RedisError.timeout(.io).description)
    }

    // MARK: Against a real server

    private func client(database: Int = 0, ioTimeout: Double = 2) throws -> RedisClient {
        RedisClient(endpoint: try RedisTestServer.endpoint(database: database), connectTimeout: 1, ioTimeout: ioTimeout)
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testPing() throws {
        let redis = try client()
        defer { redis.close() }
        XCTAssertEqual(try redis.command(["PING"]), .simpleString("PONG"))
        XCTAssertEqual(try redis.command([bytes("ECHO"), [0, 1, 2]]), .bulkString([0, 1, 2]))
    }

    func testSetAndGetAreBinarySafe() throws {
        let redis = try client()
        defer { redis.close() }
        let key = bytes(RedisTestServer.uniqueKey("binary")) + [0x0d, 0x0a, 0x00]
        let value: [UInt8] = [0x00, 0x0d, 0x0a, 0x24, 0x2d, 0x31, 0x0d, 0x0a, 0xff, 0xfe, 0x00] + bytes("\r\n*1\r\n")
        XCTAssertEqual(try redis.command([bytes("SET"), key, value, bytes("PX"), bytes("60000")]), .simpleString("OK"))
        XCTAssertEqual(try redis.command([bytes("GET"), key]), .bulkString(value))
        XCTAssertEqual(try redis.command([bytes("STRLEN"), key]), .integer(value.count))
        XCTAssertEqual(try redis.command([bytes("DEL"), key]), .integer(1))
        let missing = try redis.command([bytes("GET"), key])
        XCTAssertEqual(missing, .bulkString(nil))
        XCTAssertTrue(missing.isNull)
    }

    func testIncrBy() throws {
        let redis = try client()
        defer { redis.close() }
        let key = RedisTestServer.uniqueKey("incrby")
        defer { _ = try? redis.command(["DEL", key]) }
        XCTAssertEqual(try redis.command(["INCRBY", key, "40"]).integerValue, 40)
        XCTAssertEqual(try redis.command(["INCRBY", key, "-42"]).integerValue, -2)
        XCTAssertEqual(try redis.command(["GET", key]).string, "-2")
    }

    func testPipelineRepliesComeBackInOrder() throws {
        let redis = try client()
        defer { redis.close() }
        let key = bytes(RedisTestServer.uniqueKey("pipeline"))
        defer { _ = try? redis.command([bytes("DEL"), key]) }
        let replies = try redis.pipeline(Array(repeating: [bytes("INCR"), key], count: 1000))
        XCTAssertEqual(replies, (1...1000).map { RedisReply.integer($0) })
        XCTAssertEqual(try redis.pipeline([]), [])
    }

    func testPipelineReturnsErrorRepliesInPlace() throws {
        let redis = try client()
        defer { redis.close() }
        let key = bytes(RedisTestServer.uniqueKey("mixed"))
        defer { _ = try? redis.command([bytes("DEL"), key]) }
        let replies = try redis.pipeline([[bytes("SET"), key, bytes("abc")], [bytes("INCR"), key], [bytes("GET"), key]])
        XCTAssertEqual(replies.count, 3)
        XCTAssertEqual(replies[0], .simpleString("OK"))
        XCTAssertTrue(replies[1].errorMessage?.hasPrefix("ERR") ?? false, "\(replies[1])")
        XCTAssertEqual(replies[2], .bulkString(bytes("abc")))
    }

    func testServerErrorIsThrown() throws {
        let redis = try client()
        defer { redis.close() }
        let key = RedisTestServer.uniqueKey("not-a-number")
        defer { _ = try? redis.command(["DEL", key]) }
        _ = try redis.command(["SET", key, "abc"])
        do {
            let reply = try redis.command(["INCR", key])
            XCTFail("INCR of a string answered \(reply)")
        } catch {
            guard case .server(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("ERR value is not an integer"), message)
        }
        // The connection is still in step after an error reply.
        XCTAssertEqual(try redis.command(["GET", key]).string, "abc")
    }

    func testEmptyCommandIsRefusedBeforeSending() throws {
        let redis = try client()
        defer { redis.close() }
        XCTAssertThrowsError(try redis.command([[UInt8]]()))
        XCTAssertThrowsError(try redis.pipeline([[bytes("PING")], []]))
        XCTAssertEqual(try redis.command(["PING"]), .simpleString("PONG"))
    }

    func testEvalScriptLoadsTheSourceOnNoScriptAndUsesTheDigestAfter() throws {
        let redis = try client()
        defer { redis.close() }
        let key = RedisTestServer.uniqueKey("script")
        defer { _ = try? redis.command(["DEL", key]) }
        // A comment unique to this run keeps the script new even on a shared server.
        let script = RedisScript("-- \(UUID().uuidString)\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")
        XCTAssertEqual(try redis.command(["SCRIPT", "FLUSH"]), .simpleString("OK"))
        XCTAssertEqual(try redis.command(["SCRIPT", "EXISTS", script.sha1]), .array([.integer(0)]))
        XCTAssertEqual(try redis.evalScript(script, keys: [bytes(key)], arguments: [bytes("5")]), .integer(5))
        // EVAL cached the source under the digest we computed, so our SHA-1 is Redis's.
        XCTAssertEqual(try redis.command(["SCRIPT", "EXISTS", script.sha1]), .array([.integer(1)]))
        XCTAssertEqual(try redis.evalScript(script, keys: [bytes(key)], arguments: [bytes("2")]), .integer(7))
        XCTAssertEqual(try redis.command(["SCRIPT", "LOAD", script.source]).string, script.sha1)
        // A script that fails is thrown as a server error.
        let failing = RedisScript("return redis.error_reply('BUDGET exhausted')")
        XCTAssertThrowsError(try redis.evalScript(failing, keys: [], arguments: [])) { error in
            XCTAssertEqual(error as? RedisError, .server("BUDGET exhausted"))
        }
    }

    func testSelectedDatabaseIsolatesKeys() throws {
        let zero = try client()
        let two = try client(database: 2)
        defer {
            zero.close()
            two.close()
        }
        let key = RedisTestServer.uniqueKey("select")
        defer { _ = try? two.command(["DEL", key]) }
        XCTAssertEqual(try two.command(["SET", key, "in-two"]), .simpleString("OK"))
        XCTAssertEqual(try two.command(["GET", key]).string, "in-two")
        XCTAssertEqual(try zero.command(["GET", key]), .bulkString(nil))
        XCTAssertTrue(try two.command(["CLIENT", "INFO"]).string?.contains(" db=2 ") ?? false)
    }

    func testConnectToAClosedPortFailsQuickly() throws {
        let endpoint = try RedisEndpoint(host: "127.0.0.1", port: RedisTestServer.closedPort())
        let redis = RedisClient(endpoint: endpoint, connectTimeout: 1, ioTimeout: 1)
        let started = Date()
        XCTAssertThrowsError(try redis.command(["PING"])) { error in
            XCTAssertEqual(error as? RedisError, .connectFailed("127.0.0.1:\(endpoint.port): connection refused"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.9, "a refused connection must not wait for the timeout")
    }

    /// The server drops an idle connection: the next call notices before writing, reconnects and
    /// succeeds; so does the one after.
    func testReconnectsAfterTheServerClosesTheConnection() throws {
        let redis = try client()
        let killer = try client()
        defer {
            redis.close()
            killer.close()
        }
        let firstID = try XCTUnwrap(redis.command(["CLIENT", "ID"]).integerValue)
        XCTAssertEqual(try killer.command(["CLIENT", "KILL", "ID", String(firstID)]), .integer(1))
        XCTAssertEqual(try redis.command(["PING"]), .simpleString("PONG"))
        let secondID = try XCTUnwrap(redis.command(["CLIENT", "ID"]).integerValue)
        XCTAssertNotEqual(firstID, secondID, "the client must be on a new connection")
        XCTAssertEqual(try redis.command(["PING"]), .simpleString("PONG"))
    }

    /// Once a command's bytes are written it is never sent again: here the INCR ran, the blocked
    /// BLPOP made the exchange time out, and the counter must show one INCR, not two.
    func testNoRetryOnceBytesWereSent() throws {
        let redis = try client(ioTimeout: 0.3)
        defer { redis.close() }
        let counter = bytes(RedisTestServer.uniqueKey("counter"))
        let emptyList = bytes(RedisTestServer.uniqueKey("empty"))
        defer { _ = try? redis.command([bytes("DEL"), counter]) }
        let started = Date()
        XCTAssertThrowsError(try redis.pipeline([[bytes("INCR"), counter], [bytes("BLPOP"), emptyList, bytes("5")]])) { error in
            XCTAssertEqual(error as? RedisError, .timeout(.io))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the I/O timeout must bound the wait")
        XCTAssertEqual(try redis.command([bytes("GET"), counter]), .bulkString(bytes("1")))
    }

    func testCloseThenTheNextCallReconnects() throws {
        let redis = try client()
        let firstID = try XCTUnwrap(redis.command(["CLIENT", "ID"]).integerValue)
        redis.close()
        redis.close()
        let secondID = try XCTUnwrap(redis.command(["CLIENT", "ID"]).integerValue)
        XCTAssertNotEqual(firstID, secondID)
        redis.close()
    }

    /// Calls from many threads share the one connection without interleaving their bytes.
    func testConcurrentCallsAreSerialized() throws {
        let redis = try client()
        defer { redis.close() }
        let key = RedisTestServer.uniqueKey("concurrent")
        defer { _ = try? redis.command(["DEL", key]) }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<50 {
                do {
                    let echoed = "\(worker)-\(index)"
                    guard try redis.command(["ECHO", echoed]).string == echoed else { throw RedisError.protocolError("mixed up") }
                    _ = try redis.pipeline([[Array("INCR".utf8), Array(key.utf8)]])
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try redis.command(["GET", key]).string, "400")
    }
}
