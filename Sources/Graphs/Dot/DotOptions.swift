/// How a `GraphModel` is drawn: the `expand:`, `depth:` and `backward:` of `graph(...)`.
public struct DotOptions: Sendable, Equatable {
    /// Draw every repeated block instead of collapsing identical runs into one cluster.
    public var expand: Bool
    /// The deepest module-cluster nesting drawn; `nil` for no limit.
    public var depth: Int?
    /// Add gradient-flow edges (dashed red, against the data flow).
    public var backward: Bool

    /// Options with the defaults of `graph(...)`: collapsed, any depth, forward only.
    public init(expand: Bool = false, depth: Int? = nil, backward: Bool = false) {
        self.expand = expand
        self.depth = depth
        self.backward = backward
    }
}

extension GraphModel {
    /// The DOT text for this graph drawn with `options`: repeated blocks collapsed unless
    /// `expand`, clusters cut at `depth`, gradient edges when `backward`.
    ///
    /// Pure and deterministic: the same model and options give the same text.
    /// Cost: O((nodes + edges) log nodes).
    public func dot(_ options: DotOptions = DotOptions()) -> String {
        var model = options.expand ? self : collapsingRepeatedBlocks()
        if let depth = options.depth { model = model.limitingDepth(depth) }
        if options.backward { model = model.addingGradientFlow() }
        return DotWriter(model: model).text()
    }
}
