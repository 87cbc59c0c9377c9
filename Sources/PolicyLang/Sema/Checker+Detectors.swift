import PolicyRuntime

/// Custom detectors: a category, a pattern the engine accepts, an optional check from the menu,
/// and examples checked here, at compile time — a detector that misses its own example, or finds
/// a text it must reject, is an error (P2015) rather than a surprise in production.
extension Checker {
    /// Detection types of the custom detectors whose category is valid (`pii.customer_id`), with
    /// their category, in declaration order.
    var customDetectorTypes: [(type: String, category: String)] {
        symbols.detectors.names.compactMap { name in
            guard let category = symbols.detectors[name]?.syntax.category?.text, DetectorCatalog.categories.contains(category) else {
                return nil
            }
            return (category + "." + name, category)
        }
    }

    mutating func checkDetectors() {
        for name in symbols.detectors.names {
            let declared = symbols.detectors[name]!
            let detector = declared.syntax
            let file = declared.file
            guard let category = detector.category else {
                error(.missingProperty, "detector `\(name)` has no `category`", file, detector.name.span,
                      help: "add `category pii` (or secret, network, injection): `prompt has pii` then includes it")
                continue
            }
            guard let categoryName = resolveWord(category, DetectorCatalog.categories, "detector category", file) else { continue }
            let type = categoryName + "." + name
            if DetectorCatalog.entry(named: type) != nil {
                error(.duplicateDeclaration, "detector `\(type)` is built in", file, detector.name.span, help: "give the detector another name")
                continue
            }
            guard let pattern = detector.pattern else {
                error(.missingProperty, "detector `\(type)` has no `pattern`", file, detector.name.span,
                      help: "add `pattern /…/`, the regular expression it finds")
                continue
            }
            guard checkRegex(pattern, file), let regex = try? LinearRegex(pattern.pattern, caseInsensitive: pattern.caseInsensitive) else {
                continue
            }
            var validation: MatchValidation?
            if let check = detector.validate {
                guard let word = resolveWord(check, MatchValidation.allCases.map(\.rawValue), "check", file) else { continue }
                validation = MatchValidation(rawValue: word)
            }
            func finds(_ text: String) -> Bool {
                Array(text.utf8).withUnsafeBufferPointer { buffer in
                    var found = false
                    regex.forEachMatch(in: buffer) { start, end in
                        found = validation?.accepts(UnsafeBufferPointer(rebasing: buffer[start..<end])) ?? true
                        return !found
                    }
                    return found
                }
            }
            for example in detector.examples where !finds(example.value) {
                error(.detectorExample, "detector `\(type)` finds nothing in its example", file, example.span,
                      help: validation == nil ? "the pattern must match somewhere in the example"
                        : "the pattern must match somewhere in the example, and the match pass `\(validation!.rawValue)`")
            }
            for text in detector.rejects where finds(text.value) {
                error(.detectorExample, "detector `\(type)` finds a match in a text it must reject", file, text.span,
                      help: "tighten the pattern, or add a `validate` check")
            }
            resolved.detectors.append(CompiledDetector(name: type, pattern: pattern.pattern, caseInsensitive: pattern.caseInsensitive,
                                                       validate: validation, source: file.reference(detector.span.start)))
        }
    }
}
