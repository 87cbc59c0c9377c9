/// Stage 3: the texts some condition reads, scanned once each by the policy's literals and
/// regexes and by the detectors its conditions use.
extension Plan {
    /// Every finding becomes a detection (type and offsets, never text), raising the risk by its
    /// category's weight.
    func collectDetections(_ scan: ScanResults, _ state: inout EvaluationState) {
        for field in TextField.allCases where scan.hasAny(in: field) {
            for located in scan[findings: field] {
                let detector = located.finding.detector
                state.raiseRisk(to: detector.category.riskWeight)
                state.detections.append(Detection(type: DetectorCatalog.entries[detector.rawValue].name, field: field.name,
                                                  message: located.message, start: located.finding.start, end: located.finding.end))
            }
            for hit in scan[literals: field] {
                if let type = slotTypes[hit.literal], let category = slotCategories[hit.literal] {
                    state.raiseRisk(to: category.riskWeight)
                    state.detections.append(Detection(type: type, field: field.name, message: hit.message, start: hit.start, end: hit.end))
                }
                for list in literalLists[hit.literal] {
                    state.detections.append(Detection(type: "pattern." + compiled.patterns[list].name, field: field.name,
                                                      message: hit.message, start: hit.start, end: hit.end))
                }
            }
        }
    }

    /// Scans the texts some condition or redaction reads, with the policy's literals and detectors.
    func scanTexts(_ request: Request) -> ScanResults {
        var results = ScanResults()
        guard scannedFields != 0 else { return results }
        let detectorsWanted = !usedDetectors.isEmpty
        let literalsWanted = !literals.patterns.isEmpty
        func scanOne(_ text: [UInt8], _ field: TextField, message: Int?) {
            text.withUnsafeBufferPointer { original in
                NormalizedText.withView(of: original) { buffer, normalized in
                    func place(_ start: Int, _ end: Int) -> (Int, Int) { normalized?.original(start, end) ?? (start, end) }
                    if literalsWanted {
                        // Regexes whose required literal turns up in this pass are run after it. A
                        // literal `k` or `s` that the text spells U+212A or U+017F (which `i` folds
                        // to them) is found too: the view has made those `K` and `s`.
                        var wanted = listRegexes.isEmpty ? [] : unfilteredRegexes
                        literals.scan(buffer) { literal, start, end in
                            let (from, to) = place(start, end)
                            results.append(ScanResults.LiteralHit(literal: literal, start: from, end: to, message: message), to: field)
                            for regex in regexesByLiteral[literal] where !wanted.contains(regex) { wanted.append(regex) }
                            return true
                        }
                        if wanted.count > 1 { wanted.sort() }
                        for index in wanted {
                            let validation = regexValidations[index]
                            listRegexes[index].forEachMatch(in: buffer, prefiltered: true) { start, end in
                                if let validation, !validation.accepts(UnsafeBufferPointer(rebasing: buffer[start..<end])) { return true }
                                let (from, to) = place(start, end)
                                results.append(ScanResults.LiteralHit(literal: listRegexSlots[index], start: from, end: to, message: message),
                                               to: field)
                                return true
                            }
                        }
                    }
                    if detectorsWanted {
                        for finding in detectorScanner.scan(buffer, original: normalized == nil ? nil : original, enabled: usedDetectors,
                                                            place: place) {
                            results.append(ScanResults.Located(finding: finding, message: message), to: field)
                        }
                    }
                }
            }
        }
        if scannedFields & 1 << TextField.prompt.rawValue != 0 { scanOne(request.prompt, .prompt, message: nil) }
        if scannedFields & 1 << TextField.messages.rawValue != 0 {
            for part in request.messages { scanOne(part.text, .messages, message: part.message) }
        }
        if scannedFields & 1 << TextField.response.rawValue != 0, let response = request.response {
            scanOne(response, .response, message: nil)
        }
        return results
    }
}
