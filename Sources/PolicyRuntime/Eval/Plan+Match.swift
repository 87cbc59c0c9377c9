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
        text.withUnsafeBufferPointer { original in NormalizedText.withView(of: original) { buffer, normalized in
            let all = BitSet(capacity: DetectorCatalog.entries.count, members: DetectorCatalog.entries.indices)
            func place(_ start: Int, _ end: Int) -> (Int, Int) { normalized?.original(start, end) ?? (start, end) }
            for finding in detectorScanner.scan(buffer, original: normalized == nil ? nil : original, enabled: all, place: place) {
                found.append(TextMatch(start: finding.start, end: finding.end, kind: "detector",
                                       name: DetectorCatalog.entries[finding.detector.rawValue].name))
            }
            func listHit(_ literal: Int, _ start: Int, _ end: Int) {
                let (from, to) = place(start, end)
                if let type = slotTypes[literal] { found.append(TextMatch(start: from, end: to, kind: "detector", name: type)) }
                for list in literalLists[literal] {
                    found.append(TextMatch(start: from, end: to, kind: "pattern", name: compiled.patterns[list].name))
                }
            }
            func blocked(_ role: PlannedRole, _ start: Int, _ end: Int) -> Bool {
                let (from, to) = place(start, end)
                found.append(TextMatch(start: from, end: to, kind: "blocked", name: role.name))
                return true
            }
            literals.scan(buffer) { literal, start, end in
                listHit(literal, start, end)
                return true
            }
            for (index, regex) in listRegexes.enumerated() {
                regex.forEachMatch(in: buffer) { start, end in
                    if let validation = regexValidations[index], !validation.accepts(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
                        return true
                    }
                    listHit(listRegexSlots[index], start, end)
                    return true
                }
            }
            for role in roles {
                role.blockedMatcher.map { roleMatchers[$0] }?.scan(buffer) { _, start, end in blocked(role, start, end) }
                for regex in role.blockedRegexes { regex.forEachMatch(in: buffer) { blocked(role, $0, $1) } }
            }
        } }
        return found.sorted { ($0.start, $0.end, $0.kind, $0.name) < ($1.start, $1.end, $1.kind, $1.name) }
    }
}
