import Foundation
import Tensors
import TestSupport
import Testing

/// The fused cross-entropy ops against log-sum-exp composed from primitive ops.
struct FusedCrossEntropyTests {
    let N = 5
    let V = 7
    let targetValues = [3, -100, 0, 6, 2]

    /// PyTorch's formula composed: Σ_counted (lse - Σ_v q_v z_v) / count, with the
    /// target distribution q = (1 - ε) onehot + ε / V.
    func composed(_ logits: Tensor, smoothing: Float) throws -> Tensor {
        var distribution = [Float](repeating: 0, count: N * V)
        var counted = [Float](repeating: 0, count: N)
        for (row, target) in targetValues.enumerated() where target != -100 {
            counted[row] = 1
            for v in 0..<V { distribution[row * V + v] = smoothing / Float(V) + (v == target ? 1 - smoothing : 0) }
        }
        let q = try Tensor(shape: [N, V], scalars: distribution)
        let rows = try Tensor(shape: [N], scalars: counted)
        let m = try logits.max(dim: -1, keepdim: true).detach()
        let lse = try (logits - m).exp().sum(dim: -1).log() + m.reshape([N])
        let perRow = try lse - (q * logits).sum(dim: -1)
        return try (perRow * rows).sum() / Float(counted.reduce(0, +))
    }

    @Test(arguments: [Float(0), Float(0.1)])
    func crossEntropyMatchesComposition(smoothing: Float) throws {
        let targets = try Tensor(ids: targetValues)
        try expectSameAsComposition(
            [random([N, V], seed: 30, low: -3, high: 3)],
            fused: { try $0[0].crossEntropy(targets: targets, labelSmoothing: smoothing) },
            composed: { try composed($0[0], smoothing: smoothing) })
    }

    @Test(arguments: [(1, true), (2, false), (64, true)])
    func linearCrossEntropyMatchesMatmulThenComposition(chunkRows: Int, withGrad: Bool) throws {
        let targets = try Tensor(ids: targetValues)
        let C = 4
        let values = [random([N, C], seed: 31), random([V, C], seed: 32)]
        let composedResult = try outputAndGradients(values) { x in
            try composed(x[0].matmul(try x[1].transposed()), smoothing: 0.05)
        }
        // The forward alone (no grad) and the fused forward+backward must both match.
        let fused = try outputAndGradients(values) { x in
            try x[0].linearCrossEntropy(weight: x[1], targets: targets, labelSmoothing: 0.05, chunkRows: chunkRows)
        }
        #expect(agree(fused.output, composedResult.output))
        #expect(agree(fused.gradients[0], composedResult.gradients[0]))
        #expect(agree(fused.gradients[1], composedResult.gradients[1]))
        let hidden = try Tensor(shape: [N, C], scalars: values[0].data)
        let weight = try Tensor(shape: [V, C], scalars: values[1].data)
        let noGrad = try withNoGrad {
            try hidden.linearCrossEntropy(weight: weight, targets: targets, labelSmoothing: 0.05, chunkRows: chunkRows)
        }
        #expect(agree(noGrad.toFloatArray(), composedResult.output))
    }

    @Test func everyRowIgnoredGivesNaNAndAZeroGradient() throws {
        let logits = try Tensor.zeros([2, 3])
        logits.requiresGrad = true
        let loss = try logits.crossEntropy(targets: try Tensor(ids: [-100, -100]))
        #expect(try loss.item().isNaN)
        try loss.backward()
        #expect(logits.grad?.toFloatArray() == [0, 0, 0, 0, 0, 0])
    }

    @Test func badTargetsAndOptionsThrow() throws {
        let logits = try Tensor.zeros([2, 3])
        #expect(throws: TensorError.indexOutOfRange(op: "cross_entropy", index: 3, size: 3)) {
            try logits.crossEntropy(targets: try Tensor(ids: [0, 3]))
        }
        #expect(throws: TensorError.shapeMismatch(op: "cross_entropy", lhs: [2, 3], rhs: [3])) {
            try logits.crossEntropy(targets: try Tensor(ids: [0, 1, 2]))
        }
        #expect(throws: TensorError.self) {
            try logits.crossEntropy(targets: try Tensor(ids: [0, 1]), labelSmoothing: 1.5)
        }
        #expect(throws: TensorError.indexOutOfRange(op: "cross_entropy", index: 9, size: 3)) {
            try Tensor.zeros([2, 4]).linearCrossEntropy(weight: try Tensor.zeros([3, 4]), targets: try Tensor(ids: [9, 0]))
        }
    }
}
