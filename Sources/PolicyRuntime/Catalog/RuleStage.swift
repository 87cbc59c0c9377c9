/// When a rule can be decided: on the request, or only once the model's response is there.
public enum RuleStage: String, ClosedVocabulary {
    /// The condition reads only the request.
    case request
    /// The condition reads `response`.
    case response

    /// `stage`
    public static let vocabularyName = "stage"
}
