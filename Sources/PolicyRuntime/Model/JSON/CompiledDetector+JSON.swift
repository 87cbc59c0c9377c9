/// The JSON form of custom detectors (docs/compiled-format.md, "Top level").
extension CompiledDetector {
    enum Key: String, CaseIterable {
        case name, pattern, caseInsensitive = "case_insensitive", validate, source
    }

    init(document value: JSONTree, path: String) throws(CompiledPolicyError) {
        let object = try DocumentObject<Key>(value, path)
        self.init(name: try object.string(.name), pattern: try object.string(.pattern), caseInsensitive: try object.bool(.caseInsensitive),
                  validate: try object.optionalWord(.validate), source: try object.string(.source))
    }

    var documentJSON: JSONTree {
        .keyed([
            (Key.name, .string(name)), (.pattern, .string(pattern)), (.caseInsensitive, .bool(caseInsensitive)),
            (.validate, .optional(validate)), (.source, .string(source)),
        ])
    }
}
