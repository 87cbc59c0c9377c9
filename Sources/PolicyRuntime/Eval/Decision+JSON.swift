/// The decision's JSON form (one line, fixed key order), written byte by byte: decisions are
/// produced at request rate, so this avoids Foundation's encoder.
extension Decision {
    /// The decision as one line of JSON (no trailing newline).
    public var json: String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// The decision as JSON bytes, appended to `out` (for writers that reuse one buffer).
    public func writeJSON(into out: inout [UInt8]) {
        JSONWriter.raw(#"{"decision":""#, into: &out)
        out.append(contentsOf: outcome.rawValue.utf8)
        JSONWriter.raw(#"","reasons":"#, into: &out)
        JSONWriter.objects(reasons, into: &out) { reason, out in
            JSONWriter.field("code", reason.code.rawValue, into: &out, first: true)
            JSONWriter.field("rule", reason.rule, into: &out)
            JSONWriter.field("message", reason.message, into: &out)
            JSONWriter.field("source", reason.source, into: &out)
        }
        JSONWriter.raw(#","alerts":"#, into: &out)
        JSONWriter.objects(alerts, into: &out) { alert, out in
            JSONWriter.field("name", alert.name, into: &out, first: true)
            JSONWriter.field("severity", alert.severity.rawValue, into: &out)
            JSONWriter.raw(#","actions":"#, into: &out)
            JSONWriter.strings(alert.actions, into: &out)
        }
        JSONWriter.raw(#","detections":"#, into: &out)
        JSONWriter.objects(detections, into: &out) { detection, out in
            JSONWriter.field("type", detection.type, into: &out, first: true)
            JSONWriter.field("field", detection.field, into: &out)
            if let message = detection.message {
                JSONWriter.raw(#","message":"#, into: &out)
                JSONWriter.integer(message, into: &out)
            }
            if let part = detection.part {
                JSONWriter.raw(#","part":"#, into: &out)
                JSONWriter.integer(part, into: &out)
            }
            JSONWriter.raw(#","start":"#, into: &out)
            JSONWriter.integer(detection.start, into: &out)
            JSONWriter.raw(#","end":"#, into: &out)
            JSONWriter.integer(detection.end, into: &out)
            if let family = detection.family { JSONWriter.field("family", family, into: &out) }
        }
        JSONWriter.raw(#","approvals":"#, into: &out)
        JSONWriter.strings(approvals, into: &out)
        JSONWriter.raw(#","audit_level":"#, into: &out)
        JSONWriter.string(auditLevel.rawValue, into: &out)
        JSONWriter.raw(#","playbooks":"#, into: &out)
        JSONWriter.objects(playbooks, into: &out) { playbook, out in
            JSONWriter.field("name", playbook.name, into: &out, first: true)
            JSONWriter.raw(#","actions":"#, into: &out)
            JSONWriter.strings(playbook.actions, into: &out)
        }
        if let redactedPrompt {
            JSONWriter.raw(#","redacted_prompt":"#, into: &out)
            JSONWriter.string(redactedPrompt, into: &out)
        }
        JSONWriter.raw(#","risk_score":"#, into: &out)
        let clamped = min(100, max(0, riskPercent))
        JSONWriter.integer(clamped / 100, into: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(clamped % 100 / 10))
        out.append(UInt8(ascii: "0") + UInt8(clamped % 10))
        if let retryAfterSeconds {
            JSONWriter.raw(#","retry_after_seconds":"#, into: &out)
            JSONWriter.integer(retryAfterSeconds, into: &out)
        }
        if let usage {
            JSONWriter.raw(#","usage":"#, into: &out)
            usage.writeJSON(into: &out)
        }
        JSONWriter.raw(#","policy":{"name":"#, into: &out)
        JSONWriter.string(policy.name, into: &out)
        JSONWriter.raw(#","version":"#, into: &out)
        JSONWriter.integer(policy.version, into: &out)
        JSONWriter.raw(#","digest":"#, into: &out)
        JSONWriter.string(policy.digest, into: &out)
        JSONWriter.raw("}}", into: &out)
    }

    /// The decision as JSON bytes.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writeJSON(into: &out)
        return out
    }
}

extension UsageSummary {
    /// `{"cost":…,"reserved":…,"budgets":[…],"rate_limits":[…]}`, with `settlement` and
    /// `store_unavailable` only when they apply.
    func writeJSON(into out: inout [UInt8]) {
        JSONWriter.raw(#"{"cost":"#, into: &out)
        JSONWriter.integer(cost, into: &out)
        JSONWriter.raw(#","reserved":"#, into: &out)
        JSONWriter.integer(reserved, into: &out)
        JSONWriter.raw(#","budgets":"#, into: &out)
        JSONWriter.objects(budgets, into: &out) { $0.writeJSON(into: &$1) }
        JSONWriter.raw(#","rate_limits":"#, into: &out)
        JSONWriter.objects(rateLimits, into: &out) { $0.writeJSON(into: &$1) }
        if let settlement { JSONWriter.field("settlement", settlement.rawValue, into: &out) }
        if storeUnavailable { JSONWriter.raw(#","store_unavailable":true"#, into: &out) }
        out.append(UInt8(ascii: "}"))
    }
}

extension MeterStatus {
    /// The members of one budget's or rate limit's object.
    func writeJSON(into out: inout [UInt8]) {
        JSONWriter.field("name", name, into: &out, first: true)
        JSONWriter.field("scope", scope.rawValue, into: &out)
        JSONWriter.field("key", key, into: &out)
        JSONWriter.field("unit", unit.rawValue, into: &out)
        JSONWriter.raw(#","used":"#, into: &out)
        JSONWriter.integer(used, into: &out)
        JSONWriter.raw(#","limit":"#, into: &out)
        JSONWriter.integer(limit, into: &out)
        JSONWriter.raw(#","remaining":"#, into: &out)
        JSONWriter.integer(remaining, into: &out)
        JSONWriter.raw(#","period_end":"#, into: &out)
        if let periodEnd {
            JSONWriter.string(Timestamp(secondsSinceEpoch: periodEnd).rfc3339, into: &out)
        } else {
            JSONWriter.raw("null", into: &out)
        }
    }
}

/// Small helpers for writing JSON by hand; the compiler's diagnostics use them too.
package enum JSONWriter {
    /// A JSON string literal, escaping quotes, backslashes and control characters.
    package static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (names, codes, digests) need no escaping: copy them in one go.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): JSONWriter.raw(#"\""#, into: &out)
            case UInt8(ascii: "\\"): JSONWriter.raw(#"\\"#, into: &out)
            case 0x0A: JSONWriter.raw(#"\n"#, into: &out)
            case 0x0D: JSONWriter.raw(#"\r"#, into: &out)
            case 0x09: JSONWriter.raw(#"\t"#, into: &out)
            case 0x00..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                JSONWriter.raw(#"\u00"#, into: &out)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal.
    package static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        string(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a literal's bytes in one copy (appending a `String`'s UTF-8 view goes byte by byte).
    @inline(__always)
    static func raw(_ literal: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON array of objects, each written by `body` between its braces.
    static func objects<Item>(_ items: [Item], into out: inout [UInt8], _ body: (Item, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            body(item, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `"name":"value"`, preceded by a comma unless it is the object's first field.
    static func field(_ name: StaticString, _ value: String, into out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        JSONWriter.raw(#"":"#, into: &out)
        string(value, into: &out)
    }

    /// A JSON array of strings.
    static func strings(_ items: [String], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(item, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A decimal integer.
    static func integer(_ value: Int, into out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }
}

extension Decision {
    /// The decision's JSON with `explain`: the checks, rules, alerts and playbooks evaluated
    /// (`policyc eval --explain`, `POST /v1/decide?explain=true`), as one object.
    public func jsonBytes(explaining explanations: [Plan.Explanation]) -> [UInt8] {
        var out = jsonBytes()
        out.removeLast()  // the closing brace; the explanation joins the object
        out.append(contentsOf: #","explain":["#.utf8)
        for (index, explanation) in explanations.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            explanation.writeJSON(into: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
