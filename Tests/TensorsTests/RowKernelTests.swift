import CKernels
import Foundation
import TestSupport
import Testing

@testable import Tensors

/// The CKernels row kernels (lfs_rows.h) against Float64 math, on the AVX2 + FMA path
/// (where the CPU has it) and the portable C path, at lengths with and without a tail
/// of fewer than eight; and the fused cross-entropy rows against the two-pass ones.
@Suite(.serialized)
struct RowKernelTests {
    /// Runs `body` once with the CPU's kernels and once forced portable.
    func bothPaths(_ body: () throws -> Void) rethrows {
        let previous = lfs_force_portable(0)
        defer { lfs_force_portable(previous) }
        try body()
        lfs_force_portable(1)
        try body()
    }

    /// Worst |got - expected| / max(1e-30, |expected|).
    func worstRelative(_ got: [Float], _ expected: [Double]) -> Double {
        zip(got, expected).map { abs(Double($0) - $1) / max(1e-30, abs($1)) }.max() ?? 0
    }

    @Test(arguments: [1, 8, 13, 100])
    func expSumAndAffineMatchFloat64(count: Int) {
        var generator = SeededGenerator(seed: 21)
        let x = generator.floats(count, low: -20, high: 20)
        let shift: Float = 3.5
        let expected = x.map { Foundation.exp(Double($0) - Double(shift)) }
        bothPaths {
            var stored = [Float](repeating: 0, count: count)
            let sum = lfs_exp_sum(x, &stored, count, shift)
            #expect(worstRelative(stored, expected) < 1e-5)
            #expect(abs(Double(sum) - expected.reduce(0, +)) / expected.reduce(0, +) < 1e-5)
            #expect(lfs_exp_sum(x, nil, count, shift) == sum)
            var y = [Float](repeating: 0, count: count)
            lfs_exp_affine(&y, x, count, shift, 0.5, -0.25)
            #expect(worstRelative(y, expected.map { $0 * 0.5 - 0.25 }) < 1e-5)
            lfs_affine(&y, x, count, 2, 1)
            #expect(worstRelative(y, x.map { Double($0) * 2 + 1 }) < 1e-6)
            #expect(lfs_row_max(x, count) == x.max())
            let sumError = abs(Double(lfs_row_sum(x, count)) - x.reduce(0) { $0 + Double($1) })
            #expect(sumError < 1e-4)
        }
    }

    @Test(arguments: [0, 3, 256, 700])
    func logSumExpMatchesFloat64AcrossBlocks(count: Int) {
        var generator = SeededGenerator(seed: 24)
        // Rising values, so later blocks raise the running max and rescale the sum.
        let x = (0..<count).map { Float($0) * 0.05 + generator.floats(1, low: -2, high: 2)[0] }
        let maximum = x.map(Double.init).max() ?? -.infinity
        let expected = count == 0 ? -Double.infinity : maximum + Foundation.log(x.map { Foundation.exp(Double($0) - maximum) }.reduce(0, +))
        bothPaths {
            let lse = lfs_log_sum_exp(x, count)
            if count == 0 {
                #expect(lse == -.infinity)
            } else {
                #expect(abs(Double(lse) - expected) < 1e-5 * max(1, abs(expected)))
            }
        }
        #expect(lfs_log_sum_exp([-.infinity, -.infinity], 2) == -.infinity)
        #expect(lfs_log_sum_exp([1, .nan, 2], 3).isNaN)
    }

    @Test func expHandlesInfinitiesNaNAndUnderflow() {
        let x: [Float] = [-.infinity, -100, 0, .nan, 1, -.infinity, -87.5, 2, -.infinity]
        bothPaths {
            var y = [Float](repeating: 7, count: x.count)
            _ = lfs_exp_sum(x, &y, x.count, 0)
            #expect(y[0] == 0 && y[1] == 0 && y[5] == 0 && y[6] == 0 && y[8] == 0)
            #expect(y[2] == 1 && y[3].isNaN)
            #expect(abs(y[4] - Float(M_E)) < 1e-6 && abs(y[7] - Float(M_E * M_E)) < 1e-5)
            // max skips NaN; an empty row's max is -infinity.
            #expect(lfs_row_max(x, x.count) == 2)
            #expect(lfs_row_max(x, 0) == -.infinity)
        }
    }

    @Test(arguments: [5, 16, 37])
    func swiGLURowsMatchFloat64(count: Int) {
        var generator = SeededGenerator(seed: 22)
        let gate = generator.floats(count, low: -12, high: 12)
        let up = generator.floats(count)
        let dy = generator.floats(count)
        func sigmoid(_ g: Double) -> Double { 1 / (1 + Foundation.exp(-g)) }
        bothPaths {
            var y = [Float](repeating: 0, count: count)
            lfs_swiglu_forward(&y, gate, up, count)
            let expected = (0..<count).map { Double(gate[$0]) * sigmoid(Double(gate[$0])) * Double(up[$0]) }
            #expect(KernelReference.worstError(y, expected) <= 1)
            // Accumulates onto what is there.
            var dgate = [Float](repeating: 1, count: count)
            var dup = [Float](repeating: -1, count: count)
            lfs_swiglu_backward(&dgate, &dup, dy, gate, up, count, 1)
            let expectedUp = (0..<count).map { i -> Double in
                let g = Double(gate[i])
                return -1 + Double(dy[i]) * g * sigmoid(g)
            }
            let expectedGate = (0..<count).map { i -> Double in
                let (g, s) = (Double(gate[i]), sigmoid(Double(gate[i])))
                return 1 + Double(dy[i]) * Double(up[i]) * s * (1 + g * (1 - s))
            }
            #expect(KernelReference.worstError(dup, expectedUp) <= 1)
            #expect(KernelReference.worstError(dgate, expectedGate) <= 1)
            // Written over whatever was there (NaN) when not accumulating.
            var writtenGate = [Float](repeating: .nan, count: count)
            var writtenUp = [Float](repeating: .nan, count: count)
            lfs_swiglu_backward(&writtenGate, &writtenUp, dy, gate, up, count, 0)
            #expect(KernelReference.worstError(writtenUp, expectedUp.map { $0 + 1 }) <= 1)
            #expect(KernelReference.worstError(writtenGate, expectedGate.map { $0 - 1 }) <= 1)
        }
    }

    @Test(arguments: [4, 12, 32])
    func rotateHalfMatchesFloat64InPlaceAndAccumulating(half: Int) {
        var generator = SeededGenerator(seed: 25)
        let x = generator.floats(2 * half)
        let cos = generator.floats(half)
        let sin = generator.floats(half)
        for sign: Float in [1, -1] {
            var expected = [Double](repeating: 0, count: 2 * half)
            for i in 0..<half {
                let (a, b, c, s) = (Double(x[i]), Double(x[i + half]), Double(cos[i]), Double(sign * sin[i]))
                expected[i] = a * c - b * s
                expected[i + half] = b * c + a * s
            }
            bothPaths {
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { buffer in
                    lfs_rotate_half(buffer.baseAddress, buffer.baseAddress, cos, sin, half, sign, 0)
                }
                #expect(KernelReference.worstError(inPlace, expected) <= 1)
                var accumulated = [Float](repeating: 0.5, count: 2 * half)
                lfs_rotate_half(&accumulated, x, cos, sin, half, sign, 1)
                #expect(KernelReference.worstError(accumulated, expected.map { $0 + 0.5 }) <= 1)
            }
        }
    }

    @Test(arguments: [Float(0), Float(0.1)])
    func fusedCrossEntropyRowsEqualTheTwoPasses(smoothing: Float) {
        let (N, V) = (5, 21)
        let targets: [Int64] = [3, -100, 0, 20, 7]
        var generator = SeededGenerator(seed: 23)
        let logits = generator.floats(N * V, low: -4, high: 4)
        let scale: Float = 0.75
        var losses = [Float](repeating: 0, count: N)
        var lse = [Float](repeating: 0, count: N)
        CrossEntropyKernel.forwardRows(
            losses: &losses, logSumExp: &lse, logits: logits, targets: targets, N: N, V: V,
            labelSmoothing: smoothing)
        var gradient = [Float](repeating: 0, count: N * V)
        CrossEntropyKernel.backwardRows(
            logitsGradient: &gradient, logits: logits, logSumExp: lse, targets: targets, N: N, V: V,
            scale: scale, labelSmoothing: smoothing)
        bothPaths {
            var fused = logits
            var fusedLosses = [Float](repeating: 9, count: N)
            CrossEntropyKernel.forwardBackwardRows(
                losses: &fusedLosses, logits: &fused, targets: targets, N: N, V: V, scale: scale,
                labelSmoothing: smoothing)
            #expect(fusedLosses[1] == 0 && fused[V..<(2 * V)].allSatisfy { $0 == 0 })
            #expect(KernelReference.worstError(fusedLosses, losses.map { Double($0) }) <= 1)
            #expect(KernelReference.worstError(fused, gradient.map { Double($0) }) <= 1)
        }
    }
}
