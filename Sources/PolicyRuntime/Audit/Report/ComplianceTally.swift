/// Adds records up under names while a compliance report is built, then ranks them into a
/// ``ComplianceRanking``.
struct ComplianceTally {
    /// What one name adds up to.
    private struct Entry {
        var count = 0
        var users: Set<String> = []
        var tokensIn = 0
        var tokensOut = 0
        var costMicros = 0
    }

    /// What a ranking orders by, highest first (then the name).
    enum Order {
        case count
        case cost
    }

    private var entries: [String?: Entry] = [:]

    /// Counts one record (or one file modification) under `name`.
    mutating func add(_ name: String?, user: String?, tokensIn: Int = 0, tokensOut: Int = 0, costMicros: Int = 0) {
        Self.update(&entries[name, default: Entry()], user: user, tokensIn: tokensIn, tokensOut: tokensOut, costMicros: costMicros)
    }

    /// One look-up per record: the entry is updated in place.
    private static func update(_ entry: inout Entry, user: String?, tokensIn: Int, tokensOut: Int, costMicros: Int) {
        entry.count += 1
        if let user { entry.users.insert(user) }
        entry.tokensIn += tokensIn
        entry.tokensOut += tokensOut
        entry.costMicros += costMicros
    }

    /// The entries ranked by `order`, the first `top` kept (all when `top` is nil) and the rest
    /// added up; ties go by name (a missing name last), so that the ranking is the same every run.
    func ranked(by order: Order, top: Int?) -> ComplianceRanking {
        func metric(_ entry: Entry) -> (Int, Int) {
            order == .cost ? (entry.costMicros, entry.count) : (entry.count, entry.costMicros)
        }
        let sorted = entries.sorted { left, right in
            let (a, b) = (metric(left.value), metric(right.value))
            if a != b { return a > b }
            switch (left.key, right.key) {
            case let (l?, r?): return l.utf8.lexicographicallyPrecedes(r.utf8)
            case (nil, _): return false
            case (_, nil): return true
            }
        }
        let kept = top.map { min($0, sorted.count) } ?? sorted.count
        func row(_ name: String?, _ entry: Entry) -> ComplianceRow {
            ComplianceRow(name: name, count: entry.count, users: entry.users.count, tokensIn: entry.tokensIn, tokensOut: entry.tokensOut,
                          costMicros: entry.costMicros)
        }
        var others: ComplianceRow?
        if kept < sorted.count {
            var rest = Entry()
            for (_, entry) in sorted[kept...] {
                rest.count += entry.count
                rest.users.formUnion(entry.users)
                rest.tokensIn += entry.tokensIn
                rest.tokensOut += entry.tokensOut
                rest.costMicros += entry.costMicros
            }
            others = row(nil, rest)
        }
        return ComplianceRanking(rows: sorted[..<kept].map { row($0.key, $0.value) }, entries: sorted.count, others: others)
    }
}
