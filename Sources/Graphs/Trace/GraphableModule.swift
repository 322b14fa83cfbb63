/// A module of a model as `graph(model)` sees it: a name, a type, parameters and
/// children. Graphs defines it so it needs no model type; Builtins adapts the model
/// tree to it (or builds `ModuleDescription` values).
public protocol GraphableModule {
    /// The module's own key segment (`q_proj`, `3`, `model`); "" for the root.
    var graphName: String { get }
    /// The module's type (`Linear`, `LlamaAttention`).
    var graphTypeName: String { get }
    /// The parameters the module holds directly, named relative to it (`weight`,
    /// `lora_A.weight`).
    var graphParameters: [GraphableParameter] { get }
    /// The sub-modules, in declaration order.
    var graphChildren: [any GraphableModule] { get }
}

/// A parameter of a `GraphableModule`.
public struct GraphableParameter: Sendable, Equatable {
    /// The name relative to its module (`weight`, `lora_A.weight`, `magnitude`).
    public var name: String
    /// The parameter's shape.
    public var shape: [Int]
    /// The element type's name (`f32`, `bf16`).
    public var dtype: String
    /// Whether the optimiser updates it.
    public var trainable: Bool
    /// Whether it belongs to an adapter (LoRA, DoRA, a router) rather than the base model.
    public var isAdapter: Bool

    /// A parameter description.
    /// - Parameter isAdapter: defaults to what the name says (`AdapterNames.isAdapter`).
    public init(
        name: String, shape: [Int], dtype: String = "f32", trainable: Bool,
        isAdapter: Bool? = nil
    ) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.trainable = trainable
        self.isAdapter = isAdapter ?? AdapterNames.isAdapter(name)
    }

    /// The number of scalars it holds: the product of its shape.
    public var count: Int { shape.reduce(1, *) }
}

/// A plain value conforming to `GraphableModule`, for hosts that build the tree
/// directly instead of conforming their own types.
public struct ModuleDescription: GraphableModule, Sendable {
    /// The module's own key segment.
    public var name: String
    /// The module's type.
    public var typeName: String
    /// Its direct parameters.
    public var parameters: [GraphableParameter]
    /// Its sub-modules.
    public var children: [ModuleDescription]

    /// A module description.
    public init(
        name: String, typeName: String, parameters: [GraphableParameter] = [],
        children: [ModuleDescription] = []
    ) {
        self.name = name
        self.typeName = typeName
        self.parameters = parameters
        self.children = children
    }

    public var graphName: String { name }
    public var graphTypeName: String { typeName }
    public var graphParameters: [GraphableParameter] { parameters }
    public var graphChildren: [any GraphableModule] { children }
}

/// Which parameter names belong to adapters rather than to the base model.
public enum AdapterNames {
    /// Whether `name` (a parameter or module key path) is an adapter's: LoRA's
    /// `lora_A`/`lora_B`/`lora_embedding_*`, DoRA's `magnitude`, or a router (MoD, MoE).
    public static func isAdapter(_ name: String) -> Bool {
        name.contains("lora_") || name.contains("magnitude") || name.contains("router")
    }

    /// A short tag for the adapter kind `name` belongs to, or nil.
    public static func kind(of name: String) -> String? {
        if name.contains("magnitude") { return "DoRA" }
        if name.contains("lora_") { return "LoRA" }
        if name.contains("router") { return "router" }
        return nil
    }
}
