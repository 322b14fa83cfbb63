/// Writes a `GraphModel` as DOT text: one cluster per module path level, nodes inside
/// their module's cluster, edges after all nodes.
///
/// Node names are `n<id>` and cluster names `cluster_<k>` in first-appearance order,
/// so the text depends only on the model.
struct DotWriter {
    let model: GraphModel

    /// The complete `digraph`. Cost: O((nodes + edges) log nodes).
    func text() -> String {
        let tree = ClusterTree(model: model)
        var out = "digraph lfs {\n"
        var graphAttributes = DotStyle.graphAttributes
        if let title = model.title {
            graphAttributes.removeAll { $0.0 == "fontsize" }
            graphAttributes += [("fontsize", "14"), ("label", title)]
        }
        out += "  graph " + Self.attributeList(graphAttributes) + ";\n"
        out += "  node " + Self.attributeList(DotStyle.nodeDefaults) + ";\n"
        out += "  edge " + Self.attributeList(DotStyle.edgeDefaults) + ";\n"
        var clusterCounter = 0
        writeContents(of: "", level: 0, tree: tree, counter: &clusterCounter, into: &out)
        for edge in model.edges {
            var attributes = DotStyle.attributes(for: edge.kind)
            if let label = edge.label { attributes.append(("label", label)) }
            let suffix = attributes.isEmpty ? "" : " " + Self.attributeList(attributes)
            out += "  n\(edge.source) -> n\(edge.target)\(suffix);\n"
        }
        out += "}\n"
        return out
    }

    // MARK: - Clusters and nodes

    private func writeContents(
        of path: String, level: Int, tree: ClusterTree, counter: inout Int,
        into out: inout String
    ) {
        let indent = String(repeating: "  ", count: level + 1)
        for id in tree.nodes[path] ?? [] {
            let node = model.nodes[id]
            var attributes = [("label", Self.label(for: node))]
            attributes += DotStyle.attributes(for: node)
            out += "\(indent)n\(id) " + Self.attributeList(attributes) + ";\n"
        }
        for row in tree.rows[path] ?? [] {
            let members = row.map { "n\($0)" }
            out += "\(indent){ rank=\"same\"; " + members.joined(separator: " -> ")
                + " [style=\"invis\"]; }\n"
        }
        for child in tree.children[path] ?? [] {
            let collapsed = model.clusterLabels[child] != nil
            let attributes = DotStyle.clusterAttributes(level: level + 1, collapsed: collapsed)
            out += "\(indent)subgraph cluster_\(counter) {\n"
            counter += 1
            out += "\(indent)  label=\(Self.leftJustified(clusterLabel(child, parent: path)));\n"
            for (key, value) in attributes {
                out += "\(indent)  \(key)=\(Self.quoted(value));\n"
            }
            writeContents(of: child, level: level + 1, tree: tree, counter: &counter, into: &out)
            out += "\(indent)}\n"
        }
    }

    /// A cluster's caption: an override, a numbered block's full path, or the path
    /// relative to the enclosing cluster.
    private func clusterLabel(_ path: String, parent: String) -> [String] {
        let caption = model.clusterCaptions[path] ?? []
        if let label = model.clusterLabels[path] { return [label] + caption }
        let name =
            ModulePath.block(of: path)?.path == path
            ? path : ModulePath.relative(path, to: parent)
        return [name] + caption
    }

    /// A node's caption: its name (relative to its module), shape and dtype, details.
    static func label(for node: GraphNode) -> String {
        var lines: [String] = []
        switch node.kind {
        case .op, .constant:
            lines.append(node.label)
        case .parameter, .adapterParameter, .input:
            lines.append(ModulePath.displayName(node.label, in: node.modulePath))
        case .module(let typeName):
            lines.append(typeName.isEmpty ? node.label : "\(node.label): \(typeName)")
        }
        if let shape = node.shape {
            var line =
                shape.isEmpty ? "scalar" : "[" + shape.map(String.init).joined(separator: ", ") + "]"
            if let dtype = node.dtype, dtype != "f32", dtype != "float32" { line += " " + dtype }
            lines.append(line)
        }
        lines += node.details
        return lines.joined(separator: "\n")
    }

    // MARK: - DOT syntax

    /// `[key="value", ...]` with every value quoted.
    static func attributeList(_ attributes: [(String, String)]) -> String {
        "[" + attributes.map { "\($0.0)=\(quoted($0.1))" }.joined(separator: ", ") + "]"
    }

    /// A DOT string of `lines`, each left-justified (`\\l` ends every line).
    static func leftJustified(_ lines: [String]) -> String {
        let body = lines.map { String(quoted($0).dropFirst().dropLast()) }
        return "\"" + body.map { $0 + "\\l" }.joined() + "\""
    }

    /// A DOT double-quoted string; newlines become centred line breaks (`\n`).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": continue
            default: result.append(character)
            }
        }
        return result + "\""
    }
}

/// Module paths as a tree: each level's child levels and the nodes directly in it, both
/// in order of first appearance.
struct ClusterTree {
    /// Child cluster paths of each path ("" is the top level).
    var children: [String: [String]] = [:]
    /// Node ids directly inside each path.
    var nodes: [String: [Int]] = [:]
    /// Same-rank rows directly inside each path.
    var rows: [String: [[Int]]] = [:]

    init(model: GraphModel) {
        var known = Set<String>()
        for node in model.nodes {
            var parent = ""
            for level in ModulePath.levels(of: node.modulePath) {
                if known.insert(level).inserted { children[parent, default: []].append(level) }
                parent = level
            }
            nodes[node.modulePath, default: []].append(node.id)
        }
        for row in model.rows {
            guard let first = row.first else { continue }
            rows[model.nodes[first].modulePath, default: []].append(row)
        }
    }
}
