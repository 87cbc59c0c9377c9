// libFuzzer target: the regex parser, compiler and matcher on arbitrary bytes (the first line
// is the pattern, the rest the text). Built by scripts/fuzz.sh; not part of `swift test`.
import PolicyRuntime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let pattern = String(decoding: bytes[..<split], as: UTF8.self)
    let text = split < bytes.count ? Array(bytes[(split + 1)...]) : []
    for caseInsensitive in [false, true] {
        guard let regex = try? LinearRegex(pattern, caseInsensitive: caseInsensitive) else { return 0 }
        // Matches are in bounds, ordered, and do not overlap; an empty match never repeats.
        var last = -1
        var lastWasEmpty = false
        for match in regex.matches(in: text) {
            guard match.lowerBound >= 0, match.upperBound <= text.count, match.lowerBound >= max(last, 0),
                  !(lastWasEmpty && match.lowerBound == last && match.isEmpty) else {
                fatalError("bad match \(match) after \(last) in \(text.count) bytes")
            }
            if match.isEmpty, !regex.matchesEmpty { fatalError("empty match from a pattern that cannot match empty") }
            last = match.upperBound
            lastWasEmpty = match.isEmpty
        }
    }
    return 0
}
