/// "Did you mean" by edit distance, as Cedar and rustc do: for the checker's diagnostics, and
/// for unknown keys in compiled documents and requests.
public enum Suggestion {
    /// The candidate closest to `name`, if it is close enough to be a plausible typo:
    /// distance at most a third of the name's length (at least 1), ties broken by candidate order.
    public static func closest<Candidates: Sequence>(to name: String, in candidates: Candidates) -> String?
    where Candidates.Element == String {
        let target = Array(name.lowercased().utf8)
        let allowed = max(1, target.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(target, Array(candidate.lowercased().utf8), cap: allowed)
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// `help:` text for a suggestion, or nil.
    public static func help<Candidates: Sequence>(for name: String, in candidates: Candidates) -> String?
    where Candidates.Element == String {
        closest(to: name, in: candidates).map { helpPrefix + $0 + helpSuffix }
    }

    /// The candidate a ``help(for:in:)`` text suggests, nil for any other help (the editor's
    /// quick fix reads it back).
    public static func suggested(inHelp help: String) -> String? {
        guard help.hasPrefix(helpPrefix), help.hasSuffix(helpSuffix), help.count > helpPrefix.count + helpSuffix.count else { return nil }
        let name = help.dropFirst(helpPrefix.count).dropLast(helpSuffix.count)
        return name.contains("`") ? nil : String(name)
    }

    private static let helpPrefix = "did you mean `"
    private static let helpSuffix = "`?"

    /// Optimal-string-alignment distance (a transposition counts as one edit), stopping early
    /// once every path exceeds `cap`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], cap: Int) -> Int {
        if abs(a.count - b.count) > cap { return cap + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > cap { return cap + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
