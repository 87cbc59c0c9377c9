import PolicyRuntime

/// Models, vocabularies, pattern lists, channels, controls and internal domains.
extension Checker {
    mutating func checkModels() {
        for id in symbols.models.names {
            let declared = symbols.models[id]!
            let model = declared.syntax
            let file = declared.file
            if id.isEmpty { error(.invalidQuantity, "model id must not be empty", file, model.id.span) }
            var contextTokens: Int?
            if let context = model.context { contextTokens = count(context, "a model's context window", file) }
            var price = CompiledPrice(inputMicrosPerMillionTokens: nil, outputMicrosPerMillionTokens: nil,
                                      monthlyMicros: nil, includedRequests: nil)
            var hasPrice = false
            var seen = Set<String>()
            for item in model.prices {
                hasPrice = true
                switch item {
                case .input(let amount, let per, let span):
                    if !seen.insert("input").inserted { error(.duplicateProperty, "input price is already set", file, span) }
                    price.inputMicrosPerMillionTokens = pricePerMillion(amount, per: per, file)
                case .output(let amount, let per, let span):
                    if !seen.insert("output").inserted { error(.duplicateProperty, "output price is already set", file, span) }
                    price.outputMicrosPerMillionTokens = pricePerMillion(amount, per: per, file)
                case .monthly(let amount, let span):
                    if !seen.insert("monthly").inserted { error(.duplicateProperty, "monthly price is already set", file, span) }
                    price.monthlyMicros = micros(amount, "a monthly price", file)
                case .includes(let requests, let span):
                    if !seen.insert("includes").inserted { error(.duplicateProperty, "included requests are already set", file, span) }
                    price.includedRequests = count(requests, "included requests", file)
                }
            }
            let outputEstimate = model.outputEstimate.flatMap { count($0, "an output estimate", file) }
            resolved.models.append(CompiledModel(
                id: id, provider: model.provider?.text, contextTokens: contextTokens,
                aliases: model.aliases.map(\.value), price: hasPrice ? price : nil, outputEstimateTokens: outputEstimate,
                source: file.reference(model.span.start)))
        }
    }

    /// `$0.015 per 1k` as micro-dollars per million tokens, exactly.
    private mutating func pricePerMillion(_ amount: Quantity, per: Quantity, _ file: SourceFile) -> Int? {
        guard let tokens = count(per, "the token count a price is for", file) else { return nil }
        guard requireUnit(amount, .money, "a price", file) else { return nil }
        guard !amount.negative else {
            error(.invalidQuantity, "a price must not be negative, found `\(amount.text)`", file, amount.span)
            return nil
        }
        // micro-dollars per million tokens = dollars × 10^6 × 10^6 / tokens, computed exactly.
        guard let picoDollarsPerBlock = amount.scaledValue(times: 12) else {
            error(.invalidQuantity, "price `\(amount.text)` is too precise or too large", file, amount.span)
            return nil
        }
        guard picoDollarsPerBlock % tokens == 0 else {
            error(.invalidQuantity, "price `\(amount.text) per \(per.text)` is not a whole number of micro-dollars per million tokens",
                  file, amount.span.union(per.span))
            return nil
        }
        return picoDollarsPerBlock / tokens
    }

    mutating func checkVocabularyLists() {
        resolved.features = symbols.features.names
        resolved.operations = symbols.operations.names
        resolved.incidentTypes = symbols.incidentOrder
        resolved.customActions = symbols.customActions.names
    }

    mutating func checkInternalDomains() {
        var seen = Set<String>()
        for declared in symbols.internalDomains {
            for domain in declared.syntax.domains {
                var value = domain.value.lowercased()
                if !value.hasPrefix(".") { value = "." + value }
                let label = value.dropFirst()
                let valid = !label.isEmpty && !label.hasPrefix(".") && !label.hasSuffix(".") && !label.contains("..")
                    && label.unicodeScalars.allSatisfy { scalar in
                        (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-" || scalar == "."
                    }
                guard valid else {
                    error(.invalidQuantity, "`\(domain.value)` is not a domain suffix", declared.file, domain.span,
                          help: "write a suffix such as \".corp\" or \".acme.internal\"")
                    continue
                }
                if Vocabulary.defaultInternalDomains.contains(value) {
                    warning(.duplicateEntry, "`\(value)` is already an internal domain by default", declared.file, domain.span)
                } else if !seen.insert(value).inserted {
                    warning(.duplicateEntry, "internal domain `\(value)` is listed twice", declared.file, domain.span)
                } else {
                    resolved.internalDomains.append(value)
                }
            }
        }
    }

    mutating func checkChannelsAndControls() {
        for name in symbols.channels.names {
            let declared = symbols.channels[name]!
            if declared.syntax.target.value.isEmpty {
                error(.invalidQuantity, "channel `\(name)` has an empty target", declared.file, declared.syntax.target.span)
            }
            resolved.channels.append(CompiledChannel(name: name, target: declared.syntax.target.value,
                                                     source: declared.file.reference(declared.syntax.span.start)))
        }
        for id in symbols.controls.names {
            let declared = symbols.controls[id]!
            if id.isEmpty { error(.invalidQuantity, "control id must not be empty", declared.file, declared.syntax.id.span) }
            resolved.controls.append(CompiledControl(id: id, description: declared.syntax.description.value, implementedBy: [],
                                                     source: declared.file.reference(declared.syntax.span.start)))
        }
    }

    mutating func checkPatternLists() {
        for name in symbols.patternLists.names {
            let declared = symbols.patternLists[name]!
            let list = declared.syntax
            if list.terms.isEmpty, list.regexes.isEmpty, !list.skippedItems {
                error(.missingProperty, "pattern list `\(name)` has no patterns", declared.file, list.name.span)
            }
            for term in list.terms where term.value.isEmpty {
                error(.invalidQuantity, "an empty pattern would match every prompt", declared.file, term.span)
            }
            warnDuplicates(list.terms.map { ($0.value.lowercased(), $0.span) }, "pattern", declared.file)
            var regexes: [CompiledRegex] = []
            for regex in list.regexes where checkRegex(regex, declared.file) {
                regexes.append(CompiledRegex(pattern: regex.pattern, caseInsensitive: regex.caseInsensitive))
            }
            resolved.patterns.append(CompiledPatternList(name: name, terms: unique(list.terms.map(\.value)), regexes: unique(regexes),
                                                         wholeWord: list.wholeWord, source: declared.file.reference(list.span.start)))
        }
    }

    /// Resolves a control tag, reporting unknown ones with a suggestion.
    mutating func resolveControls(_ tags: [StringLiteral]?, _ file: SourceFile) -> [String] {
        var result: [String] = []
        for tag in tags ?? [] {
            if symbols.controls[tag.value] != nil {
                resolved.symbols.add(.control, tag.value, tag, file)
                result.append(tag.value)
            } else {
                error(.unknownControl, "unknown control `\(tag.value)`", file, tag.span,
                      help: Suggestion.help(for: tag.value, in: symbols.controls.names)
                        ?? "declare it: `control \"\(tag.value)\" \"what it requires\"`")
            }
        }
        return unique(result)
    }

    /// Resolves `pii`, `pii.email` or a pattern list name to detector and pattern-list names.
    mutating func resolveTargets(_ refs: [DetectorRefSyntax], _ file: SourceFile, allowPatternLists: Bool = true)
        -> (detectors: [String], patterns: [String])? {
        var detectors: [String] = []
        var patterns: [String] = []
        var failed = false
        for ref in refs {
            let text = ref.text
            let custom = customDetectorTypes
            if ref.parts.count == 1, DetectorCatalog.categories.contains(text) {
                detectors += DetectorCatalog.detectors(inCategory: text) + custom.filter { $0.category == text }.map(\.type)
            } else if DetectorCatalog.entry(named: text) != nil || custom.contains(where: { $0.type == text }) {
                if ref.parts.count == 2, DetectorCatalog.entry(named: text) == nil { referenced(.detector, ref.parts[1], file) }
                detectors.append(text)
            } else if ref.parts.count == 1, allowPatternLists, symbols.patternLists[text] != nil {
                referenced(.patternList, ref.parts[0], file)
                patterns.append(text)
            } else {
                failed = true
                let candidates = DetectorCatalog.categories + DetectorCatalog.entries.map(\.name) + custom.map(\.type)
                    + (allowPatternLists ? symbols.patternLists.names : [])
                let what = ref.parts.count == 1 ? (allowPatternLists ? "detector category or pattern list" : "detector category") : "detector"
                error(.unknownDetector, "unknown \(what) `\(text)`", file, ref.span,
                      help: Suggestion.help(for: text, in: candidates)
                        ?? "built-in categories are \(DetectorCatalog.categories.map { "`\($0)`" }.joined(separator: ", "))")
            }
        }
        return failed ? nil : (unique(detectors), unique(patterns))
    }
}
