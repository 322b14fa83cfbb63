import Foundation
import Testing

@testable import Tensors

/// The vectorised helpers the kernels share.
struct KernelMathTests {
    @Test func vectorExpIsWithinAFewUlpOfFoundation() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let lanes = KernelMath.exp(KernelMath.Lanes(repeating: x))
            let exact = Float(Foundation.exp(Double(x)))
            worst = max(worst, abs(lanes[0] - exact) / exact)
            x += 0.37
        }
        #expect(worst < 4e-7)
    }

    @Test func vectorExpUnderflowsToZero() {
        let lanes = KernelMath.exp(KernelMath.Lanes(repeating: -.infinity))
        #expect(lanes == KernelMath.Lanes(repeating: 0))
        #expect(KernelMath.exp(KernelMath.Lanes(repeating: -100))[3] == 0)
        #expect(KernelMath.exp(KernelMath.Lanes(repeating: 0))[5] == 1)
    }

    @Test func expInPlaceHandlesTailsAndReturnsTheSum() {
        var row: [Float] = (0..<13).map { Float($0) * 0.25 - 1 }
        let expected = row.map { Foundation.exp(Double($0) - 0.5) }
        let sum = KernelMath.expInPlace(&row, row.count, shift: 0.5)
        #expect(KernelReference.worstError(row, expected, absolute: 0, relative: 1e-6) <= 1)
        #expect(abs(Double(sum) - expected.reduce(0, +)) < 1e-5)
    }

    @Test func dotMaxAndRangesCoverEverything() {
        let a: [Float] = (0..<21).map { Float($0) }
        #expect(KernelMath.dot(a, a, 21) == Float((0..<21).reduce(0) { $0 + $1 * $1 }))
        #expect(KernelMath.max(a, 21) == 20)
        let parts = KernelParallel.rangeCount(1000, grain: 16)
        let covered = (0..<parts).flatMap { KernelParallel.range($0, of: parts, count: 1000) }
        #expect(covered == Array(0..<1000))
    }
}
