/// Errors raised while building, rendering or writing a graph.
///
/// Graphviz's own messages (which the library would otherwise print on stderr) are
/// captured and carried in `message`.
public enum GraphError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output path's extension names no format lfs can write.
    case unknownFormat(path: String, pathExtension: String)
    /// The output path cannot be written (missing folder, no permission, ...).
    case unwritablePath(path: String, reason: String)
    /// Graphviz rejected the DOT text (a syntax error, with Graphviz's message).
    case invalidDot(message: String)
    /// The layout engine failed.
    case layoutFailed(engine: String, message: String)
    /// Graphviz could not produce `format`; usually a missing renderer plugin.
    case renderFailed(format: String, message: String)
    /// Graphviz could not be initialised (no context or no plugins).
    case graphvizUnavailable(message: String)
    /// The value cannot be drawn as a graph (for example a tensor with no tape).
    case unsupportedValue(description: String)

    /// A one-line, user-facing description of the error.
    public var description: String {
        switch self {
        case .unknownFormat(let path, let pathExtension):
            let shown = pathExtension.isEmpty ? "no extension" : "extension '.\(pathExtension)'"
            let known = GraphFormat.allCases.map { ".\($0.rawValue)" }.joined(separator: ", ")
            return "cannot tell the graph format of '\(path)' (\(shown)); use one of \(known)"
        case .unwritablePath(let path, let reason):
            return "cannot write graph to '\(path)': \(reason)"
        case .invalidDot(let message):
            return "Graphviz rejected the DOT text: \(message)"
        case .layoutFailed(let engine, let message):
            return "Graphviz layout '\(engine)' failed: \(message)"
        case .renderFailed(let format, let message):
            return "Graphviz could not render \(format): \(message)"
        case .graphvizUnavailable(let message):
            return "Graphviz is unavailable: \(message)"
        case .unsupportedValue(let description):
            return "cannot draw a graph of \(description)"
        }
    }
}
