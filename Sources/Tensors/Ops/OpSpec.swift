/// The one declaration of a tensor op: its name, arity, forward, backward, label and
/// cost. The dispatcher (`apply`), the tape walker, the graph renderer, the profiler
/// and gradcheck all read it; nothing else describes the op.
///
/// Declare an op as a static member in its family's file and list it in
/// `OpRegistry.all`:
/// ```swift
/// static let exp = OpSpec(
///     name: "exp", arity: .exactly(1),
///     forward: { inputs, _ in OpResult(try Elementwise.map(inputs[0], op: "exp") { Foundation.exp($0) }) },
///     backward: { context in [try context.gradOutput.mul(context.output)] },
///     cost: OpCost.elementwise(flopsPerElement: 1))
/// ```
/// `forward` runs with grad off and returns a new tensor (it may be a view sharing an
/// input's storage); `backward` runs with grad off and returns one gradient per input
/// (nil for inputs without one, such as indices), each either the input's shape or a
/// shape that broadcasts to it: the tape walker sums broadcast dimensions back.
public struct OpSpec: Sendable, CustomStringConvertible {
    /// The forward function: inputs and attributes to the output and saved tensors.
    public typealias Forward = @Sendable (_ inputs: [Tensor], _ attributes: OpAttributes) throws
        -> OpResult
    /// The backward function: one optional gradient per input.
    public typealias Backward = @Sendable (_ context: BackwardContext) throws -> [Tensor?]
    /// The label function: attributes to the text graphs and errors show.
    public typealias Label = @Sendable (_ attributes: OpAttributes) -> String
    /// The cost function: input shapes, output shape and attributes to FLOPs and bytes.
    public typealias CostFunction = @Sendable (
        _ inputShapes: [[Int]], _ outputShape: [Int], _ attributes: OpAttributes
    ) -> OpCost

    /// The registry name (`"matmul"`, `"rms_norm"`); unique in `OpRegistry.all`.
    public let name: String
    /// How many inputs the op takes.
    public let arity: OpArity
    /// Computes the output.
    public let forward: Forward
    /// Computes input gradients; nil for ops without a gradient (argmax, comparisons).
    public let backward: Backward?
    /// The label for graphs and errors.
    public let label: Label
    /// The cost for the profiler.
    public let cost: CostFunction
    /// The cost of the backward, for the profiler; nil estimates it as the forward's
    /// cost once per input gradient computed (exact for matmul).
    public let backwardCost: CostFunction?

    /// Declares an op.
    /// - Parameters:
    ///   - name: the registry name.
    ///   - arity: the accepted number of inputs.
    ///   - forward: computes the output (and what backward needs, in `OpResult.saved`).
    ///   - backward: one optional gradient per input, or nil for a non-differentiable op.
    ///   - label: defaults to `name(attr=value, ...)`.
    ///   - cost: defaults to no FLOPs and the bytes of the inputs and output.
    ///   - backwardCost: defaults to the forward's cost per input gradient computed.
    public init(
        name: String, arity: OpArity, forward: @escaping Forward, backward: Backward?,
        label: Label? = nil, cost: CostFunction? = nil, backwardCost: CostFunction? = nil
    ) {
        self.name = name
        self.arity = arity
        self.forward = forward
        self.backward = backward
        self.label =
            label ?? { attributes in
                attributes.values.isEmpty ? name : "\(name)(\(attributes))"
            }
        self.cost = cost ?? OpCost.memoryOnly
        self.backwardCost = backwardCost
    }

    /// Whether the op has a backward.
    public var isDifferentiable: Bool { backward != nil }

    /// The op's name.
    public var description: String { name }
}

/// The number of inputs an op accepts.
public enum OpArity: Sendable, Equatable {
    /// Exactly this many.
    case exactly(Int)
    /// At least this many (`cat`).
    case atLeast(Int)

    /// Whether `count` inputs are accepted.
    public func accepts(_ count: Int) -> Bool {
        switch self {
        case .exactly(let expected): return count == expected
        case .atLeast(let minimum): return count >= minimum
        }
    }

    /// The smallest accepted count.
    public var minimum: Int {
        switch self {
        case .exactly(let value), .atLeast(let value): return value
        }
    }
}

/// What a forward returns: the output and the tensors its backward needs.
public struct OpResult {
    /// The op's output.
    public var output: Tensor
    /// Tensors saved for backward (released after a backward without `retainGraph`).
    public var saved: [Tensor]

    /// An output with optional saved tensors.
    public init(_ output: Tensor, saved: [Tensor] = []) {
        self.output = output
        self.saved = saved
    }
}

/// What a backward receives.
public struct BackwardContext {
    /// The gradient of the loss with respect to the op's output (output's shape, float32).
    public let gradOutput: Tensor
    /// The op's inputs, as they were applied.
    public let inputs: [Tensor]
    /// The op's output.
    public let output: Tensor
    /// The tensors the forward saved.
    public let saved: [Tensor]
    /// The op's attributes.
    public let attributes: OpAttributes
}

/// The work one op application does, for the profiler.
public struct OpCost: Sendable, Equatable {
    /// Floating-point operations.
    public var flops: Int
    /// Bytes read and written.
    public var bytes: Int

    /// A cost of `flops` FLOPs and `bytes` bytes.
    public init(flops: Int, bytes: Int) {
        self.flops = flops
        self.bytes = bytes
    }

    /// The default cost: no FLOPs, float32 bytes of inputs and output.
    public static let memoryOnly: OpSpec.CostFunction = { inputs, output, _ in
        OpCost(flops: 0, bytes: 4 &* (inputs.reduce(0) { $0 &+ elements($1) } &+ elements(output)))
    }

    /// A cost of `flopsPerElement` per output element, plus the memory traffic.
    public static func elementwise(flopsPerElement: Int) -> OpSpec.CostFunction {
        { inputs, output, attributes in
            var cost = memoryOnly(inputs, output, attributes)
            cost.flops = flopsPerElement &* elements(output)
            return cost
        }
    }

    /// The element count of a shape (wrapping; shapes here were already validated).
    public static func elements(_ shape: [Int]) -> Int { shape.reduce(1, &*) }
}
