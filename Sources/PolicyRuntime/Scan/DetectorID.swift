/// Built-in detectors by index into ``DetectorCatalog/entries`` (same order; a test checks it).
enum DetectorID: Int, CaseIterable, Sendable {
    case email, phone, ssn, creditCard, iban
    case ipAddress, internalURL
    case awsAccessKey, githubToken, privateKey, jwt, connectionString, apiKey, password
    case instructionOverride, jailbreak, hiddenText

    /// The detector's category, which gives its findings' risk weight.
    var category: DetectorCategory {
        switch self {
        case .email, .phone, .ssn, .creditCard, .iban: return .pii
        case .ipAddress, .internalURL: return .network
        case .awsAccessKey, .githubToken, .privateKey, .jwt, .connectionString, .apiKey, .password: return .secret
        case .instructionOverride, .jailbreak, .hiddenText: return .injection
        }
    }
}

/// One finding: which detector, where (byte offsets into the scanned text), and for detectors
/// that recognise several formats, which one (`gitlab_pat`, `authorization_header`): the
/// decision reports it as the detection's `family`.
struct Finding: Sendable, Equatable {
    let detector: DetectorID
    let start: Int
    let end: Int
    /// The format's name, from the table that defines it (a string literal: no allocation).
    let family: String?

    init(detector: DetectorID, start: Int, end: Int, family: String? = nil) {
        self.detector = detector
        self.start = start
        self.end = end
        self.family = family
    }

    /// `items` with the findings of one detector that overlap within a group merged into the
    /// first (its start and family, the furthest end): a key inside a URL found twice, a
    /// message's finding found joined and part by part.
    /// - Complexity: O(n); `items` is sorted by group, then start.
    static func mergingOverlaps<Item>(_ items: [Item], finding: (Item) -> Finding, sameGroup: (Item, Item) -> Bool,
                                      replacing: (Item, Finding) -> Item) -> [Item] {
        var merged: [Item] = []
        merged.reserveCapacity(items.count)
        var lastOf = [Int](repeating: -1, count: DetectorID.allCases.count)
        for item in items {
            if let previous = merged.last, !sameGroup(previous, item) {
                for index in lastOf.indices { lastOf[index] = -1 }
            }
            let next = finding(item)
            let last = lastOf[next.detector.rawValue]
            if last >= 0, finding(merged[last]).end > next.start {
                let kept = finding(merged[last])
                if kept.end < next.end {
                    merged[last] = replacing(merged[last], Finding(detector: kept.detector, start: kept.start, end: next.end, family: kept.family))
                }
                continue
            }
            lastOf[next.detector.rawValue] = merged.count
            merged.append(item)
        }
        return merged
    }
}
