/// The literal every match of a pattern contains, if there is a useful one: `CUST-` in
/// `CUST-[0-9]{6}`. A text without it cannot match, so the search is skipped after one fast
/// literal scan — most prompts contain none of a policy's patterns.
///
/// Strings are ASCII-folded (lower case), since the literal matcher that looks for them matches
/// ASCII letters without regard to case: for a case-sensitive pattern that finds a superset of
/// the places a match can be, which is all a prefilter needs.
///
/// Under `i`, `k` and `s` also match U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S
/// (their case orbits), which an ASCII-folding scan does not find. Such a letter still counts
/// (else `/CUST-[0-9]{6}/i` would have no literal), and the literal says so: a text that holds
/// either scalar must then be searched whether or not the literal turned up.
struct RequiredLiteral: Equatable {
    /// The folded bytes.
    var bytes: [UInt8]
    /// Whether a match may spell a `k` or `s` of it as U+212A or U+017F.
    var hasNonASCIICaseForms: Bool

    static let empty = RequiredLiteral(bytes: [], hasNonASCIICaseForms: false)

    static func + (left: RequiredLiteral, right: RequiredLiteral) -> RequiredLiteral {
        RequiredLiteral(bytes: left.bytes + right.bytes, hasNonASCIICaseForms: left.hasNonASCIICaseForms || right.hasNonASCIICaseForms)
    }

    /// Whether a text holds U+212A or U+017F (UTF-8 `E2 84 AA`, `C5 BF`): the only scalars outside
    /// ASCII whose case orbit holds an ASCII letter (a test checks this against the table).
    /// - Complexity: O(n), eight bytes at a time over ASCII.
    static func containsNonASCIICaseForms(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        var index = 0
        while index + 8 <= text.count {
            if UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index + 1 < text.count {
            let byte = text[index]
            if byte == 0xC5, text[index + 1] == 0xBF { return true }
            if byte == 0xE2, index + 2 < text.count, text[index + 1] == 0x84, text[index + 2] == 0xAA { return true }
            index += 1
        }
        return false
    }
}

extension RegexNode {
    /// Literals shorter than this filter too little to be worth a pass.
    static let minimumRequiredLiteral = 3

    /// The longest literal found in every match by the rules below, or nil.
    var requiredLiteral: RequiredLiteral? {
        let info = literalInfo()
        let best = info.exact ?? info.required
        return best.flatMap { $0.bytes.count >= RegexNode.minimumRequiredLiteral ? $0 : nil }
    }

    /// `exact`: every match is this string (folded); `required`: every match contains it.
    private func literalInfo() -> (exact: RequiredLiteral?, required: RequiredLiteral?) {
        switch self {
        case .empty, .assertion:
            return (.empty, nil)
        case .scalars(let set):
            return (RegexNode.singleFolded(set), nil)
        case .concat(let items):
            var run = RequiredLiteral.empty
            var best: RequiredLiteral?
            var allExact = true
            func consider(_ candidate: RequiredLiteral?) {
                if let candidate, candidate.bytes.count > (best?.bytes.count ?? 0) { best = candidate }
            }
            for item in items {
                let info = item.literalInfo()
                if let exact = info.exact {
                    run = run + exact
                } else {
                    allExact = false
                    consider(run)
                    run = .empty
                    consider(info.required)
                }
            }
            consider(run)
            return (allExact ? run : nil, best)
        case .alternate(let branches):
            let exacts = branches.map { $0.literalInfo().exact }
            if let first = exacts.first ?? nil, exacts.allSatisfy({ $0 == first }) { return (first, nil) }
            return (nil, nil)
        case .repetition(let body, let minimum, let maximum, _):
            guard minimum >= 1 else { return (nil, nil) }
            let info = body.literalInfo()
            if let exact = info.exact, maximum == minimum, exact.bytes.count * minimum <= 64 {
                return (RequiredLiteral(bytes: Array([[UInt8]](repeating: exact.bytes, count: minimum).joined()),
                                        hasNonASCIICaseForms: exact.hasNonASCIICaseForms), nil)
            }
            return (nil, info.exact ?? info.required)
        }
    }

    /// The folded bytes of a set that is one scalar, or an ASCII letter and the rest of its case
    /// orbit (`K k`, or under `i` `K k` and U+212A).
    private static func singleFolded(_ set: ScalarSet) -> RequiredLiteral? {
        let ranges = set.ranges
        if ranges.count == 1, ranges[0].count == 1, let scalar = Unicode.Scalar(ranges[0].lowerBound) {
            return RequiredLiteral(bytes: Array(String(scalar).utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 },
                                   hasNonASCIICaseForms: false)
        }
        guard ranges.count >= 2, ranges[0].count == 1, ranges[1].count == 1 else { return nil }
        let upper = ranges[0].lowerBound
        guard upper >= 0x41, upper <= 0x5A, ranges[1].lowerBound == upper + 32 else { return nil }
        if ranges.count == 2 { return RequiredLiteral(bytes: [UInt8(upper + 32)], hasNonASCIICaseForms: false) }
        guard set == ScalarSet([upper...upper]).caseFolded() else { return nil }
        return RequiredLiteral(bytes: [UInt8(upper + 32)], hasNonASCIICaseForms: true)
    }
}
