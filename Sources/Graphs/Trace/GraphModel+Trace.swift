import Foundation
import Tensors

// MARK: - graph(value): the tape behind a tensor

extension GraphModel {
    /// The graph of the operations that produced `root`, read from the autograd tape.
    ///
    /// Walks from `root` through each tensor's `producer` and its inputs (every input,
    /// not only those that require grad, so frozen weights and data appear). One node per
    /// distinct tensor, numbered in post-order (inputs before users), so the numbering
    /// depends only on the computation. Op nodes carry the op's label, output shape,
    /// dtype and module scope; leaves become parameters (trainable, frozen, or adapter
    /// parameters by name: `lora_`, `magnitude`, `router`), inputs or constants;
    /// parameters and constants are placed in the module of the first op using them,
    /// unnamed inputs in the innermost module holding all their users, named inputs at
    /// the top level. Edges that cross between blocks
    /// (`model.embed_tokens` → `model.layers.0`) are labelled with the shape they carry.
    ///
    /// - Parameters:
    ///   - root: the tensor to draw (typically the loss).
    ///   - title: the caption; by default a one-element tensor shows its value.
    ///   - parameters: named parameters (a model's `namedParameters()`). A leaf that
    ///     shares storage with one of them is drawn as that parameter: ops on frozen
    ///     weights see views such as `weight.transposed()`, which are off the tape and
    ///     carry no name of their own.
    /// - Complexity: O(tensors + edges + parameters).
    public init(tracing root: Tensor, title: String? = nil, parameters: [(String, Tensor)] = []) {
        self.init()
        var known: [ObjectIdentifier: (name: String, tensor: Tensor)] = [:]
        for (name, tensor) in parameters where known[ObjectIdentifier(tensor.storage)] == nil {
            known[ObjectIdentifier(tensor.storage)] = (name, tensor)
        }
        let order = Self.postOrder(from: root)
        var id: [ObjectIdentifier: Int] = [:]
        let userScopes = Self.userScopes(order)
        for tensor in order {
            let key = ObjectIdentifier(tensor)
            let parameter = tensor.producer == nil ? known[ObjectIdentifier(tensor.storage)] : nil
            id[key] = addTraced(tensor, users: userScopes[key] ?? [], parameter: parameter)
        }
        for tensor in order {
            guard let node = tensor.producer, let target = id[ObjectIdentifier(tensor)] else {
                continue
            }
            for input in node.inputs {
                guard let source = id[ObjectIdentifier(input)] else { continue }
                addEdge(from: source, to: target, label: crossingLabel(source, target))
            }
        }
        if let rootID = id[ObjectIdentifier(root)] { markOutput(rootID) }
        self.title = title ?? Self.defaultTitle(for: root)
    }

    /// Every tensor reachable from `root`, inputs before their users (iterative DFS, so
    /// deep graphs cannot overflow the stack).
    private static func postOrder(from root: Tensor) -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [(Tensor, Int)] = [(root, 0)]
        while let (tensor, next) = stack.popLast() {
            let inputs = tensor.producer?.inputs ?? []
            if next < inputs.count {
                stack.append((tensor, next + 1))
                let input = inputs[next]
                if visited.insert(ObjectIdentifier(input)).inserted { stack.append((input, 0)) }
            } else {
                order.append(tensor)
            }
        }
        return order
    }

    /// For each leaf, the module scopes of the ops that read it, in order.
    private static func userScopes(_ order: [Tensor]) -> [ObjectIdentifier: [String]] {
        var scopes: [ObjectIdentifier: [String]] = [:]
        for tensor in order {
            guard let node = tensor.producer else { continue }
            for input in node.inputs where input.producer == nil {
                scopes[ObjectIdentifier(input), default: []].append(node.scope)
            }
        }
        return scopes
    }

    /// Adds the node for one tensor of the trace.
    private mutating func addTraced(
        _ tensor: Tensor, users: [String], parameter: (name: String, tensor: Tensor)?
    ) -> Int {
        let scope = users.first ?? ""
        let dtype = Self.dtypeName(tensor.dtype)
        if let node = tensor.producer {
            return addNode(
                label: node.label, kind: .op, shape: tensor.shape, dtype: dtype,
                requiresGrad: tensor.requiresGrad, modulePath: node.scope)
        }
        let name = tensor.name ?? parameter?.name
        let isParameter = tensor.isParameter || parameter != nil
        let trainable = tensor.requiresGrad || (parameter?.tensor.requiresGrad ?? false)
        if isParameter || trainable {
            let label = name ?? (isParameter ? "parameter" : "leaf")
            let kind: GraphNode.Kind =
                AdapterNames.isAdapter(label)
                ? .adapterParameter(trainable: trainable)
                : .parameter(trainable: trainable)
            // A parameter sits in the module that uses it; a free leaf (a value the
            // user marked requires_grad) is nobody's and stays at the top level.
            // A view of a known parameter (a transposed weight) shows the weight's shape.
            let shown = parameter?.tensor ?? tensor
            return addNode(
                label: label, kind: kind, shape: shown.shape, dtype: Self.dtypeName(shown.dtype),
                requiresGrad: trainable, modulePath: isParameter ? scope : "")
        }
        if name == nil, tensor.count == 1, let value = try? tensor.item() {
            return addNode(label: Self.format(value), kind: .constant, modulePath: scope)
        }
        // Named data (ids, labels) stays at the top level. An unnamed tensor was computed
        // without grad (rotary tables, masks, a frozen embedding's output), so it is off
        // the tape: draw it in the innermost module holding all its users, so a table
        // shared by every layer sits above the layers and a per-layer one in its layer.
        return addNode(
            label: name ?? "tensor", kind: .input, shape: tensor.shape, dtype: dtype,
            modulePath: name == nil ? ModulePath.common(users) : "")
    }

    /// The shape an edge carries when it crosses from one block to another (compared at
    /// two levels: `model.layers.0` vs `model.norm`), else nil.
    private func crossingLabel(_ source: Int, _ target: Int) -> String? {
        let from = nodes[source]
        let to = nodes[target]
        guard from.kind == .op, let shape = from.shape,
            ModulePath.truncated(from.modulePath, toDepth: 2)
                != ModulePath.truncated(to.modulePath, toDepth: 2)
        else { return nil }
        return shape.isEmpty ? "scalar" : "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    private static func defaultTitle(for root: Tensor) -> String? {
        guard root.count == 1, let value = try? root.item() else { return nil }
        return "\(root.name ?? "value") = \(String(format: "%.4f", Double(value)))"
    }

    /// A compact number for constant nodes: `2`, `0.5`, `1e-05`.
    private static func format(_ value: Float) -> String {
        if value == value.rounded(), Swift.abs(value) < 1e6 { return String(Int(value)) }
        return String(format: "%g", Double(value))
    }

    /// `f32`, `bf16`, `i64` ... as graphs print dtypes.
    public static func dtypeName(_ dtype: DType) -> String {
        switch dtype {
        case .float32: return "f32"
        case .float16: return "f16"
        case .bfloat16: return "bf16"
        case .int64: return "i64"
        case .int32: return "i32"
        }
    }
}
