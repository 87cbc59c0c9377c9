/// The decision's JSON form (one line, fixed key order), written byte by byte: decisions are
/// produced at request rate, so this avoids Foundation's encoder.
extension Decision {
    /// The decision as one line of JSON (no trailing newline).
    public var json: String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// The decision as JSON bytes, appended to `out` (for writers that reuse one buffer).
    public func writeJSON(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"decision":""#.utf8)
        out.append(contentsOf: outcome.rawValue.utf8)
        out.append(contentsOf: #"","reasons":["#.utf8)
        for (index, reason) in reasons.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"code":"#.utf8)
            JSONWriter.string(reason.code, into: &out)
            out.append(contentsOf: #","rule":"#.utf8)
            JSONWriter.string(reason.rule, into: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONWriter.string(reason.message, into: &out)
            out.append(contentsOf: #","source":"#.utf8)
            JSONWriter.string(reason.source, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"alerts":["#.utf8)
        for (index, alert) in alerts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            JSONWriter.string(alert.name, into: &out)
            out.append(contentsOf: #","severity":"#.utf8)
            JSONWriter.string(alert.severity, into: &out)
            out.append(contentsOf: #","actions":"#.utf8)
            JSONWriter.strings(alert.actions, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"detections":["#.utf8)
        for (index, detection) in detections.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"type":"#.utf8)
            JSONWriter.string(detection.type, into: &out)
            out.append(contentsOf: #","field":"#.utf8)
            JSONWriter.string(detection.field, into: &out)
            if let message = detection.message {
                out.append(contentsOf: #","message":"#.utf8)
                JSONWriter.integer(message, into: &out)
            }
            out.append(contentsOf: #","start":"#.utf8)
            JSONWriter.integer(detection.start, into: &out)
            out.append(contentsOf: #","end":"#.utf8)
            JSONWriter.integer(detection.end, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"approvals":"#.utf8)
        JSONWriter.strings(approvals, into: &out)
        out.append(contentsOf: #","audit_level":"#.utf8)
        JSONWriter.string(auditLevel, into: &out)
        out.append(contentsOf: #","playbooks":["#.utf8)
        for (index, playbook) in playbooks.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            JSONWriter.string(playbook.name, into: &out)
            out.append(contentsOf: #","actions":"#.utf8)
            JSONWriter.strings(playbook.actions, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let redactedPrompt {
            out.append(contentsOf: #","redacted_prompt":"#.utf8)
            JSONWriter.string(redactedPrompt, into: &out)
        }
        out.append(contentsOf: #","risk_score":"#.utf8)
        let clamped = min(100, max(0, riskPercent))
        JSONWriter.integer(clamped / 100, into: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(clamped % 100 / 10))
        out.append(UInt8(ascii: "0") + UInt8(clamped % 10))
        out.append(contentsOf: #","policy":{"name":"#.utf8)
        JSONWriter.string(policy.name, into: &out)
        out.append(contentsOf: #","version":"#.utf8)
        JSONWriter.integer(policy.version, into: &out)
        out.append(contentsOf: #","digest":"#.utf8)
        JSONWriter.string(policy.digest, into: &out)
        out.append(contentsOf: "}}".utf8)
    }

    /// The decision as JSON bytes.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writeJSON(into: &out)
        return out
    }
}

/// Small helpers for writing JSON by hand.
enum JSONWriter {
    /// A JSON string literal, escaping quotes, backslashes and control characters.
    static func string(_ text: String, into out: inout [UInt8]) {
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
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
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
