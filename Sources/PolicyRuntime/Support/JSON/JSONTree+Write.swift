/// Writing a ``JSONTree`` as text, in the two forms the compiled document uses.
///
/// Both sort object keys by their UTF-16 code units and escape strings the same way, as
/// RFC 8785 (the JSON Canonicalization Scheme) prescribes: `\"`, `\\`, `\b \t \n \f \r`, other
/// control characters as `\u00xx` in lower-case hex, everything else as its UTF-8 bytes. Numbers
/// are written as they were read, except that whole numbers are normalized (`-0` is `0`): for the
/// integers the compiled document holds (at most 2^53 − 1 in magnitude) that is RFC 8785's form;
/// fractions and larger numbers are not in it, and the document loader refuses them.
extension JSONTree {
    /// The RFC 8785 form: no white space at all. The document digest and signature are computed
    /// over these bytes, so any language with an RFC 8785 library can recompute them.
    public func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .object(let members, _):
            out.append(UInt8(ascii: "{"))
            for (position, member) in JSONTree.sorted(members).enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONTree.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items, _):
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            writeScalar(into: &out)
        }
    }

    /// The RFC 8785 form as a new byte array.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        writeCanonical(into: &out)
        return out
    }

    /// The indented layout (``writeIndented(into:)``) as a new byte array.
    public var indentedBytes: [UInt8] {
        var out: [UInt8] = []
        writeIndented(into: &out)
        return out
    }

    /// The layout of a compiled document file: the canonical form with two-space indentation,
    /// `"key": value`, one value per line, empty containers as `[]` and `{}`, and a final newline.
    public func writeIndented(into out: inout [UInt8]) {
        writeIndented(into: &out, depth: 0)
        out.append(0x0A)
    }

    private func writeIndented(into out: inout [UInt8], depth: Int) {
        func newline(_ depth: Int) {
            out.append(0x0A)
            for _ in 0..<depth { out.append(0x20); out.append(0x20) }
        }
        switch self {
        case .object(let members, _):
            guard !members.isEmpty else { return out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) }
            out.append(UInt8(ascii: "{"))
            for (position, member) in JSONTree.sorted(members).enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                JSONTree.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(0x20)
                member.value.writeIndented(into: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        case .array(let items, _):
            guard !items.isEmpty else { return out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")]) }
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                item.writeIndented(into: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        default:
            writeScalar(into: &out)
        }
    }

    private func writeScalar(into out: inout [UInt8]) {
        switch self {
        case .string(let text, _): JSONTree.writeString(text, into: &out)
        case .number(let text, _): out.append(contentsOf: (Int(text).map(String.init) ?? text).utf8)
        case .bool(let flag, _): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .object, .array: break
        }
    }

    /// Members in RFC 8785 order: by the keys' UTF-16 code units. Already-sorted members (what
    /// the compiler builds) are returned as they are.
    static func sorted(_ members: [Member]) -> [Member] {
        var inOrder = true
        for position in members.indices.dropFirst() where !precedes(members[position - 1].key, members[position].key) {
            inOrder = false
            break
        }
        return inOrder ? members : members.sorted { precedes($0.key, $1.key) }
    }

    /// Whether `left` sorts before `right` by UTF-16 code units. UTF-8 bytes sort the same way up
    /// to the first difference when that difference is in ASCII, which it is for every key of a
    /// compiled document; anything else is compared in UTF-16 as RFC 8785 says.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left, right = right
        let decided: Bool? = left.withUTF8 { a in
            right.withUTF8 { b in
                let count = min(a.count, b.count)
                var index = 0
                while index < count, a[index] == b[index] { index += 1 }
                if index == count { return a.count < b.count }
                guard a[index] < 0x80, b[index] < 0x80 else { return nil }
                return a[index] < b[index]
            }
        }
        return decided ?? left.utf16.lexicographicallyPrecedes(right.utf16)
    }

    /// Whether two strings have the same UTF-8 bytes (Swift's `==` also equates canonically
    /// equivalent spellings, which other JSON readers keep apart).
    static func sameBytes(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        var left = left, right = right
        return left.withUTF8 { a in right.withUTF8 { b in a.elementsEqual(b) } }
    }

    /// A string literal with RFC 8785's escapes.
    package static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for (position, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                runStart = position + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22, 0x5C: out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
