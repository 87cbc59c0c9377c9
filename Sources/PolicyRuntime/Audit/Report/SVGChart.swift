/// Inline SVG charts for the HTML report: plain shapes and text, no script, no external
/// resource, so that the page reads offline and in any browser. Every bar names the JSON
/// member it draws (`data-json`, `data-value`), as the report's table cells do.
enum SVGChart {
    /// One bar, or one segment of a stacked column.
    struct Bar {
        var label: String
        var value: Int
        /// The value as shown (`$1.23`, `1,204`).
        var shown: String
        var path: String
    }

    /// The colours of the outcomes, and of plain bars.
    static let allowColour = "#2f855a"
    static let denyColour = "#c53030"
    static let approvalColour = "#b7791f"
    static let barColour = "#2b6cb0"

    /// Horizontal bars, one per item, longest for the largest value, labelled with name and value.
    static func horizontalBars(_ bars: [Bar], title: String, colour: String = barColour) -> String {
        guard !bars.isEmpty else { return emptyChart(title) }
        let width = 640, labelWidth = 200, valueWidth = 110, rowHeight = 24, top = 30
        let height = top + bars.count * rowHeight + 10
        let largest = max(1, bars.map(\.value).max() ?? 1)
        let span = width - labelWidth - valueWidth
        var svg = open(width: width, height: height, title: title)
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            let length = bar.value <= 0 ? 0 : max(1, Int((Double(bar.value) / Double(largest) * Double(span)).rounded()))
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" class=\"label\">\(MarkupText.escaped(clipped(bar.label)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" fill=\"\(colour)\""
                + " data-json=\"\(bar.path)\" data-value=\"\(bar.value)\"><title>\(MarkupText.escaped(bar.label)): \(bar.shown)</title></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\" class=\"value\">\(bar.shown)</text>"
        }
        return svg + "</svg>"
    }

    /// Columns over time, each stacked from its segments (in the order of `colours`).
    static func stackedColumns(_ columns: [[Bar]], labels: [String], colours: [String], legend: [String], title: String) -> String {
        guard !columns.isEmpty else { return emptyChart(title) }
        let width = 640, height = 260, left = 50, bottom = 40, top = 40
        let plotHeight = height - top - bottom
        let largest = max(1, columns.map { $0.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let step = Double(width - left - 10) / Double(columns.count)
        let barWidth = max(1.0, step * 0.8)
        var svg = open(width: width, height: height, title: title)
        for (index, name) in legend.enumerated() {
            let x = left + index * 140
            svg += "<rect x=\"\(x)\" y=\"22\" width=\"10\" height=\"10\" fill=\"\(colours[index])\"/>"
            svg += "<text x=\"\(x + 14)\" y=\"31\" class=\"label\">\(MarkupText.escaped(name))</text>"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\" class=\"value\">\(GroupedNumber.text(largest))</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + plotHeight)\" text-anchor=\"end\" class=\"value\">0</text>"
        for (index, segments) in columns.enumerated() {
            let x = Double(left) + Double(index) * step + (step - barWidth) / 2
            var base = Double(top + plotHeight)
            for (position, segment) in segments.enumerated() where segment.value > 0 {
                let length = Double(segment.value) / Double(largest) * Double(plotHeight)
                base -= length
                svg += "<rect x=\"\(format(x))\" y=\"\(format(base))\" width=\"\(format(barWidth))\" height=\"\(format(length))\""
                    + " fill=\"\(colours[position])\" data-json=\"\(segment.path)\" data-value=\"\(segment.value)\">"
                    + "<title>\(MarkupText.escaped(labels[index])): \(segment.shown) \(MarkupText.escaped(segment.label))</title></rect>"
            }
        }
        // Labels under the first, middle and last column only, so that they never overlap.
        for index in Set([0, columns.count / 2, columns.count - 1]).sorted() {
            let x = Double(left) + Double(index) * step + step / 2
            svg += "<text x=\"\(format(x))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\" class=\"value\">\(MarkupText.escaped(labels[index]))</text>"
        }
        return svg + "</svg>"
    }

    private static func open(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\""
            + " aria-label=\"\(MarkupText.escaped(title))\"><text x=\"0\" y=\"14\" class=\"chart-title\">\(MarkupText.escaped(title))</text>"
    }

    private static func emptyChart(_ title: String) -> String {
        open(width: 640, height: 50, title: title) + "<text x=\"0\" y=\"40\" class=\"label\">None in the period.</text></svg>"
    }

    /// A label cut to fit its column.
    private static func clipped(_ text: String) -> String { text.count > 28 ? String(text.prefix(27)) + "…" : text }

    private static func format(_ value: Double) -> String { String(Double(Int((value * 10).rounded())) / 10) }
}
