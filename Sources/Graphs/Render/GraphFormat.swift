/// An output format for a rendered graph, chosen from the file name's extension.
public enum GraphFormat: String, CaseIterable, Sendable {
    /// The DOT text itself, unrendered.
    case dot
    /// Scalable vector graphics (Graphviz's core `svg` renderer).
    case svg
    /// A bitmap through cairo (Graphviz's pango plugin).
    case png
    /// A PDF document through cairo (Graphviz's pango plugin).
    case pdf

    /// The format for `path`'s extension (case-insensitive; `.gv` counts as DOT).
    ///
    /// - Throws: `GraphError.unknownFormat` when the extension names no known format.
    public init(path: String) throws {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        var pathExtension = ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            pathExtension = String(name[name.index(after: dot)...])
        }
        let lowered = pathExtension.lowercased()
        if lowered == "gv" {
            self = .dot
        } else if let format = GraphFormat(rawValue: lowered) {
            self = format
        } else {
            throw GraphError.unknownFormat(path: path, pathExtension: pathExtension)
        }
    }

    /// The Graphviz output format string passed to `gvRenderData`.
    ///
    /// SVG uses the core renderer (no cairo needed, text stays text); PNG and PDF use cairo.
    var graphvizName: String {
        switch self {
        case .dot: return "dot"
        case .svg: return "svg"
        case .png: return "png:cairo"
        case .pdf: return "pdf:cairo"
        }
    }
}
