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
        spans.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var out: [UInt8] = []
        out.reserveCapacity(prompt.count)
        var position = 0
        for span in spans {
            if span.start >= position {
                out.append(contentsOf: prompt[position..<span.start])
                out.append(contentsOf: span.placeholder.utf8)
                position = span.end
            } else if span.end > position {
                // Overlaps the previous placeholder: cover the rest of it too, so nothing leaks.
                position = span.end
            }
        }
        if position < prompt.count { out.append(contentsOf: prompt[position...]) }
        return String(decoding: out, as: UTF8.self)
    }
}
