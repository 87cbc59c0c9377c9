/// What the compliance report reads of one audit record (docs/audit.md, "Records"): who, what,
/// the decision and its reasons, spend, risk. Read straight from the line's bytes by the record
/// scanner, without a tree for the record; only the few nested values (reasons, detections,
/// the policy) are parsed on their own.
struct AuditReportRecord: Sendable {
    /// One `{code, rule}` of `reasons`.
    struct Reason: Sendable {
        var code: String
        var rule: String
    }

    var seq: Int
    /// `decision`, `repair`, `erasure`, or a gateway's own kind.
    var kind: String
    /// Seconds since the epoch.
    var time: Int
    var user: String?
    var team: String?
    var session: String?
    var model: String?
    var action: String?
    /// `allow`, `deny` or `require_approval`.
    var outcome: String?
    var reasons: [Reason] = []
    var alerts: [String] = []
    var playbooks: [String] = []
    /// The `type` of each detection, in order.
    var detections: [String] = []
    var filesModified: [String] = []
    var riskPercent = 0
    var costMicros = 0
    var tokensIn = 0
    var tokensOut = 0
    /// A completion's `settlement`.
    var settlement: String?
    var policy: PolicyIdentity?
    /// Whether erasure replaced the identity group (`erased_identity`).
    var identityErased = false
    /// Whether the record has a `cost_micros` (it was metered).
    var hasCost = false

    /// What a completion's record says of spend (docs/audit.md, "Reports").
    enum Spend {
        /// Not a completion, or one that charged nothing (its reservation was unknown or already settled).
        case none
        /// Settled (or settled late) by the usage store, or decided without a meter: its tokens,
        /// and its cost when metered, are the period's spend.
        case spent
        /// Metered but not settled: the usage store was unavailable. Its cost is the provider's
        /// but no budget counted it, so it is reported apart.
        case unsettled
    }

    /// What this record says of spend.
    var spend: Spend {
        guard action == RequestAction.completion.rawValue else { return .none }
        guard let settlement else { return hasCost ? .unsettled : .spent }
        switch SettlementResult(rawValue: settlement) {
        case .settled?, .late?: return .spent
        default: return .none
        }
    }

    /// Reads a line the verifier has scanned, or says why it is not a record the report can read.
    static func read(_ line: UnsafeBufferPointer<UInt8>, scanned: AuditLineScanner.Line, at location: @autoclosure () -> String)
        -> Result<AuditReportRecord, AuditError> {
        do throws(AuditError) {
            return .success(try AuditReportRecord(line: line, scanned: scanned, at: location()))
        } catch {
            return .failure(error)
        }
    }

    /// Reads a line of a trail file, or says why it is not a record.
    static func read(_ line: UnsafeBufferPointer<UInt8>, torn: Bool, at location: @autoclosure () -> String) -> Result<AuditReportRecord, AuditError> {
        if torn {
            return .failure(AuditError(.badInput, "\(location()): the last line is cut short (no line feed): a torn record"))
        }
        do throws(AuditError) {
            return .success(try AuditReportRecord(line: line, at: location()))
        } catch {
            return .failure(error)
        }
    }

    /// Reads a record line (without its line feed).
    /// - Throws: ``AuditError`` (`badInput`) naming `location` for a line that is not a record, or
    ///   a field the report reads that does not have its documented type.
    init(line: UnsafeBufferPointer<UInt8>, at location: @autoclosure () -> String) throws(AuditError) {
        try self.init(line: line, scanned: try AuditLineScanner.record(line, at: location()), at: location())
    }

    /// Reads a record line the record scanner has already read (the verifier's pass).
    init(line: UnsafeBufferPointer<UInt8>, scanned: AuditLineScanner.Line, at location: @autoclosure () -> String) throws(AuditError) {
        seq = scanned.seq
        kind = ""
        time = Int.min
        for member in scanned.members {
            let value = UnsafeBufferPointer(rebasing: line[member.valueStart..<member.range.upperBound])
            func fail(_ what: String) -> AuditError {
                AuditError(.badInput, "\(location()): seq \(scanned.seq): `\(member.key)` must be \(what)")
            }
            func need<Value>(_ value: Value?, _ what: String) throws(AuditError) -> Value {
                guard let value else { throw fail(what) }
                return value
            }
            switch member.key {
            case "kind": kind = try need(Self.string(value), "a string")
            case "time":
                guard let text = Self.string(value), let timestamp = Timestamp(rfc3339: text) else { throw fail("an RFC 3339 time") }
                time = timestamp.secondsSinceEpoch
            case "user": user = try need(Self.string(value), "a string")
            case "team": team = try need(Self.string(value), "a string")
            case "session": session = try need(Self.string(value), "a string")
            case "model": model = try need(Self.string(value), "a string")
            case "action": action = try need(Self.string(value), "a string")
            case "outcome": outcome = try need(Self.string(value), "a string")
            case "settlement": settlement = try need(Self.string(value), "a string")
            case "risk_percent": riskPercent = try need(Self.integer(value), "a whole number from 0 to \(Self.largestNumber)")
            case "cost_micros":
                costMicros = try need(Self.integer(value), "a whole number from 0 to \(Self.largestNumber)")
                hasCost = true
            case "tokens_in": tokensIn = try need(Self.integer(value), "a whole number from 0 to \(Self.largestNumber)")
            case "tokens_out": tokensOut = try need(Self.integer(value), "a whole number from 0 to \(Self.largestNumber)")
            case "alerts": alerts = try need(Self.strings(value), "a list of strings")
            case "playbooks": playbooks = try need(Self.strings(value), "a list of strings")
            case "files_modified": filesModified = try need(Self.strings(value), "a list of strings")
            case "erased_identity": identityErased = true
            case "reasons":
                guard case .array(let items, _)? = try? JSONTree.parse(value) else { throw fail("a list of {code, rule}") }
                for item in items {
                    guard case .string(let code, _)? = item.member("code"), case .string(let rule, _)? = item.member("rule") else {
                        throw fail("a list of {code, rule}")
                    }
                    reasons.append(Reason(code: code, rule: rule))
                }
            case "detections":
                guard case .array(let items, _)? = try? JSONTree.parse(value) else { throw fail("a list of detections") }
                for item in items {
                    guard case .string(let type, _)? = item.member("type") else { throw fail("a list of detections with a `type`") }
                    detections.append(type)
                }
            case "policy":
                guard let tree = try? JSONTree.parse(value), case .string(let name, _)? = tree.member("name"),
                      let version = tree.member("version")?.integerValue, case .string(let digest, _)? = tree.member("digest") else {
                    throw fail("{name, version, digest}")
                }
                policy = PolicyIdentity(name: name, version: version, digest: digest)
            default: break
            }
        }
        guard !kind.isEmpty else { throw AuditError(.badInput, "\(location()): seq \(seq): not an audit record: `kind` is missing") }
        guard time != Int.min else { throw AuditError(.badInput, "\(location()): seq \(seq): not an audit record: `time` is missing") }
    }

    /// A string value; without escapes (as almost every value the trail writes) it is taken from
    /// the bytes as they are.
    private static func string(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        guard value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: value[1..<(value.count - 1)])
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        guard case .string(let text, _)? = try? JSONTree.parse(value) else { return nil }
        return text
    }

    /// The largest amount or count a record's number may hold (a trillion: a million dollars in
    /// micro-dollars, a trillion tokens), so that a period's sums cannot overflow before
    /// millions of records each at the limit; larger is not a record this project writes.
    static let largestNumber = 1_000_000_000_000

    /// A whole number written in decimal, from 0 to ``largestNumber``.
    private static func integer(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !value.isEmpty, value.count <= 13 else { return nil }
        var result = 0
        for byte in value {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            result = result * 10 + Int(byte - 0x30)
        }
        return result <= largestNumber ? result : nil
    }

    /// A list of strings.
    private static func strings(_ value: UnsafeBufferPointer<UInt8>) -> [String]? {
        guard case .array(let items, _)? = try? JSONTree.parse(value) else { return nil }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard case .string(let text, _) = item else { return nil }
            result.append(text)
        }
        return result
    }
}
