/// Stage 3: the texts some condition reads, scanned by the policy's literals and regexes and by
/// the detectors its conditions use — once each, and a message or system prompt of several
/// parts also part by part (``Request/forEachScanText(in:_:)``).
extension Plan {
    /// Every finding becomes a detection (type and offsets, never text), raising the risk by its
    /// category's weight.
    func collectDetections(_ scan: ScanResults, _ state: inout EvaluationState) {
        for field in TextField.all where scan.hasAny(in: field) {
            for located in scan[findings: field] {
                let detector = located.finding.detector
                state.raiseRisk(to: detector.category.riskWeight)
                state.detections.append(Detection(type: DetectorCatalog.entries[detector.rawValue].name, field: field.name,
                                                  message: located.location.message, part: located.location.part,
                                                  start: located.finding.start, end: located.finding.end, family: located.finding.family))
            }
            for hit in scan[literals: field] {
                if let type = slotTypes[hit.literal], let category = slotCategories[hit.literal] {
                    state.raiseRisk(to: category.riskWeight)
                    state.detections.append(Detection(type: type, field: field.name, message: hit.location.message, part: hit.location.part,
                                                      start: hit.start, end: hit.end))
                }
                for list in literalLists[hit.literal] {
                    state.detections.append(Detection(type: "pattern." + compiled.patterns[list].name, field: field.name,
                                                      message: hit.location.message, part: hit.location.part, start: hit.start, end: hit.end))
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
        for field in TextField.all where scannedFields & 1 << field.rawValue != 0 && request.hasText(in: field) {
            let scannedTwice = request.forEachScanText(in: field) { original, placer in
                NormalizedText.withView(of: original) { buffer, normalized in
                    func place(_ start: Int, _ end: Int) -> (Int, Int) { normalized?.original(start, end) ?? (start, end) }
                    func located(_ start: Int, _ end: Int) -> (location: TextLocation, start: Int, end: Int) {
                        let (from, to) = place(start, end)
                        return placer.place(from, to)
                    }
                    if literalsWanted {
                        // Regexes whose required literal turns up in this pass are run after it. A
                        // literal `k` or `s` that the text spells U+212A or U+017F (which `i` folds
                        // to them) is found too: the view has made those `K` and `s`.
                        var wanted = listRegexes.isEmpty ? [] : unfilteredRegexes
                        literals.scan(buffer) { literal, start, end in
                            let at = located(start, end)
                            results.append(ScanResults.LiteralHit(literal: literal, start: at.start, end: at.end, location: at.location),
                                           to: field)
                            for regex in regexesByLiteral[literal] where !wanted.contains(regex) { wanted.append(regex) }
                            return true
                        }
                        if wanted.count > 1 { wanted.sort() }
                        for index in wanted {
                            let validation = regexValidations[index]
                            listRegexes[index].forEachMatch(in: buffer, prefiltered: true) { start, end in
                                if let validation, !validation.accepts(UnsafeBufferPointer(rebasing: buffer[start..<end])) { return true }
                                let at = located(start, end)
                                results.append(ScanResults.LiteralHit(literal: listRegexSlots[index], start: at.start, end: at.end,
                                                                      location: at.location), to: field)
                                return true
                            }
                        }
                    }
                    if detectorsWanted {
                        for finding in detectorScanner.scan(buffer, original: normalized == nil ? nil : original, enabled: usedDetectors,
                                                            place: place) {
                            let at = placer.place(finding.start, finding.end)
                            results.append(ScanResults.Located(finding: Finding(detector: finding.detector, start: at.start, end: at.end,
                                                                                family: finding.family), location: at.location), to: field)
                        }
                    }
                }
            }
            if scannedTwice { results.removeDuplicates(in: field) }
        }
        return results
    }
}
