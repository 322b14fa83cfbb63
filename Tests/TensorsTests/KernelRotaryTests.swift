import Foundation
import Testing

@testable import Tensors

/// RotaryKernel: tables, the rotate_half rotation in two layouts, its inverse as backward.
struct KernelRotaryTests {
    typealias R = KernelReference
    let B = 2
    let H = 3
    let T = 4
    let D = 6
    let inverseFrequencies: [Double] = [1, 0.1, 0.01].map { Double(Float($0)) }
    // Positions per batch ([B, T]): the second batch is left-padded by one.
    let positions: [Int64] = [0, 1, 2, 3, 0, 0, 1, 2]

    func tables() -> (cos: [Float], sin: [Float]) {
        var cos = [Float](repeating: 0, count: B * T * D / 2)
        var sin = cos
        RotaryKernel.tables(
            cos: &cos, sin: &sin, positions: positions,
            inverseFrequencies: inverseFrequencies.map { Float($0) }, P: B * T,
            halfDimension: D / 2)
        return (cos, sin)
    }

    @Test func tablesHoldCosineAndSineOfPositionTimesFrequency() {
        let (cos, sin) = tables()
        let angles = positions.flatMap { p in inverseFrequencies.map { Double(p) * $0 } }
        #expect(R.worstError(cos, angles.map { Foundation.cos($0) }) <= 1)
        #expect(R.worstError(sin, angles.map { Foundation.sin($0) }) <= 1)
    }

    @Test func forwardMatchesReferenceAndBackwardIsTheInverseRotation() {
        var g = R.Generator(seed: 8)
        let x = g.values(B * H * T * D)
        let dy = g.values(B * H * T * D)
        let (cos, sin) = tables()
        let layout = HeadLayout.headsFirst(heads: H, tokens: T, headDimension: D)
        var y = [Float](repeating: 0, count: x.count)
        RotaryKernel.forward(
            output: &y, input: x.map { Float($0) }, cos: cos, sin: sin, B: B, H: H, T: T, D: D,
            inputLayout: layout, outputLayout: layout, tableBatchStride: T * D / 2)
        let expected = R.rotary(x, positions: positions, inverseFrequencies: inverseFrequencies, B: B, H: H, T: T, D: D)
        #expect(R.worstError(y, expected) <= 1)

        // The reference inverse rotation is the true gradient ...
        let numeric = R.numericGradient(
            of: { R.rotary($0, positions: positions, inverseFrequencies: inverseFrequencies, B: B, H: H, T: T, D: D) },
            at: x, upstream: dy)
        let inverse = R.rotary(
            dy, positions: positions, inverseFrequencies: inverseFrequencies, B: B, H: H, T: T, D: D,
            inverse: true)
        #expect(R.worstError(inverse, numeric, absolute: 1e-7, relative: 1e-6) <= 1)
        // ... and the kernel's backward adds it.
        var dx = [Float](repeating: 1, count: x.count)
        RotaryKernel.backward(
            inputGradient: &dx, outputGradient: dy.map { Float($0) }, cos: cos, sin: sin,
            B: B, H: H, T: T, D: D, inputLayout: layout, outputLayout: layout,
            tableBatchStride: T * D / 2)
        #expect(R.worstError(dx, inverse.map { $0 + 1 }) <= 1)
    }

    @Test func readsTokensFirstAndWritesHeadsFirstInOnePass() {
        var g = R.Generator(seed: 9)
        let x = g.values(B * H * T * D)  // headsFirst
        // The same values laid out [B, T, H, D].
        var tokensFirst = [Float](repeating: 0, count: x.count)
        for b in 0..<B {
            for h in 0..<H {
                for t in 0..<T {
                    for d in 0..<D {
                        tokensFirst[((b * T + t) * H + h) * D + d] = Float(x[((b * H + h) * T + t) * D + d])
                    }
                }
            }
        }
        let (cos, sin) = tables()
        var y = [Float](repeating: 0, count: x.count)
        RotaryKernel.forward(
            output: &y, input: tokensFirst, cos: cos, sin: sin, B: B, H: H, T: T, D: D,
            inputLayout: .tokensFirst(heads: H, tokens: T, headDimension: D),
            outputLayout: .headsFirst(heads: H, tokens: T, headDimension: D),
            tableBatchStride: T * D / 2)
        let expected = R.rotary(x, positions: positions, inverseFrequencies: inverseFrequencies, B: B, H: H, T: T, D: D)
        #expect(R.worstError(y, expected) <= 1)
    }

    @Test func sharedTablesRotateInPlace() {
        var g = R.Generator(seed: 10)
        let x = g.values(B * H * T * D)
        let shared: [Int64] = [5, 6, 7, 8]
        var cos = [Float](repeating: 0, count: T * D / 2)
        var sin = cos
        RotaryKernel.tables(
            cos: &cos, sin: &sin, positions: shared,
            inverseFrequencies: inverseFrequencies.map { Float($0) }, P: T, halfDimension: D / 2)
        var y = x.map { Float($0) }
        let layout = HeadLayout.headsFirst(heads: H, tokens: T, headDimension: D)
        y.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            RotaryKernel.forward(
                output: base, input: base, cos: cos, sin: sin, B: B, H: H, T: T, D: D,
                inputLayout: layout, outputLayout: layout, tableBatchStride: 0)
        }
        let expected = R.rotary(
            x, positions: shared + shared, inverseFrequencies: inverseFrequencies, B: B, H: H, T: T, D: D)
        #expect(R.worstError(y, expected) <= 1)
    }
}
