import Testing
import Tensors

@testable import Tuning

/// Optimizers over real tensors after a backward pass.
struct OptimTensorTests {
    @Test func adamwUpdatesTensorsFromBackwardGradients() throws {
        let weight = try Tensor(shape: [2, 2], scalars: [1, -2, 3, 0.5])
        weight.requiresGrad = true
        weight.name = "layer.q_proj.weight"
        let bias = Tensor([0.5, -0.5])
        bias.requiresGrad = true
        bias.name = "layer.q_proj.bias"
        // loss = sum(w * w) + sum(3 * b): grad w = 2w, grad b = 3.
        let loss = try (weight * weight).sum() + (bias * 3).sum()
        try loss.backward()
        let optimizer = try AdamW(
            parameters: [NamedParameter(tensor: weight, index: 0), NamedParameter(tensor: bias, index: 1)],
            lr: 0.1, weightDecay: 0.5)
        #expect(optimizer.groups.map(\.names) == [["layer.q_proj.weight"], ["layer.q_proj.bias"]])
        try optimizer.step()
        // First AdamW step: p * (1 - lr wd) - lr * sign(g) (m_hat / sqrt(v_hat) = sign(g)).
        let w = weight.toFloatArray()
        let expected: [Float] = [1, -2, 3, 0.5].map { $0 * (1 - 0.05) - 0.1 * ($0 > 0 ? 1 : -1) }
        for (a, e) in zip(w, expected) { #expect(abs(a - e) < 1e-5) }
        let b = bias.toFloatArray()
        #expect(abs(b[0] - 0.4) < 1e-5 && abs(b[1] - (-0.6)) < 1e-5)
        let norm = try GradientClipping.clipGradNorm([weight, bias], maxNorm: 1)
        #expect(abs(norm - (4 * (1 + 4 + 9 + 0.25) + 9 + 9).squareRoot()) < 1e-4)
        optimizer.zeroGrad()
        #expect(weight.grad == nil && bias.grad == nil)
    }
}
