import Tensors
import TestSupport

/// Gradient-check cases of the core ops, at least one per differentiable op.
enum CoreGradcheckCases {
    static let cases: [GradcheckCase] = elementwise + reductions + shapes + products + selection + pointwise

    static let elementwise: [GradcheckCase] = [
        GradcheckCase("add", "same shape", inputs: [.random([2, 3]), .random([2, 3])]),
        GradcheckCase("add", "broadcast", inputs: [.random([2, 1, 3]), .random([4, 1])]),
        GradcheckCase("sub", "broadcast", inputs: [.random([3]), .random([2, 3])]),
        GradcheckCase("mul", "broadcast", inputs: [.random([2, 3]), .random([1, 3])]),
        GradcheckCase("div", "broadcast", inputs: [.random([2, 3]), .random([3], low: 0.5, high: 2)]),
        GradcheckCase("neg", inputs: [.random([5])]),
        GradcheckCase("exp", inputs: [.random([2, 3])]),
        GradcheckCase("log", inputs: [.random([2, 3], low: 0.5, high: 2)]),
        GradcheckCase("sqrt", inputs: [.random([2, 3], low: 0.5, high: 2)]),
        GradcheckCase("rsqrt", inputs: [.random([2, 3], low: 0.5, high: 2)]),
        GradcheckCase("abs", inputs: [.values([4], [-1.5, -0.3, 0.4, 2])]),
        GradcheckCase("tanh", inputs: [.random([2, 3])]),
        GradcheckCase("sigmoid", inputs: [.random([2, 3], low: -4, high: 4)]),
        GradcheckCase("relu", inputs: [.values([4], [-1.5, -0.3, 0.4, 2])]),
        GradcheckCase("silu", inputs: [.random([2, 3], low: -3, high: 3)]),
        GradcheckCase("gelu", "exact", inputs: [.random([2, 3], low: -3, high: 3)]),
        GradcheckCase(
            "gelu", "tanh", inputs: [.random([2, 3], low: -3, high: 3)],
            attributes: ["approximate": .string("tanh")]),
        GradcheckCase("pow", "cube", inputs: [.random([2, 3])], attributes: ["exponent": .float(3)]),
        GradcheckCase(
            "pow", "fractional", inputs: [.random([4], low: 0.5, high: 2)],
            attributes: ["exponent": .float(-0.5)]),
    ]

    static let reductions: [GradcheckCase] = [
        GradcheckCase("sum", "all", inputs: [.random([2, 3])]),
        GradcheckCase(
            "sum", "dims 0,2 keepdim", inputs: [.random([2, 3, 2])],
            attributes: ["dims": .ints([0, 2]), "keepdim": .bool(true)]),
        GradcheckCase("sum", "dim -1", inputs: [.random([2, 3])], attributes: ["dims": .ints([-1])]),
        GradcheckCase("mean", "dim 1", inputs: [.random([2, 3, 2])], attributes: ["dims": .ints([1])]),
        GradcheckCase("mean", "all", inputs: [.random([3, 2])]),
        GradcheckCase(
            "max", "dim 1", inputs: [.values([2, 3], [0.1, 0.9, -0.4, 1.3, -0.2, 0.5])],
            attributes: ["dim": .int(1)]),
        GradcheckCase("max", "all", inputs: [.values([2, 2], [0.1, 0.9, -0.4, 0.5])]),
    ]

    static let shapes: [GradcheckCase] = [
        GradcheckCase("reshape", inputs: [.random([2, 3])], attributes: ["shape": .ints([3, -1])]),
        GradcheckCase("permute", inputs: [.random([2, 3, 4])], attributes: ["dims": .ints([2, 0, 1])]),
        GradcheckCase("expand", inputs: [.random([3, 1])], attributes: ["shape": .ints([2, 3, 4])]),
        GradcheckCase(
            "slice", "step 2", inputs: [.random([5, 3])],
            attributes: ["dim": .int(0), "start": .int(1), "step": .int(2)]),
        GradcheckCase(
            "slice", "negative step", inputs: [.random([2, 5])],
            attributes: ["dim": .int(-1), "start": .int(-1), "end": .int(0), "step": .int(-2)]),
        GradcheckCase("contiguous", inputs: [.random([2, 3])]),
        GradcheckCase(
            "to_dtype", "float16", inputs: [.random([4])], attributes: ["dtype": .string("float16")],
            step: 0.25),
        GradcheckCase("cat", "dim 1", inputs: [.random([2, 1]), .random([2, 3])], attributes: ["dim": .int(1)]),
    ]

    static let products: [GradcheckCase] = [
        GradcheckCase("matmul", "2d", inputs: [.random([2, 3]), .random([3, 4])]),
        GradcheckCase("matmul", "batched broadcast", inputs: [.random([2, 1, 2, 3]), .random([3, 3, 2])]),
        GradcheckCase("matmul", "batch times matrix", inputs: [.random([2, 3, 4]), .random([4, 2])]),
    ]

    static let selection: [GradcheckCase] = [
        GradcheckCase(
            "index_select", "repeats", inputs: [.random([3, 2]), .constant(ids([2, 0, 2]))],
            attributes: ["dim": .int(0)]),
        GradcheckCase(
            "gather", "dim 1", inputs: [.random([3, 2]), .constant(ids([1, 0, 0, 0, 1, 1], shape: [3, 2]))],
            attributes: ["dim": .int(1)]),
        GradcheckCase(
            "where", "broadcast",
            inputs: [.constant(mask([1, 0, 1], shape: [3])), .random([2, 3]), .random([1])]),
        GradcheckCase("softmax", "last dim", inputs: [.random([2, 4], low: -2, high: 2)], attributes: ["dim": .int(-1)]),
        GradcheckCase("softmax", "dim 0", inputs: [.random([3, 2], low: -2, high: 2)], attributes: ["dim": .int(0)]),
        GradcheckCase("log_softmax", "last dim", inputs: [.random([2, 4], low: -2, high: 2)], attributes: ["dim": .int(1)]),
        GradcheckCase("log_softmax", "middle dim", inputs: [.random([2, 3, 2])], attributes: ["dim": .int(1)]),
        GradcheckCase(
            "dropout", "p 0.5", inputs: [.random([4, 4])], attributes: ["p": .float(0.5), "seed": .int(1234)]),
    ]

    static let pointwise: [GradcheckCase] = [
        GradcheckCase("sin", inputs: [.random([5], low: -3, high: 3)]),
        GradcheckCase("cos", inputs: [.random([5], low: -3, high: 3)]),
        GradcheckCase("log_sigmoid", inputs: [.values([5], [-30, -2, 0.3, 4, 25])]),
        GradcheckCase(
            "clamp", "both bounds", inputs: [.values([5], [-2, -0.5, 0.1, 0.7, 3])],
            attributes: ["min": .float(-1), "max": .float(0.5)]),
        GradcheckCase("clamp", "min only", inputs: [.values([3], [-2, 0.1, 3])], attributes: ["min": .float(0)]),
        GradcheckCase(
            "maximum", "broadcast", inputs: [.values([2, 2], [0.1, -0.5, 0.9, 0.2]), .values([2], [0.3, -0.1])]),
        GradcheckCase("minimum", inputs: [.values([3], [0.1, -0.5, 0.9]), .values([3], [0.3, -0.7, 0.2])]),
        GradcheckCase(
            "remainder", inputs: [.random([4], low: 2.3, high: 2.6), .random([4], low: 1.0, high: 1.1)]),
    ]

    static func ids(_ values: [Int], shape: [Int]? = nil) -> Tensor {
        (try? Tensor(ids: values, shape: shape)) ?? Tensor([])
    }

    static func mask(_ values: [Float], shape: [Int]) -> Tensor {
        (try? Tensor(shape: shape, scalars: values)) ?? Tensor([])
    }
}
