import Foundation
import PolicyRuntime

/// Prints diagnostics as text for people, JSON for tools, or GitHub Actions annotations.
public struct DiagnosticRenderer: Sendable {
    /// Output form, chosen by `--format`.
    public enum Format: String, Sendable, CaseIterable {
        /// `file:line:col: error[P2004]: …` with the source line and a caret.
        case text
        /// One JSON object: `{"diagnostics": […], "errors": N, "warnings": N}`.
        case json
        /// `::error file=…,line=…,col=…::…` lines for GitHub Actions.
        case github
    }

    /// The output form.
    public var format: Format
    /// ANSI colour in text form; the CLI enables it only on a terminal.
    public var color: Bool

    /// Creates a renderer.
    public init(format: Format, color: Bool = false) {
        self.format = format
        self.color = color
    }

    /// Renders all diagnostics as one string (ends with a newline when non-empty).
    public func render(_ diagnostics: [Diagnostic]) -> String {
        switch format {
        case .text:
            return diagnostics.map(renderText).joined()
        case .github:
            return diagnostics.map(renderGitHub).joined()
        case .json:
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            let items = diagnostics.map(renderJSONObject).joined(separator: ",\n    ")
            let body = diagnostics.isEmpty ? "[]" : "[\n    \(items)\n  ]"
            return "{\n  \"diagnostics\": \(body),\n  \"errors\": \(errors),\n  \"warnings\": \(warnings)\n}\n"
        }
    }

    /// The text form of one diagnostic.
    public func renderText(_ diagnostic: Diagnostic) -> String {
        let file = diagnostic.file
        let (line, column) = file.location(of: diagnostic.span.start)
        let label = "\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]"
        var out = "\(file.path):\(line):\(column): \(paint(label, diagnostic.severity)): \(diagnostic.message)\n"
        let source = file.lineText(line)
        if !source.isEmpty || diagnostic.span.start < UInt32(file.bytes.count) {
            let number = String(line)
            let gutter = String(repeating: " ", count: max(0, 5 - number.count)) + number
            out += "\(gutter) | \(printable(source))\n"
            // The underline keeps the line's tabs so it lines up in any tab width.
            var pad = ""
            for (index, character) in source.unicodeScalars.enumerated() where index < column - 1 {
                pad.append(character == "\t" ? "\t" : " ")
            }
            let (endLine, endColumn) = file.location(of: diagnostic.span.end)
            let lineLength = source.unicodeScalars.count
            let width = endLine == line ? max(1, endColumn - column) : max(1, lineLength - column + 1)
            let underline = "^" + String(repeating: "~", count: max(0, width - 1))
            out += "      | \(pad)\(paint(underline, diagnostic.severity))\n"
        }
        if let help = diagnostic.help {
            out += "\(paint("help", .note)): \(help)\n"
        }
        return out
    }

    private func renderGitHub(_ diagnostic: Diagnostic) -> String {
        let (line, column) = diagnostic.file.location(of: diagnostic.span.start)
        let (endLine, endColumn) = diagnostic.file.location(of: diagnostic.span.end)
        let kind = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
        var message = diagnostic.message
        if let help = diagnostic.help { message += "\nhelp: " + help }
        let properties = "file=\(escapeProperty(diagnostic.file.path)),line=\(line),col=\(column),endLine=\(endLine),endColumn=\(endColumn),title=\(diagnostic.code.rawValue)"
        return "::\(kind) \(properties)::\(escapeData(message))\n"
    }

    private func renderJSONObject(_ diagnostic: Diagnostic) -> String {
        let (line, column) = diagnostic.file.location(of: diagnostic.span.start)
        let (endLine, endColumn) = diagnostic.file.location(of: diagnostic.span.end)
        var fields = [
            "\"file\": \(JSONWriter.quoted(diagnostic.file.path))",
            "\"line\": \(line)", "\"column\": \(column)", "\"end_line\": \(endLine)", "\"end_column\": \(endColumn)",
            "\"offset\": \(diagnostic.span.start)", "\"end_offset\": \(diagnostic.span.end)",
            "\"severity\": \"\(diagnostic.severity.rawValue)\"", "\"code\": \"\(diagnostic.code.rawValue)\"",
            "\"message\": \(JSONWriter.quoted(diagnostic.message))",
        ]
        fields.append("\"help\": " + (diagnostic.help.map(JSONWriter.quoted) ?? "null"))
        return "{" + fields.joined(separator: ", ") + "}"
    }

    private func paint(_ text: String, _ severity: Severity) -> String {
        guard color else { return text }
        let code = severity == .error ? "1;31" : severity == .warning ? "1;33" : "1;36"
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// Control characters in a quoted source line would corrupt a terminal; show them as `?`.
    private func printable(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.map { scalar in
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F ? "?" : scalar
        }))
    }

    private func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    private func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
