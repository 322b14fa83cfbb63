import CGraphviz
import Synchronization

/// Collects what cgraph and gvc report through `agerr`, which would otherwise go to
/// stderr. Installed only while `GraphRenderer` holds its lock, so messages belong to
/// the render in progress.
enum GraphvizMessages {
    private static let buffer = Mutex<String>("")

    /// The C callback Graphviz calls with message fragments ("Error", ": ", "text\n").
    static let handler: agusererrf = { fragment in
        guard let fragment else { return 0 }
        let text = String(cString: fragment)
        buffer.withLock { $0 += text }
        return 0
    }

    /// Empties the buffer and returns what it held, trimmed, one message per line.
    static func take() -> String {
        let text = buffer.withLock { text -> String in
            defer { text = "" }
            return text
        }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }

    /// Whether any captured message is an error rather than a warning.
    static func hasErrors(_ text: String) -> Bool {
        text.contains("Error")
    }
}

extension Substring {
    /// The substring without leading and trailing `characters`.
    fileprivate func trimmingCharacters(in characters: Character) -> String {
        var slice = self[...]
        while slice.first == characters { slice = slice.dropFirst() }
        while slice.last == characters { slice = slice.dropLast() }
        return String(slice)
    }
}
