/// A drawable graph: nodes in topological order, edges between them, and the module
/// paths that group nodes into clusters.
///
/// It is the middle step of tape → `GraphModel` → DOT → libgvc. Node ids are the
/// nodes' positions, assigned in topological order, so the DOT text derived from a
/// model is deterministic and never depends on memory addresses.
public struct GraphModel: Sendable, Equatable {
    /// A caption drawn at the top of the graph (for example "loss = 2.3104").
    public var title: String?
    /// The nodes; `nodes[i].id == i`.
    public private(set) var nodes: [GraphNode] = []
    /// The edges, in insertion order.
    public private(set) var edges: [GraphEdge] = []
    /// Cluster captions that replace the default (the module path), keyed by module path.
    /// Collapsing repeated blocks writes `model.layers.0-7 ×8` here.
    public var clusterLabels: [String: String] = [:]
    /// Extra caption lines under a cluster's label, keyed by module path (the module's
    /// type and parameter count in `graph(model)`).
    public var clusterCaptions: [String: [String]] = [:]

    /// Groups of nodes drawn side by side, left to right in the given order (sibling
    /// leaf modules in `graph(model)`). Each group's nodes share one module path.
    public private(set) var rows: [[Int]] = []

    /// An empty graph with an optional caption.
    public init(title: String? = nil) {
        self.title = title
    }

    /// Appends a node and returns its id (its position).
    ///
    /// - Parameters:
    ///   - label: the op name, or the parameter/input name.
    ///   - kind: what the node stands for; decides its style.
    ///   - shape: the output (or parameter) shape, `[B, T, C]`-style.
    ///   - dtype: the element type's name, shown when it is not `f32`.
    ///   - requiresGrad: whether gradients flow into this value.
    ///   - modulePath: the module scope, such as `model.layers.3.self_attn`; "" for none.
    ///   - details: extra caption lines (parameter counts, attributes).
    @discardableResult
    public mutating func addNode(
        label: String, kind: GraphNode.Kind, shape: [Int]? = nil, dtype: String? = nil,
        requiresGrad: Bool = false, modulePath: String = "", details: [String] = []
    ) -> Int {
        let id = nodes.count
        nodes.append(
            GraphNode(
                id: id, label: label, kind: kind, shape: shape, dtype: dtype,
                requiresGrad: requiresGrad, modulePath: modulePath, details: details))
        return id
    }

    /// Appends an edge from `source` to `target`; ids out of range are ignored.
    ///
    /// - Parameters:
    ///   - source: the producing node's id.
    ///   - target: the consuming node's id.
    ///   - label: an optional caption (shapes where they help).
    ///   - kind: data flow (default), gradient flow, a collapsed repetition, or structure.
    public mutating func addEdge(
        from source: Int, to target: Int, label: String? = nil, kind: GraphEdge.Kind = .data
    ) {
        guard nodes.indices.contains(source), nodes.indices.contains(target) else { return }
        edges.append(GraphEdge(source: source, target: target, label: label, kind: kind))
    }

    /// Asks for `ids` (nodes of one module path) to be drawn on one rank, in this order.
    public mutating func addRow(_ ids: [Int]) {
        let valid = ids.filter { nodes.indices.contains($0) }
        guard valid.count > 1,
            Set(valid.map { nodes[$0].modulePath }).count == 1
        else { return }
        rows.append(valid)
    }

    /// Forgets every row request.
    mutating func dropRows() {
        rows = []
    }

    /// Replaces a node's module path (used by the depth and collapse transforms).
    mutating func setModulePath(_ path: String, of id: Int) {
        nodes[id].modulePath = path
    }

    /// Adds a caption line to a node.
    mutating func appendDetail(_ line: String, to id: Int) {
        nodes[id].details.append(line)
    }

    /// Marks the graph's output (the root the trace started from).
    public mutating func markOutput(_ id: Int) {
        guard nodes.indices.contains(id) else { return }
        nodes[id].isOutput = true
    }
}

/// One value or operation in a `GraphModel`.
public struct GraphNode: Sendable, Equatable {
    /// What a node stands for; decides how it is drawn.
    public enum Kind: Sendable, Equatable, Hashable {
        /// An operation recorded on the tape (its output tensor).
        case op
        /// A model parameter; `trainable` chooses the style.
        case parameter(trainable: Bool)
        /// An adapter parameter (LoRA A/B, DoRA magnitude, a router), marked as such.
        case adapterParameter(trainable: Bool)
        /// A leaf tensor that requires no gradient and is not a parameter (data, ids).
        case input
        /// A constant folded into the graph (a scalar, a mask).
        case constant
        /// A module of a model's architecture (`graph(model)`).
        case module(typeName: String)
    }

    /// The node's position in `GraphModel.nodes`, in topological order.
    public let id: Int
    /// The op name, or the parameter/input name.
    public var label: String
    /// What the node stands for.
    public var kind: Kind
    /// The output or parameter shape.
    public var shape: [Int]?
    /// The element type's name (`f32`, `bf16` ...).
    public var dtype: String?
    /// Whether gradients flow into this value.
    public var requiresGrad: Bool
    /// The module scope (`model.layers.3.self_attn`); "" for the top level.
    public var modulePath: String
    /// Extra caption lines.
    public var details: [String]
    /// Whether this is the value the graph was drawn from.
    public var isOutput = false
}

/// A directed edge of a `GraphModel`.
public struct GraphEdge: Sendable, Equatable, Hashable {
    /// What an edge means; decides how it is drawn.
    public enum Kind: Sendable, Equatable, Hashable {
        /// A value flowing forward into an op.
        case data
        /// A gradient flowing backward (drawn with `backward: true`).
        case gradient
        /// One collapsed block feeding the next copy of itself.
        case repeated
        /// An adapter attached to the module it modifies (architecture graphs).
        case attachment
        /// An invisible edge that only stacks modules in declaration order.
        case ordering
    }

    /// The source node's id.
    public var source: Int
    /// The target node's id.
    public var target: Int
    /// An optional caption.
    public var label: String?
    /// What the edge means.
    public var kind: Kind
}
