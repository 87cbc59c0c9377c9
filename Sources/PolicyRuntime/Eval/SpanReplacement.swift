/// Writes a text with spans of it replaced by placeholders: the one way redaction (a decision's
/// `redacted_prompt`) and the audit trail's kept text leave sensitive spans out.
enum SpanReplacement {
    /// `text` with each span's bytes replaced by its placeholder. Spans may come in any order
    /// and overlap: an overlapping span extends the placeholder before it (its bytes are
    /// covered, its own placeholder dropped), so no byte of any span is written.
    static func replace(_ text: [UInt8], _ spans: [(start: Int, end: Int, placeholder: String)]) -> String {
        let ordered = spans.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var position = 0
        for span in ordered {
            let start = max(0, min(span.start, text.count)), end = max(0, min(span.end, text.count))
            if start >= position {
                out.append(contentsOf: text[position..<start])
                out.append(contentsOf: span.placeholder.utf8)
                position = end
            } else if end > position {
                // Overlaps the previous placeholder: cover the rest of it too, so nothing leaks.
                position = end
            }
        }
        if position < text.count { out.append(contentsOf: text[position...]) }
        return String(decoding: out, as: UTF8.self)
    }
}
