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
        let roles = Self.inputRoles(order)
        var folded = Set<ObjectIdentifier>()
        for tensor in order {
            let key = ObjectIdentifier(tensor)
            // A transposed parameter (LoRA's `lora_A.weight.t()`) is drawn as the
            // parameter itself: the view says nothing the matmul after it does not.
            if let node = tensor.producer, Self.foldedViews.contains(node.opName),
                node.inputs.count == 1, let input = node.inputs.first,
                let source = id[ObjectIdentifier(input)], nodes[source].kind.isParameter
            {
                id[key] = source
                folded.insert(key)
                continue
            }
            let parameter = tensor.producer == nil ? known[ObjectIdentifier(tensor.storage)] : nil
            id[key] = addTraced(
                tensor, users: userScopes[key] ?? [], parameter: parameter, role: roles[key])
        }
        for tensor in order where !folded.contains(ObjectIdentifier(tensor)) {
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

    /// What an unnamed input of a fused op is, by op name and input position, so data
    /// made off the tape (rotary tables, masks, labels) is labelled by its role.
    static let inputRoleNames: [String: [Int: String]] = [
        "rotary_embedding": [1: "cos", 2: "sin"],
        "causal_attention": [3: "attention_mask"],
        "cross_entropy": [1: "labels"],
        "linear_cross_entropy": [2: "labels"],
        "embedding": [0: "input_ids"],
    ]

    /// For each leaf, its role as the input of the first fused op that reads it.
    private static func inputRoles(_ order: [Tensor]) -> [ObjectIdentifier: String] {
        var roles: [ObjectIdentifier: String] = [:]
        for tensor in order {
            guard let node = tensor.producer, let names = inputRoleNames[node.opName] else {
                continue
            }
            for (position, input) in node.inputs.enumerated() where input.producer == nil {
                if let role = names[position], roles[ObjectIdentifier(input)] == nil {
                    roles[ObjectIdentifier(input)] = role
                }
            }
        }
        return roles
    }

    /// View ops folded into the parameter they transpose.
    static let foldedViews: Set<String> = ["permute", "transpose", "transposed"]

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
        _ tensor: Tensor, users: [String], parameter: (name: String, tensor: Tensor)?,
        role: String? = nil
    ) -> Int {
        let scope = users.first ?? ""
        let dtype = Self.dtypeName(tensor.dtype)
        if let node = tensor.producer {
            return addNode(
                label: Self.tidy(node.label), kind: .op, shape: tensor.shape, dtype: dtype,
                requiresGrad: tensor.requiresGrad, modulePath: node.scope)
        }
        let name = tensor.name ?? parameter?.name
        let isParameter = tensor.isParameter || parameter != nil
        let trainable = tensor.requiresGrad || (parameter?.tensor.requiresGrad ?? false)
        // A named leaf that needs its gradient but is no parameter is data the model
        // asked gradients for (`inputs_embeds` in training), drawn as an input.
        if isParameter || (trainable && name == nil) {
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
            label: name ?? role ?? "tensor", kind: .input, shape: tensor.shape, dtype: dtype,
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

    /// An op label with float attributes printed compactly: `rms_norm(eps=1e-05)` rather
    /// than the float32 value's `9.99999974737875e-06`.
    static func tidy(_ label: String) -> String {
        guard label.contains("e-") || label.contains(".") else { return label }
        var out = ""
        var number = ""
        func flush() {
            if number.count > 8, let value = Double(number) {
                out += String(format: "%g", Double(Float(value)))
            } else {
                out += number
            }
            number = ""
        }
        for character in label {
            let continues =
                character.isNumber || character == "."
                || ((character == "e" || character == "-" || character == "+") && !number.isEmpty
                    && (character == "e" ? number.last?.isNumber == true : number.last == "e"))
            let starts = number.isEmpty && character.isNumber
            if continues || starts {
                number.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
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

extension GraphNode.Kind {
    /// Whether the node is a model or adapter parameter.
    var isParameter: Bool {
        switch self {
        case .parameter, .adapterParameter: return true
        default: return false
        }
    }
}
