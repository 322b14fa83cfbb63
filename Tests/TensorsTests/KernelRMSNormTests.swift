import Testing

@testable import Tensors

/// RMSNormKernel against its Float64 reference, and the reference against finite
/// differences.
struct KernelRMSNormTests {
    typealias R = KernelReference
    let N = 5
    let C = 19  // odd: exercises the SIMD tails
    let eps = 1e-5

    @Test func referenceBackwardMatchesFiniteDifferences() {
        var g = R.Generator(seed: 1)
        let x = g.values(N * C)
        let w = g.values(C, in: 0.5...1.5)
        let dy = g.values(N * C)
        let (dx, dw) = R.rmsNormBackward(dy, x: x, weight: w, N: N, C: C, eps: eps)
        let numericX = R.numericGradient(
            of: { R.rmsNorm($0, weight: w, N: N, C: C, eps: eps) }, at: x, upstream: dy)
        let numericW = R.numericGradient(
            of: { R.rmsNorm(x, weight: $0, N: N, C: C, eps: eps) }, at: w, upstream: dy)
        #expect(R.worstError(dx, numericX, absolute: 1e-7, relative: 1e-6) <= 1)
        #expect(R.worstError(dw, numericW, absolute: 1e-7, relative: 1e-6) <= 1)
    }

    @Test func kernelMatchesReference() {
        var g = R.Generator(seed: 2)
        let x = g.values(N * C, in: -3...3)
        let w = g.values(C, in: 0.5...1.5)
        let dy = g.values(N * C)
        let xf = x.map { Float($0) }
        let wf = w.map { Float($0) }
        let dyf = dy.map { Float($0) }
        var y = [Float](repeating: 0, count: N * C)
        var rstd = [Float](repeating: 0, count: N)
        RMSNormKernel.forward(
            output: &y, rstd: &rstd, input: xf, weight: wf, N: N, C: C, eps: Float(eps))
        #expect(R.worstError(y, R.rmsNorm(x, weight: w, N: N, C: C, eps: eps)) <= 1)

        // Backward accumulates: start from 1 and expect 1 + gradient.
        var dx = [Float](repeating: 1, count: N * C)
        var dw = [Float](repeating: 1, count: C)
        RMSNormKernel.backward(
            inputGradient: &dx, weightGradient: &dw, outputGradient: dyf, input: xf, weight: wf,
            rstd: rstd, N: N, C: C)
        let expected = R.rmsNormBackward(dy, x: x, weight: w, N: N, C: C, eps: eps)
        #expect(R.worstError(dx, expected.dx.map { $0 + 1 }) <= 1)
        #expect(R.worstError(dw, expected.dw.map { $0 + 1 }) <= 1)
    }

    @Test func manyRowsSplitIntoRangesGiveTheSameWeightGradient() {
        // 200 rows make several row ranges; the sum must still match the reference.
        let rows = 200
        let channels = 8
        var g = R.Generator(seed: 3)
        let x = g.values(rows * channels)
        let w = g.values(channels, in: 0.5...1.5)
        let dy = g.values(rows * channels)
        var y = [Float](repeating: 0, count: rows * channels)
        var rstd = [Float](repeating: 0, count: rows)
        RMSNormKernel.forward(
            output: &y, rstd: &rstd, input: x.map { Float($0) }, weight: w.map { Float($0) },
            N: rows, C: channels, eps: Float(eps))
        var dx = [Float](repeating: 0, count: rows * channels)
        var dw = [Float](repeating: 0, count: channels)
        RMSNormKernel.backward(
            inputGradient: &dx, weightGradient: &dw, outputGradient: dy.map { Float($0) },
            input: x.map { Float($0) }, weight: w.map { Float($0) }, rstd: rstd,
            N: rows, C: channels)
        let expected = R.rmsNormBackward(dy, x: x, weight: w, N: rows, C: channels, eps: eps)
        #expect(R.worstError(dw, expected.dw, absolute: 1e-4) <= 1)
        #expect(R.worstError(dx, expected.dx) <= 1)
    }
}
