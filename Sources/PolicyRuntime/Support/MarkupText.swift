/// Text made safe inside HTML, SVG and XML, in element content and in quoted attributes: the
/// five specials become entities, and control characters other than tab and line feed (which
/// XML 1.0 cannot carry and HTML does not allow) become U+FFFD. One definition for the
/// compliance report's pages and `policyc test`'s JUnit XML.
package enum MarkupText {
    /// `text`, escaped.
    package static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
