/// How serious an alert or incident is, least to most severe.
public enum AlertSeverity: String, ClosedVocabulary, Comparable {
    case low, medium, high, critical

    /// `severity`
    public static let vocabularyName = "severity"

    /// Ordered by seriousness.
    public static func < (left: AlertSeverity, right: AlertSeverity) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}
