import Testing

@testable import Tensors

/// SwiGLUKernel, separate and fused gate/up layouts, against its Float64 reference.
struct KernelSwiGLUTests {
    typealias R = KernelReference
    let N = 3
    let F = 11

    @Test func referenceBackwardMatchesFiniteDifferences() {
        var g = R.Generator(seed: 4)
        let gate = g.values(N * F, in: -4...4)
        let up = g.values(N * F)
        let dy = g.values(N * F)
        let grads = R.swiGLUBackward(dy, gate: gate, up: up)
        let numericGate = R.numericGradient(of: { R.swiGLU(gate: $0, up: up) }, at: gate, upstream: dy)
        let numericUp = R.numericGradient(of: { R.swiGLU(gate: gate, up: $0) }, at: up, upstream: dy)
        #expect(R.worstError(grads.gate, numericGate, absolute: 1e-7, relative: 1e-6) <= 1)
        #expect(R.worstError(grads.up, numericUp, absolute: 1e-7, relative: 1e-6) <= 1)
    }

    @Test func fusedLayoutMatchesReference() {
        var g = R.Generator(seed: 5)
        let gate = g.values(N * F, in: -4...4)
        let up = g.values(N * F)
        let dy = g.values(N * F)
        // gateUp: [N, 2F], gate in the first half of each row.
        var gateUp = [Float](repeating: 0, count: N * 2 * F)
        for n in 0..<N {
            for i in 0..<F {
                gateUp[n * 2 * F + i] = Float(gate[n * F + i])
                gateUp[n * 2 * F + F + i] = Float(up[n * F + i])
            }
        }
        var y = [Float](repeating: 0, count: N * F)
        var dGateUp = [Float](repeating: 0, count: N * 2 * F)
        gateUp.withUnsafeBufferPointer { input in
            let base = input.baseAddress!
            SwiGLUKernel.forward(output: &y, gate: base, up: base + F, N: N, F: F, inputRowStride: 2 * F)
            dGateUp.withUnsafeMutableBufferPointer { gradient in
                let dBase = gradient.baseAddress!
                SwiGLUKernel.backward(
                    gateGradient: dBase, upGradient: dBase + F, outputGradient: dy.map { Float($0) },
                    gate: base, up: base + F, N: N, F: F, inputRowStride: 2 * F)
            }
        }
        #expect(R.worstError(y, R.swiGLU(gate: gate, up: up)) <= 1)
        let expected = R.swiGLUBackward(dy, gate: gate, up: up)
        var expectedFused = [Double](repeating: 0, count: N * 2 * F)
        for n in 0..<N {
            for i in 0..<F {
                expectedFused[n * 2 * F + i] = expected.gate[n * F + i]
                expectedFused[n * 2 * F + F + i] = expected.up[n * F + i]
            }
        }
        #expect(R.worstError(dGateUp, expectedFused) <= 1)
    }

    @Test func separateLayoutMatchesReference() {
        var g = R.Generator(seed: 6)
        let gate = g.values(N * F, in: -4...4)
        let up = g.values(N * F)
        var y = [Float](repeating: 0, count: N * F)
        SwiGLUKernel.forward(
            output: &y, gate: gate.map { Float($0) }, up: up.map { Float($0) }, N: N, F: F,
            inputRowStride: F)
        #expect(R.worstError(y, R.swiGLU(gate: gate, up: up)) <= 1)
    }
}
