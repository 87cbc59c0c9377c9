/// Everything a policy would find in a text, for authors trying patterns (`policyc match`).
extension Plan {
    /// One thing found in a text.
    public struct TextMatch: Sendable, Equatable {
        /// Byte offset of the first byte.
        public var start: Int
        /// Byte offset just past the last byte.
        public var end: Int
        /// `detector`, `pattern` (a pattern list) or `blocked` (a role's blocked pattern).
        public var kind: String
        /// The detector (`pii.email`), the pattern list or the role.
        public var name: String
    }

    /// Every detector finding, every pattern-list hit (literals and regexes) and every role's
    /// blocked-pattern hit in `text`, ordered by start, end, kind and name. Unlike
    /// ``evaluate(_:)`` this runs every detector, used by a condition or not.
    public func matches(in text: [UInt8]) -> [TextMatch] {
        var found: [TextMatch] = []
        text.withUnsafeBufferPointer { buffer in
            let all = BitSet(capacity: DetectorCatalog.entries.count, members: DetectorCatalog.entries.indices)
            for finding in detectorScanner.scan(buffer, enabled: all) {
                found.append(TextMatch(start: finding.start, end: finding.end, kind: "detector",
                                       name: DetectorCatalog.entries[finding.detector.rawValue].name))
            }
            func listHit(_ literal: Int, _ start: Int, _ end: Int) {
                for list in literalLists[literal] {
                    found.append(TextMatch(start: start, end: end, kind: "pattern", name: compiled.patterns[list].name))
                }
            }
            literals.scan(buffer) { literal, start, end in
                listHit(literal, start, end)
                return true
            }
            for (regex, slot) in zip(listRegexes, listRegexSlots) {
                regex.forEachMatch(in: buffer) { start, end in
                    listHit(slot, start, end)
                    return true
                }
            }
            for role in roles {
                role.blockedMatcher.map { roleMatchers[$0] }?.scan(buffer) { _, start, end in
                    found.append(TextMatch(start: start, end: end, kind: "blocked", name: role.name))
                    return true
                }
                for regex in role.blockedRegexes {
                    regex.forEachMatch(in: buffer) { start, end in
                        found.append(TextMatch(start: start, end: end, kind: "blocked", name: role.name))
                        return true
                    }
                }
            }
        }
        return found.sorted { ($0.start, $0.end, $0.kind, $0.name) < ($1.start, $1.end, $1.kind, $1.name) }
    }
}
