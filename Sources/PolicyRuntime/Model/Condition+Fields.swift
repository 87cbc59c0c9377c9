/// The fields a condition reads: what decides a rule's stage, whether metering must read the
/// store for `budget.*`, and what lint checks look at.
extension Condition {
    /// Every field path the condition reads.
    public var fields: [String] {
        switch self {
        case .constant: return []
        case .all(let parts), .any(let parts): return parts.flatMap(\.fields)
        case .not(let part): return part.fields
        case .compare(let field, _, _), .oneOf(let field, _), .includes(let field, _), .textContains(let field, _, _),
             .has(let field, _, _, _), .isTrue(let field):
            return [field]
        }
    }
}
