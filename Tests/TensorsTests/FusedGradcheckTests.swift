import Foundation
import Tensors
import TestSupport

/// Gradient-check cases of the fused ops; the core gradcheck test
/// (GradcheckTests.swift) runs them with the core cases and fails for any
/// differentiable op of `OpRegistry.all` that no case covers.
enum FusedGradcheckCases {
    static let cases: [GradcheckCase] =
        normsAndActivations + rotary + attention + losses + lookups + DoRALinearTests.gradcheckCases

    /// A constant (not differentiated) float input.
    static func constant(_ shape: [Int], _ values: [Float]) -> GradcheckInput {
        // A wrong count shows up as the case failing on a [count] tensor of another shape.
        .constant((try? Tensor(shape: shape, scalars: values)) ?? Tensor(values))
    }

    /// A constant integer input (ids, targets).
    static func ids(_ shape: [Int], _ values: [Int]) -> GradcheckInput {
        .constant((try? Tensor(ids: values, shape: shape)) ?? Tensor(values.map(Float.init)))
    }

    /// cos and sin tables [rows, half] for positions and inverse frequencies.
    static func tables(_ positions: [Int], _ frequencies: [Float]) -> (GradcheckInput, GradcheckInput) {
        let angles = positions.flatMap { p in frequencies.map { Double(Float(p) * $0) } }
        let shape = [positions.count, frequencies.count]
        return (constant(shape, angles.map { Float(cos($0)) }), constant(shape, angles.map { Float(sin($0)) }))
    }

    static let normsAndActivations: [GradcheckCase] = [
        GradcheckCase(
            "rms_norm", inputs: [.random([3, 5]), .random([5], low: 0.5, high: 1.5)],
            attributes: ["eps": .float(1e-5)]),
        GradcheckCase("rms_norm", "rank 3", inputs: [.random([2, 2, 4]), .random([4], low: 0.5, high: 1.5)]),
        GradcheckCase("swiglu", "fused gate/up", inputs: [.random([3, 8], low: -3, high: 3)]),
        GradcheckCase("swiglu", "separate", inputs: [.random([2, 4], low: -3, high: 3), .random([2, 4])]),
    ]

    static let rotary: [GradcheckCase] = {
        let (cos, sin) = tables([0, 1, 2], [1, 0.1])
        let (batchCos, batchSin) = tables([0, 1, 2, 0, 0, 1], [1, 0.1])
        return [
            GradcheckCase("rotary_embedding", "shared tables", inputs: [.random([1, 2, 3, 4]), cos, sin]),
            GradcheckCase(
                "rotary_embedding", "per-batch tables",
                inputs: [
                    .random([2, 1, 3, 4]),
                    reshaped(batchCos, [2, 3, 2]), reshaped(batchSin, [2, 3, 2]),
                ]),
        ]
    }()

    /// A constant input given a new shape.
    static func reshaped(_ input: GradcheckInput, _ shape: [Int]) -> GradcheckInput {
        guard case .constant(let tensor) = input, let view = try? tensor.reshape(shape) else { return input }
        return .constant(view)
    }

    static let attention: [GradcheckCase] = [
        GradcheckCase(
            "causal_attention", "grouped kv heads",
            inputs: [.random([1, 4, 5, 3]), .random([1, 2, 5, 3]), .random([1, 2, 5, 3])]),
        GradcheckCase(
            "causal_attention", "padding mask, window, tokens-first output",
            inputs: [
                .random([2, 2, 4, 3]), .random([2, 1, 4, 3]), .random([2, 1, 4, 3]),
                constant([2, 4], [1, 1, 1, 1, 1, 0, 1, 1]),
            ],
            attributes: ["sliding_window": .int(2), "layout": .string("bthd"), "scale": .float(0.7)]),
    ]

    static let losses: [GradcheckCase] = [
        GradcheckCase(
            "cross_entropy", "ignore index",
            inputs: [.random([4, 6], low: -2, high: 2), ids([4], [1, -100, 5, 0])]),
        GradcheckCase(
            "cross_entropy", "label smoothing, rank 3",
            inputs: [.random([2, 2, 5], low: -2, high: 2), ids([2, 2], [4, 0, -100, 2])],
            attributes: ["label_smoothing": .float(0.1)]),
        GradcheckCase(
            "linear_cross_entropy", "precomputed gradients",
            inputs: [.random([4, 3]), .random([6, 3]), ids([4], [1, 5, -100, 0])],
            attributes: ["chunk_rows": .int(3), "precompute_gradients": .bool(true)]),
        GradcheckCase(
            "linear_cross_entropy", "recomputed in backward, smoothing",
            inputs: [.random([2, 2, 3]), .random([5, 3]), ids([2, 2], [1, 4, 0, 2])],
            attributes: ["chunk_rows": .int(1), "label_smoothing": .float(0.2)]),
    ]

    static let lookups: [GradcheckCase] = [
        GradcheckCase("embedding", "repeated ids", inputs: [ids([2, 2], [1, 3, 3, 0]), .random([4, 3])]),
        GradcheckCase(
            "lora_linear", "every input", inputs: [.random([2, 3, 4]), .random([5, 4]), .random([2, 4]), .random([5, 2])],
            attributes: ["scaling": .float(0.7)]),
        GradcheckCase(
            "lora_linear", "transposed weight view", inputs: [.random([3, 4]), .constant(transposedWeight), .random([1, 4]), .random([5, 1])],
            attributes: ["scaling": .float(2)]),
    ]

    /// A [5, 4] weight stored [4, 5] and transposed (a view BLAS reads with its flag).
    static let transposedWeight: Tensor = {
        let values = (0..<20).map { Float($0 % 7) * 0.1 - 0.3 }
        let stored = (try? Tensor(shape: [4, 5], scalars: values)) ?? Tensor(values)
        return (try? stored.transposed()) ?? stored
    }()
}
