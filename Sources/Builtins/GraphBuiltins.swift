import Foundation
import Graphs
import Language
import Models
import Synchronization
import Tensors

/// The graph vocabulary: `graph(value, "file.svg", expand:, depth:, backward:)` and the
/// `Graph` host type. A tensor draws the tape that produced it; a model (any host
/// object conforming to ``LayerHostObject``) draws its architecture; a graph value is
/// redrawn with new options.
public enum GraphBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [GraphValue.type] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "graph",
            Signature(
                ["value"],
                labelled: [
                    ("file", .nil), ("expand", .bool(false)), ("depth", .nil),
                    ("backward", .bool(false)),
                ]),
            doc: "the compute graph of a tensor or a model's architecture; with a file "
                + "(.svg .png .pdf .dot) renders it there, else returns a Graph"
        ) { arguments in
            let model = try graphModel(of: arguments["value"], arguments: arguments)
            let options = try dotOptions(arguments)
            let dot = model.dot(options)
            if let file = try arguments.optionalString("file") {
                try GraphRenderer.write(dot: dot, to: file)
                return .string(file)
            }
            return .host(GraphValue(model: model, dot: dot))
        }
    ]

    /// `expand:`, `depth:` and `backward:` as `DotOptions`.
    static func dotOptions(_ arguments: Arguments) throws -> DotOptions {
        let depth = try arguments.optionalInt("depth")
        if let depth, depth < 0 {
            throw HostError("bad argument 'depth' to 'graph' (must be 0 or more, got \(depth))")
        }
        return DotOptions(
            expand: try arguments.bool("expand"), depth: depth,
            backward: try arguments.bool("backward"))
    }

    /// The graph a value stands for.
    static func graphModel(of value: Value, arguments: Arguments) throws -> GraphModel {
        if case .host(let object) = value {
            if let tensor = object as? TensorValue {
                return GraphModel(
                    tracing: tensor.tensor, parameters: boundParameters(arguments.interpreter))
            }
            if let graph = object as? GraphValue { return graph.model }
            if let model = object as? any LayerHostObject {
                return GraphModel(architecture: LayerGraphAdapter(name: "", layer: model.graphLayer))
            }
        }
        throw arguments.badArgument("value", expected: "tensor, model or graph", got: value)
    }

    /// The named parameters of every model bound to a global, so a trace can name the
    /// off-tape views of frozen weights. O(parameters of the bound models).
    static func boundParameters(_ interpreter: Interpreter) -> [(String, Tensor)] {
        var parameters: [(String, Tensor)] = []
        for name in interpreter.globalNames {
            guard case .host(let object)? = interpreter.global(name),
                let model = object as? any LayerHostObject
            else { continue }
            parameters += model.graphLayer.namedParameters()
        }
        return parameters
    }

    // MARK: The last backward root (`lfs graph` without --value)

    private static let lastBackwardRoot = Mutex<WeakTensor>(WeakTensor())

    /// Remembers `tensor` as the last one `backward()` was called on (weakly, so the
    /// tape is not kept alive by this alone).
    public static func noteBackward(_ tensor: Tensor) {
        lastBackwardRoot.withLock { $0.tensor = tensor }
    }

    /// The last tensor `backward()` was called on, if it is still alive.
    public static var lastBackward: Tensor? {
        lastBackwardRoot.withLock { $0.tensor }
    }
}

/// A weak reference that can sit in a `Mutex`.
private struct WeakTensor: @unchecked Sendable {
    weak var tensor: Tensor?
}

/// A host object that `graph(x)` draws as an architecture: a model value conforms by
/// exposing its root layer (the module tree with HF key paths).
public protocol LayerHostObject: HostObject {
    /// The root of the module tree.
    var graphLayer: any Layer { get }
}

// MARK: - The Graph value

/// A drawn graph as a value: prints its DOT text; `g.save("out.svg")` renders it.
public final class GraphValue: HostObject {
    /// The graph, before options were applied (so `graph(g, expand: true)` redraws it).
    public let model: GraphModel
    /// The DOT text with the options it was made with.
    public let dot: String

    /// A graph value.
    public init(model: GraphModel, dot: String) {
        self.model = model
        self.dot = dot
    }

    public var hostType: HostType { Self.type }

    /// The DOT text, which is what printing a graph shows.
    public var summary: String { dot }

    /// The `Graph` type's table.
    public static let type: HostType = {
        let type = HostType(name: "Graph", doc: "a compute or model graph; prints as DOT")
        type.property("dot", doc: "the DOT text") { object in
            .string(try cast(object, to: GraphValue.self).dot)
        }
        type.property("nodes", doc: "the number of nodes before collapsing") { object in
            .int(Int64(try cast(object, to: GraphValue.self).model.nodes.count))
        }
        type.property("edges", doc: "the number of edges before collapsing") { object in
            .int(Int64(try cast(object, to: GraphValue.self).model.edges.count))
        }
        type.method(
            Builtin(
                "save", Signature(["file"]),
                doc: "renders to file (.svg .png .pdf .dot, from the extension); returns the path"
            ) { arguments in
                let graph = try arguments.receiver(as: GraphValue.self)
                let file = try arguments.string(0)
                try GraphRenderer.write(dot: graph.dot, to: file)
                return .string(file)
            })
        return type
    }()
}

// MARK: - Models as GraphableModule

/// A model layer seen through `GraphableModule`: its kind, parameters (with the
/// adapters attached to a `Linear` listed as adapter parameters) and children.
struct LayerGraphAdapter: GraphableModule {
    let name: String
    let layer: any Layer

    var graphName: String { name }
    var graphTypeName: String { layer.kind }

    var graphParameters: [GraphableParameter] {
        var parameters = layer.localParameters.map { name, tensor in
            GraphableParameter(
                name: name, shape: tensor.shape, dtype: GraphModel.dtypeName(tensor.dtype),
                trainable: tensor.requiresGrad)
        }
        if let linear = layer as? Linear {
            for adapter in linear.adapters { parameters += Self.parameters(of: adapter) }
        }
        if let decoder = layer as? DecoderLayer, let hook = decoder.hook {
            parameters += hook.namedParameters.map { name, tensor in
                GraphableParameter(
                    name: name, shape: tensor.shape, dtype: GraphModel.dtypeName(tensor.dtype),
                    trainable: tensor.requiresGrad, isAdapter: true)
            }
        }
        return parameters
    }

    var graphChildren: [any GraphableModule] {
        layer.children.map { LayerGraphAdapter(name: $0.0, layer: $0.1) }
    }

    /// The tensors an adapter holds. `LinearAdapter` has no parameter list, so this reads
    /// the adapter's stored tensor properties by reflection; a tensor's HF/PEFT name
    /// (from `lora_A` on) is used when it has one.
    static func parameters(of adapter: any LinearAdapter) -> [GraphableParameter] {
        var found: [GraphableParameter] = []
        for child in Mirror(reflecting: adapter).children {
            let tensor: Tensor?
            if let value = child.value as? Tensor {
                tensor = value
            } else if let value = child.value as? Tensor? {
                tensor = value
            } else {
                tensor = nil
            }
            guard let tensor else { continue }
            let label = child.label ?? "tensor"
            found.append(
                GraphableParameter(
                    name: adapterParameterName(tensor.name, adapter: adapter.name, label: label),
                    shape: tensor.shape, dtype: GraphModel.dtypeName(tensor.dtype),
                    trainable: tensor.requiresGrad, isAdapter: true))
        }
        return found
    }

    /// `lora_A.default.weight` from a full PEFT key, else `<adapter>.<property>`.
    static func adapterParameterName(_ key: String?, adapter: String, label: String) -> String {
        if let key {
            let parts = key.split(separator: ".")
            if let start = parts.firstIndex(where: { AdapterNames.isAdapter(String($0)) }) {
                return parts[start...].joined(separator: ".")
            }
        }
        return "\(adapter).\(label)"
    }
}
