/// The one place that turns diagnostics into text (STYLE.md 19):
///
///     file.lfs:3:13: error: division by zero
///         3 | let y = x / 0
///           |         ^~~~~
///     call trace (innermost last):
///       file.lfs:7:1 in <main>
///       file.lfs:3:13 in f
///     hint: ...
///
/// Plain and ANSI output differ only in the colour codes wrapped around the parts.
public struct DiagnosticRenderer {
    /// Plain text or ANSI colours.
    public enum Style: Sendable { case plain, ansi }

    private let sources: SourceManager
    private let style: Style

    /// Creates a renderer reading source lines from `sources`.
    public init(sources: SourceManager, style: Style = .plain) {
        self.sources = sources
        self.style = style
    }

    private func paint(_ text: String, _ code: String) -> String {
        style == .ansi ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func location(_ span: SourceSpan) -> String {
        "\(sources.name(of: span.source)):\(span.start.line):\(span.start.column)"
    }

    /// Renders one diagnostic, ending with a newline.
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        let severity: String
        switch diagnostic.severity {
        case .error: severity = paint("error:", "1;31")
        case .warning: severity = paint("warning:", "1;33")
        case .note: severity = paint("note:", "1;36")
        }
        if let span = diagnostic.span {
            out += paint(location(span) + ":", "1") + " "
        }
        out += severity + " " + paint(diagnostic.message, "1") + "\n"
        if let span = diagnostic.span { out += excerpt(span) }
        for note in diagnostic.notes {
            if let span = note.span {
                out += paint(location(span) + ":", "1") + " " + paint("note:", "1;36") + " " + note.message + "\n"
                out += excerpt(span)
            } else {
                out += paint("note:", "1;36") + " " + note.message + "\n"
            }
        }
        if diagnostic.trace.count > 1 {
            out += "call trace (innermost last):\n"
            for entry in diagnostic.trace {
                out += "  " + location(entry.span) + " in " + entry.function + "\n"
            }
        }
        if let hint = diagnostic.hint {
            out += paint("hint:", "1;32") + " " + hint + "\n"
        }
        return out
    }

    /// The source line with a gutter and a caret (and tildes) under the span.
    private func excerpt(_ span: SourceSpan) -> String {
        guard let line = sources.line(span.start.line, of: span.source) else { return "" }
        let number = String(span.start.line)
        let gutter = String(repeating: " ", count: number.count)
        let characters = Array(line)
        var marker = ""
        for i in 0..<max(0, span.start.column - 1) {
            marker.append(i < characters.count && characters[i] == "\t" ? "\t" : " ")
        }
        var width = 1
        if span.end.line == span.start.line {
            width = max(1, span.end.column - span.start.column)
        } else {
            width = max(1, characters.count - span.start.column + 1)
        }
        width = min(width, max(1, characters.count - span.start.column + 1))
        marker += "^" + String(repeating: "~", count: width - 1)
        return "    " + paint(number + " |", "36") + " " + line + "\n"
            + "    " + paint(gutter + " |", "36") + " " + paint(marker, "1;32") + "\n"
    }
}
