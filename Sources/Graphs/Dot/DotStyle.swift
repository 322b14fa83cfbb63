/// The look of lfs graphs: fonts, colours and shapes per node and edge kind, kept in
/// one table so the DOT writer only asks "how is this drawn?".
enum DotStyle {
    static let fontName = "Helvetica"

    /// Attributes of the whole graph, and defaults for nodes and edges.
    static let graphAttributes: [(String, String)] = [
        ("rankdir", "TB"), ("newrank", "true"), ("fontname", fontName), ("fontsize", "12"),
        ("nodesep", "0.25"), ("ranksep", "0.3"), ("bgcolor", "white"),
        ("labelloc", "t"), ("labeljust", "l"),
    ]
    static let nodeDefaults: [(String, String)] = [
        ("fontname", fontName), ("fontsize", "10"), ("shape", "box"),
        ("style", "rounded,filled"), ("height", "0.3"), ("margin", "0.1,0.04"),
        ("penwidth", "1"),
    ]
    static let edgeDefaults: [(String, String)] = [
        ("fontname", fontName), ("fontsize", "8"), ("fontcolor", "#555555"),
        ("color", "#6b6b6b"), ("arrowsize", "0.6"),
    ]

    /// Node attributes for `node` (beyond the label).
    static func attributes(for node: GraphNode) -> [(String, String)] {
        if node.isOutput {
            return [("fillcolor", "#fbd5b5"), ("color", "#c0581b"), ("penwidth", "2")]
        }
        switch node.kind {
        case .op:
            return [("fillcolor", "#e3ebf6"), ("color", "#4a6fa5")]
        case .parameter(trainable: true):
            return [("shape", "box"), ("style", "filled"), ("fillcolor", "#fff2c2"),
                    ("color", "#b8860b"), ("penwidth", "1.5")]
        case .parameter(trainable: false):
            return [("shape", "box"), ("style", "filled,dashed"), ("fillcolor", "#eeeeee"),
                    ("color", "#9a9a9a"), ("fontcolor", "#555555")]
        case .adapterParameter(trainable: true):
            return [("shape", "box"), ("style", "filled,bold"), ("fillcolor", "#ccefd0"),
                    ("color", "#1f8a3b"), ("penwidth", "2")]
        case .adapterParameter(trainable: false):
            return [("shape", "box"), ("style", "filled,dashed"), ("fillcolor", "#e6f4e8"),
                    ("color", "#6aa57a")]
        case .input:
            return [("shape", "ellipse"), ("style", "filled"), ("fillcolor", "#e4f3f1"),
                    ("color", "#3b8c80")]
        case .constant:
            return [("shape", "plaintext"), ("style", "solid"), ("fontcolor", "#666666"),
                    ("fontsize", "9")]
        case .module:
            return [("fillcolor", "#f4f4f4"), ("color", "#707070")]
        }
    }

    /// Edge attributes for an edge of `kind` (beyond its label).
    static func attributes(for kind: GraphEdge.Kind) -> [(String, String)] {
        switch kind {
        case .data:
            return []
        case .gradient:
            return [("color", "#d62728"), ("style", "dashed"), ("constraint", "false"),
                    ("arrowsize", "0.5")]
        case .repeated:
            return [("color", "#4a6fa5"), ("style", "dashed"), ("constraint", "false"),
                    ("penwidth", "1.5"), ("fontcolor", "#4a6fa5")]
        case .attachment:
            return [("color", "#1f8a3b"), ("style", "dashed"), ("arrowhead", "none")]
        case .ordering:
            return [("style", "invis")]
        }
    }

    /// Cluster attributes at nesting `level` (1 = outermost); collapsed runs stand out.
    static func clusterAttributes(level: Int, collapsed: Bool) -> [(String, String)] {
        if collapsed {
            return [("style", "rounded,filled,bold"), ("fillcolor", "#eef3fb"),
                    ("color", "#4a6fa5"), ("penwidth", "2"), ("fontcolor", "#2c4770")]
        }
        let fill = level % 2 == 1 ? "#fafafa" : "#f1f1f1"
        return [("style", "rounded,filled"), ("fillcolor", fill), ("color", "#b5b5b5"),
                ("fontcolor", "#333333")]
    }
}
