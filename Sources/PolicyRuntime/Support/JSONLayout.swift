/// Re-lays compact JSON text in the canonical layout: two-space indentation, `"key": value`,
/// empty containers as `[]` and `{}`, one value per line, a final newline.
///
/// Works on the bytes of a compact document (as `JSONEncoder` writes it without
/// `.prettyPrinted`) and never touches the contents of strings, so it cannot change a value.
public enum JSONLayout {
    /// The canonical layout of a compact JSON document.
    /// - Complexity: O(n) in the document's size.
    public static func indent(_ compact: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count * 2)
        var depth = 0
        var index = 0
        let count = compact.count
        func newline() {
            out.append(0x0A)
            for _ in 0..<depth { out.append(0x20); out.append(0x20) }
        }
        while index < count {
            let byte = compact[index]
            switch byte {
            case UInt8(ascii: "\""):
                // Copy the string verbatim, escapes included.
                out.append(byte)
                index += 1
                while index < count {
                    let inner = compact[index]
                    out.append(inner)
                    index += 1
                    if inner == UInt8(ascii: "\\"), index < count {
                        out.append(compact[index])
                        index += 1
                    } else if inner == UInt8(ascii: "\"") {
                        break
                    }
                }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if index + 1 < count, compact[index + 1] == closing {
                    out.append(byte)
                    out.append(closing)
                    index += 2
                    continue
                }
                out.append(byte)
                depth += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(byte)
                out.append(0x20)
            case 0x20, 0x0A, 0x0D, 0x09:
                break  // insignificant white space outside strings
            default:
                out.append(byte)
            }
            index += 1
        }
        out.append(0x0A)
        return out
    }
}
