// MARK: - Depth and gradient flow

extension GraphModel {
    /// The graph with module clusters nested at most `depth` levels deep.
    ///
    /// A level is a path segment, with a numeric index counted together with the segment
    /// before it (`model`, `model.layers.3`, `model.layers.3.self_attn`). Nodes deeper
    /// than `depth` are drawn in their ancestor cluster at that depth; `depth: 0` draws
    /// no clusters at all. Cost: O(nodes).
    public func limitingDepth(_ depth: Int) -> GraphModel {
        var result = self
        result.dropRows()  // nodes of a row may land in different clusters' ancestors
        for node in nodes {
            let path = ModulePath.truncated(node.modulePath, toDepth: max(depth, 0))
            if path != node.modulePath { result.setModulePath(path, of: node.id) }
        }
        return result
    }

    /// The graph with a gradient edge, drawn against the data flow, for every data edge
    /// whose source requires a gradient: the path `backward()` takes. Cost: O(edges).
    public func addingGradientFlow() -> GraphModel {
        var result = self
        for edge in edges where edge.kind == .data && nodes[edge.source].requiresGrad {
            result.addEdge(from: edge.target, to: edge.source, kind: .gradient)
        }
        return result
    }
}
