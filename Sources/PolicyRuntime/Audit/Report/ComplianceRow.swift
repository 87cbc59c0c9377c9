/// One row of a compliance report's ranked lists: a name (a user, team, model, file, reason
/// code…) and what the period's records under it add up to.
public struct ComplianceRow: Sendable, Equatable {
    /// The name; nil for records without one (no team given, or an identity erased).
    public var name: String?
    /// Records counted (for files: modifications).
    public var count: Int
    /// Distinct users among them (erased identities not counted).
    public var users: Int
    /// Input tokens of the spend they count.
    public var tokensIn: Int
    /// Output tokens of the spend they count.
    public var tokensOut: Int
    /// Their spend, in micro-dollars.
    public var costMicros: Int

    /// Creates a row.
    public init(name: String?, count: Int, users: Int, tokensIn: Int = 0, tokensOut: Int = 0, costMicros: Int = 0) {
        self.name = name
        self.count = count
        self.users = users
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.costMicros = costMicros
    }
}

/// A ranked list cut at the report's `top`: the rows kept and what the rest add up to, so that
/// every format shows the same numbers and the rows with the rest always add up to the total.
public struct ComplianceRanking: Sendable, Equatable {
    /// The first rows, highest first.
    public var rows: [ComplianceRow]
    /// How many entries were ranked in all.
    public var entries: Int
    /// The entries after ``rows``, added up (no name); nil when there are none.
    public var others: ComplianceRow?

    /// Creates a ranking.
    public init(rows: [ComplianceRow], entries: Int, others: ComplianceRow?) {
        self.rows = rows
        self.entries = entries
        self.others = others
    }
}
