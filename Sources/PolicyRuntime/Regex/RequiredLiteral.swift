/// The literal every match of a pattern contains, if there is a useful one: `CUST-` in
/// `CUST-[0-9]{6}`. A text without it cannot match, so the search is skipped after one fast
/// literal scan — most prompts contain none of a policy's patterns.
///
/// Strings are ASCII-folded (lower case), since the literal matcher that looks for them matches
/// ASCII letters without regard to case: for a case-sensitive pattern that finds a superset of
/// the places a match can be, which is all a prefilter needs.
extension RegexNode {
    /// Literals shorter than this filter too little to be worth a pass.
    static let minimumRequiredLiteral = 3

    /// The longest literal found in every match by the rules below, or nil.
    var requiredLiteral: [UInt8]? {
        let info = literalInfo()
        let best = info.exact ?? info.required
        return best.flatMap { $0.count >= RegexNode.minimumRequiredLiteral ? $0 : nil }
    }

    /// `exact`: every match is this string (folded); `required`: every match contains it.
    private func literalInfo() -> (exact: [UInt8]?, required: [UInt8]?) {
        switch self {
        case .empty, .assertion:
            return ([], nil)
        case .scalars(let set):
            return (RegexNode.singleFolded(set), nil)
        case .concat(let items):
            var run: [UInt8] = []
            var best: [UInt8]?
            var allExact = true
            func consider(_ candidate: [UInt8]?) {
                if let candidate, candidate.count > (best?.count ?? 0) { best = candidate }
            }
            for item in items {
                let info = item.literalInfo()
                if let exact = info.exact {
                    run += exact
                } else {
                    allExact = false
                    consider(run)
                    run = []
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
            if let exact = info.exact, maximum == minimum, exact.count * minimum <= 64 {
                return (Array([[UInt8]](repeating: exact, count: minimum).joined()), nil)
            }
            return (nil, info.exact ?? info.required)
        }
    }

    /// The folded bytes of a set that is one scalar, or an ASCII letter and its other case.
    private static func singleFolded(_ set: ScalarSet) -> [UInt8]? {
        let ranges = set.ranges
        if ranges.count == 1, ranges[0].count == 1, let scalar = Unicode.Scalar(ranges[0].lowerBound) {
            return Array(String(scalar).utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        }
        if ranges.count == 2, ranges[0].count == 1, ranges[1].count == 1 {
            let upper = ranges[0].lowerBound
            let lower = ranges[1].lowerBound
            if upper >= 0x41, upper <= 0x5A, lower == upper + 32 { return [UInt8(lower)] }
        }
        return nil
    }
}
