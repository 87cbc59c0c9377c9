/// Redaction: the prompt with the findings that rules chose replaced by their placeholders.
extension Plan {
    /// The prompt with the chosen findings replaced by their placeholders (overlaps merged).
    func redact(_ prompt: [UInt8], scan: ScanResults, detectors: BitSet, literals redactLiterals: [BitSet]) -> String {
        var spans: [(start: Int, end: Int, placeholder: String)] = []
        for located in scan[findings: .prompt] where detectors.contains(located.finding.detector.rawValue) {
            spans.append((located.finding.start, located.finding.end, detectorPlaceholders[located.finding.detector.rawValue]))
        }
        for hit in scan[literals: .prompt] where redactLiterals.contains(where: { $0.contains(hit.literal) }) {
            let placeholder = slotPlaceholders[hit.literal] ?? literalLists[hit.literal].first.map { listPlaceholders[$0] } ?? "[REDACTED]"
            spans.append((hit.start, hit.end, placeholder))
        }
        return SpanReplacement.replace(prompt, spans)
    }
}
