import Foundation
import Tensors
import TestSupport
import Testing

/// Runs `function` on fresh leaves holding `values`, back-propagates fixed random
/// weights, and returns the output and every leaf's gradient.
func outputAndGradients(
    _ values: [(shape: [Int], data: [Float])], seed: UInt64 = 99,
    _ function: ([Tensor]) throws -> Tensor
) throws -> (output: [Float], gradients: [[Float]]) {
    let leaves = try values.map { value in
        let tensor = try Tensor(shape: value.shape, scalars: value.data)
        tensor.requiresGrad = true
        return tensor
    }
    let output = try function(leaves)
    var generator = SeededGenerator(seed: seed)
    try output.backward(gradient: try Tensor(shape: output.shape, scalars: generator.floats(output.count)))
    return (output.toFloatArray(), leaves.map { $0.grad?.toFloatArray() ?? [] })
}

/// Whether two Float32 results agree to `tolerance` relative to their scale.
func agree(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    guard a.count == b.count, !a.isEmpty else { return false }
    let scale = max(1, b.map { abs($0) }.max() ?? 1)
    return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * scale }
}

/// Expects the fused and composed functions to give the same output and gradients.
func expectSameAsComposition(
    _ values: [(shape: [Int], data: [Float])], tolerance: Float = 1e-5,
    fused: ([Tensor]) throws -> Tensor, composed: ([Tensor]) throws -> Tensor,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let a = try outputAndGradients(values, fused)
    let b = try outputAndGradients(values, composed)
    #expect(agree(a.output, b.output, tolerance: tolerance), "forward", sourceLocation: sourceLocation)
    for (index, (ga, gb)) in zip(a.gradients, b.gradients).enumerated() {
        #expect(agree(ga, gb, tolerance: tolerance), "gradient of input \(index)", sourceLocation: sourceLocation)
    }
}

/// Random values for `shape`.
func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> (shape: [Int], data: [Float]) {
    var generator = SeededGenerator(seed: seed)
    return (shape, generator.floats(shape.reduce(1, *), low: low, high: high))
}

/// RMSNorm, SwiGLU, rotary embedding and embedding against compositions of primitive ops.
struct FusedCompositionTests {
    @Test func rmsNormMatchesComposition() throws {
        let eps: Float = 1e-5
        try expectSameAsComposition(
            [random([2, 3, 7], seed: 1, low: -3, high: 3), random([7], seed: 2, low: 0.5, high: 1.5)],
            fused: { try $0[0].rmsNorm(weight: $0[1], eps: eps) },
            composed: { x in
                let meanSquare = try (x[0] * x[0]).mean(dim: -1, keepdim: true)
                return try x[0] * (meanSquare + eps).rsqrt() * x[1]
            })
    }

    @Test func swiGLUMatchesCompositionInBothForms() throws {
        try expectSameAsComposition(
            [random([3, 10], seed: 3, low: -4, high: 4)],
            fused: { try $0[0].swiGLU() },
            composed: { x in
                try x[0].slice(dim: -1, end: 5).silu() * x[0].slice(dim: -1, start: 5)
            })
        try expectSameAsComposition(
            [random([2, 3, 4], seed: 4, low: -4, high: 4), random([2, 3, 4], seed: 5)],
            fused: { try $0[0].swiGLU(up: $0[1]) },
            composed: { try $0[0].silu() * $0[1] })
    }

    @Test func rotaryMatchesRotateHalfComposition() throws {
        let (B, H, T, D) = (2, 3, 4, 6)
        let positions = try Tensor(ids: [0, 1, 2, 3, 0, 0, 1, 2], shape: [B, T])
        let frequencies = Tensor([1, 0.3, 0.01])
        let (cos, sin) = try Tensor.rotaryTables(positions: positions, inverseFrequencies: frequencies)
        #expect(cos.shape == [B, T, D / 2])
        // [B, 1, T, D]: cos(θ) repeated over both halves, broadcast over heads.
        let fullCos = try Tensor.cat([cos, cos], dim: -1).unsqueeze(1)
        let fullSin = try Tensor.cat([sin, sin], dim: -1).unsqueeze(1)
        try expectSameAsComposition(
            [random([B, H, T, D], seed: 6)],
            fused: { try $0[0].rotaryEmbedding(cos: cos, sin: sin) },
            composed: { x in
                let first = try x[0].slice(dim: -1, end: D / 2)
                let second = try x[0].slice(dim: -1, start: D / 2)
                let rotated = try Tensor.cat([-second, first], dim: -1)
                return try x[0] * fullCos + rotated * fullSin
            })
    }

    @Test func rotaryReadsAPermutedProjectionInPlace() throws {
        // x laid out [B, T, H, D] and permuted to [B, H, T, D]: same result as a copy.
        let (cos, sin) = try Tensor.rotaryTables(
            positions: try Tensor(ids: [0, 1, 2]), inverseFrequencies: Tensor([1, 0.1]))
        try expectSameAsComposition(
            [random([2, 3, 2, 4], seed: 7)],
            fused: { try $0[0].permute([0, 2, 1, 3]).rotaryEmbedding(cos: cos, sin: sin) },
            composed: { try $0[0].permute([0, 2, 1, 3]).contiguous().rotaryEmbedding(cos: cos, sin: sin) })
    }

    @Test func loraLinearMatchesComposition() throws {
        // x [2, 3, 6], weight [5, 6], a [3, 6], b [5, 3]: x Wᵀ + 1.5 (x Aᵀ) Bᵀ.
        try expectSameAsComposition(
            [random([2, 3, 6], seed: 41), random([5, 6], seed: 42), random([3, 6], seed: 43), random([5, 3], seed: 44)],
            fused: { try $0[0].loraLinear(weight: $0[1], a: $0[2], b: $0[3], scaling: 1.5) },
            composed: {
                try $0[0].matmul($0[1].transposed())
                    .add($0[0].matmul($0[2].transposed()).matmul($0[3].transposed()) * 1.5)
            })
    }

    @Test func loraLinearSkipsGradientsOfFrozenInputs() throws {
        let x = try Tensor(shape: [2, 4], scalars: random([2, 4], seed: 5).data)
        let weight = try Tensor(shape: [3, 4], scalars: random([3, 4], seed: 6).data)
        let a = try Tensor(shape: [2, 4], scalars: random([2, 4], seed: 7).data)
        let b = try Tensor(shape: [3, 2], scalars: random([3, 2], seed: 8).data)
        a.requiresGrad = true
        b.requiresGrad = true
        try x.loraLinear(weight: weight, a: a, b: b, scaling: 2).sum().backward()
        #expect(weight.grad == nil && x.grad == nil)
        #expect(a.grad?.shape == [2, 4] && b.grad?.shape == [3, 2])
    }

    @Test func embeddingMatchesOneHotMatmul() throws {
        let idValues = [2, 0, 2, 4, 1, 2]
        let ids = try Tensor(ids: idValues, shape: [2, 3])
        var oneHot = [Float](repeating: 0, count: 6 * 5)
        for (row, id) in idValues.enumerated() { oneHot[row * 5 + id] = 1 }
        let oneHotTensor = try Tensor(shape: [6, 5], scalars: oneHot)
        try expectSameAsComposition(
            [random([5, 4], seed: 8)],
            fused: { try ids.embedding(in: $0[0]) },
            composed: { try oneHotTensor.matmul($0[0]).reshape([2, 3, 4]) })
    }

    @Test func embeddingRejectsOutOfRangeIdsAndFloatIds() throws {
        let table = try Tensor.zeros([5, 4])
        #expect(throws: TensorError.indexOutOfRange(op: "embedding", index: 5, size: 5)) {
            try Tensor(ids: [1, 5]).embedding(in: table)
        }
        #expect(throws: TensorError.unsupportedDType(op: "embedding", dtype: .float32)) {
            try Tensor([1, 2]).embedding(in: table)
        }
        let int32Ids = try Tensor(ids: [4, 0], dtype: .int32)
        #expect(try int32Ids.embedding(in: table).shape == [2, 4])
    }

    @Test func shapeErrorsNameTheOp() throws {
        let x = try Tensor.zeros([2, 4])
        #expect(throws: TensorError.shapeMismatch(op: "rms_norm", lhs: [2, 4], rhs: [3])) {
            try x.rmsNorm(weight: try Tensor.zeros([3]))
        }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 5]).swiGLU() }
        #expect(throws: TensorError.self) {
            try Tensor.zeros([1, 2, 3, 4]).rotaryEmbedding(cos: try Tensor.zeros([3, 3]), sin: try Tensor.zeros([3, 3]))
        }
    }
}
