// MARK: - graph(model): the module tree

extension GraphModel {
    /// The architecture of `root`: each module with sub-modules is a cluster captioned
    /// with its type and parameter count; each leaf module is a node listing its
    /// parameters' shapes; adapters (LoRA, DoRA, routers) are green nodes attached to
    /// the module they modify. Siblings stack in declaration order, leaves side by side.
    ///
    /// Collapsing identical numbered blocks (`model.layers.N`) applies as for traces.
    /// Cost: O(modules + parameters).
    public init(architecture root: any GraphableModule) {
        self.init()
        var builder = ArchitectureBuilder(graph: self)
        _ = builder.add(root, path: "", parentPath: "")
        let total = ArchitectureBuilder.parameterCount(root, trainableOnly: false)
        let trainable = ArchitectureBuilder.parameterCount(root, trainableOnly: true)
        var title = root.graphTypeName.isEmpty ? "model" : root.graphTypeName
        title += " · \(ParameterCount.text(total)) params · \(ParameterCount.text(trainable)) trainable"
        builder.graph.title = title
        self = builder.graph
    }
}

/// Walks a `GraphableModule` tree into a `GraphModel`.
private struct ArchitectureBuilder {
    var graph: GraphModel

    /// The nodes a unit starts and ends with, for the invisible stacking edges, and the
    /// leaf module nodes to draw side by side.
    struct Anchors {
        var tops: [Int] = []
        var bottoms: [Int] = []
        var leaves: [Int] = []
    }

    /// Adds `module` (at `path`, inside the cluster `parentPath`) and its sub-tree.
    mutating func add(_ module: any GraphableModule, path: String, parentPath: String)
        -> Anchors
    {
        let children = module.graphChildren
        if children.isEmpty, !path.isEmpty {
            return addLeaf(module, path: path, parentPath: parentPath)
        }
        let count = Self.parameterCount(module, trainableOnly: false)
        let typeName = module.graphTypeName
        graph.clusterCaptions[path] = [
            typeName.isEmpty ? "\(ParameterCount.text(count)) params"
                : "\(typeName) · \(ParameterCount.text(count)) params"
        ]
        var units: [Anchors] = []
        let own = module.graphParameters.map { addParameter($0, path: path) }
        if !own.isEmpty { units.append(Anchors(tops: own, bottoms: own)) }
        var row = Anchors()
        for child in children {
            let childPath = path.isEmpty ? child.graphName : "\(path).\(child.graphName)"
            let anchors = add(child, path: childPath, parentPath: path)
            if child.graphChildren.isEmpty {
                row.tops += anchors.tops
                row.bottoms += anchors.bottoms
                row.leaves += anchors.leaves
            } else {
                if !row.tops.isEmpty { units.append(row) }
                graph.addRow(row.leaves)
                row = Anchors()
                units.append(anchors)
            }
        }
        if !row.tops.isEmpty { units.append(row) }
        graph.addRow(row.leaves)
        for (upper, lower) in zip(units, units.dropFirst()) { stack(upper, above: lower) }
        return Anchors(tops: units.first?.tops ?? [], bottoms: units.last?.bottoms ?? [])
    }

    /// A leaf module: one node with its base parameters, plus one node for its adapters.
    private mutating func addLeaf(
        _ module: any GraphableModule, path: String, parentPath: String
    ) -> Anchors {
        let parameters = module.graphParameters
        let isAdapterModule = AdapterNames.isAdapter(path)
        let base = parameters.filter { !isAdapterModule && !$0.isAdapter }
        let adapters = parameters.filter { isAdapterModule || $0.isAdapter }
        var details = base.map { "\($0.name) \(Self.shapeText($0))" }
        if !base.isEmpty {
            let count = base.reduce(0) { $0 + $1.count }
            let state = base.contains(where: \.trainable) ? "trainable" : "frozen"
            details.append("\(ParameterCount.text(count)) params, \(state)")
        }
        let kind: GraphNode.Kind =
            isAdapterModule
            ? .adapterParameter(trainable: adapters.contains(where: \.trainable))
            : .module(typeName: module.graphTypeName)
        if isAdapterModule {
            details = adapters.map { "\($0.name) \(Self.shapeText($0))" }
        }
        let node = graph.addNode(
            label: module.graphName, kind: kind, modulePath: parentPath, details: details)
        guard !isAdapterModule, !adapters.isEmpty else {
            return Anchors(tops: [node], bottoms: [node], leaves: [node])
        }
        let tag = adapters.compactMap { AdapterNames.kind(of: $0.name) }.first ?? "adapter"
        let adapter = graph.addNode(
            label: tag, kind: .adapterParameter(trainable: adapters.contains(where: \.trainable)),
            modulePath: parentPath,
            details: adapters.map { "\($0.name) \(Self.shapeText($0))" })
        graph.addEdge(from: adapter, to: node, kind: .attachment)
        return Anchors(tops: [adapter], bottoms: [node], leaves: [node])
    }

    /// A parameter held directly by a module with sub-modules (a norm weight, a router).
    private mutating func addParameter(_ parameter: GraphableParameter, path: String) -> Int {
        let kind: GraphNode.Kind =
            parameter.isAdapter
            ? .adapterParameter(trainable: parameter.trainable)
            : .parameter(trainable: parameter.trainable)
        return graph.addNode(
            label: parameter.name, kind: kind, shape: parameter.shape,
            dtype: parameter.dtype, requiresGrad: parameter.trainable, modulePath: path)
    }

    /// Invisible edges putting every top of `lower` under `upper`, and vice versa.
    private mutating func stack(_ upper: Anchors, above lower: Anchors) {
        guard let firstBottom = upper.bottoms.first, let firstTop = lower.tops.first else {
            return
        }
        for top in lower.tops { graph.addEdge(from: firstBottom, to: top, kind: .ordering) }
        for bottom in upper.bottoms.dropFirst() {
            graph.addEdge(from: bottom, to: firstTop, kind: .ordering)
        }
    }

    static func shapeText(_ parameter: GraphableParameter) -> String {
        let shape = "[" + parameter.shape.map(String.init).joined(separator: ", ") + "]"
        return parameter.dtype == "f32" ? shape : "\(shape) \(parameter.dtype)"
    }

    /// The number of scalars in `module`'s sub-tree (only trainable ones if asked).
    static func parameterCount(_ module: any GraphableModule, trainableOnly: Bool) -> Int {
        let own = module.graphParameters.filter { !trainableOnly || $0.trainable }
            .reduce(0) { $0 + $1.count }
        return module.graphChildren.reduce(own) {
            $0 + parameterCount($1, trainableOnly: trainableOnly)
        }
    }
}

/// Parameter counts written as people read them: 950, 4.1K, 6.9M, 1.24B.
public enum ParameterCount {
    /// `count` with a K, M or B suffix and one decimal (two for billions).
    public static func text(_ count: Int) -> String {
        func scaled(_ unit: Int, decimals: Int, suffix: String) -> String {
            let factor = decimals == 2 ? 100 : 10
            let rounded = (count * factor + unit / 2) / unit
            let fraction = String(rounded % factor)
            let padded = String(repeating: "0", count: decimals - fraction.count) + fraction
            return "\(rounded / factor).\(padded)\(suffix)"
        }
        switch count {
        case ..<1_000: return String(count)
        case ..<999_950: return scaled(1_000, decimals: 1, suffix: "K")
        case ..<999_950_000: return scaled(1_000_000, decimals: 1, suffix: "M")
        default: return scaled(1_000_000_000, decimals: 2, suffix: "B")
        }
    }
}
