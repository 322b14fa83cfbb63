import Testing

@testable import Tensors

/// CrossEntropyKernel row by row, and LinearCrossEntropyKernel's chunks, against the
/// Float64 reference of PyTorch's formula.
struct KernelCrossEntropyTests {
    typealias R = KernelReference
    let N = 6
    let V = 13
    let targets: [Int64] = [3, -100, 0, 12, 5, -100]

    @Test(arguments: [0.0, 0.1])
    func referenceBackwardMatchesFiniteDifferences(smoothing: Double) {
        var g = R.Generator(seed: 14)
        let z = g.values(N * V, in: -3...3)
        let dz = R.crossEntropyBackward(logits: z, targets: targets, N: N, V: V, smoothing: smoothing)
        let numeric = R.numericGradient(
            of: { [R.crossEntropy(logits: $0, targets: targets, N: N, V: V, smoothing: smoothing)] },
            at: z, upstream: [1])
        #expect(R.worstError(dz, numeric, absolute: 1e-8, relative: 1e-6) <= 1)
    }

    @Test(arguments: [Float(0), Float(0.1)])
    func rowsMatchReference(smoothing: Float) throws {
        var g = R.Generator(seed: 15)
        let z = g.values(N * V, in: -3...3)
        let zf = z.map { Float($0) }
        try CrossEntropyKernel.validate(targets: targets, N: N, V: V)
        var losses = [Float](repeating: 0, count: N)
        var lse = [Float](repeating: 0, count: N)
        CrossEntropyKernel.forwardRows(
            losses: &losses, logSumExp: &lse, logits: zf, targets: targets, N: N, V: V,
            labelSmoothing: smoothing)
        let count = CrossEntropyKernel.countedRows(targets: targets, N: N)
        #expect(count == 4)
        #expect(losses[1] == 0 && losses[5] == 0)
        let loss = CrossEntropyKernel.mean(losses: losses, N: N, count: count)
        let expected = R.crossEntropy(logits: z, targets: targets, N: N, V: V, smoothing: Double(smoothing))
        #expect(R.worstError([loss], [expected]) <= 1)

        // In place, scaled by an upstream gradient of 2.
        var dz = zf
        dz.withUnsafeMutableBufferPointer { buffer in
            CrossEntropyKernel.backwardRows(
                logitsGradient: buffer.baseAddress!, logits: buffer.baseAddress!, logSumExp: lse,
                targets: targets, N: N, V: V, scale: 2 / Float(count), labelSmoothing: smoothing)
        }
        let expectedGradient = R.crossEntropyBackward(
            logits: z, targets: targets, N: N, V: V, smoothing: Double(smoothing)).map { 2 * $0 }
        #expect(R.worstError(dz, expectedGradient) <= 1)
    }

    @Test func allIgnoredGivesNaNLikePyTorchAndBadTargetsThrow() throws {
        let ignored = [Int64](repeating: -100, count: 2)
        let losses: [Float] = [0, 0]
        #expect(CrossEntropyKernel.mean(losses: losses, N: 2, count: 0).isNaN)
        #expect(CrossEntropyKernel.countedRows(targets: ignored, N: 2) == 0)
        #expect(throws: TensorError.indexOutOfRange(op: "cross_entropy", index: Int(13), size: 13)) {
            try CrossEntropyKernel.validate(targets: [0, 13], N: 2, V: 13)
        }
        #expect(throws: TensorError.self) {
            try CrossEntropyKernel.validate(targets: [-1], N: 1, V: 13)
        }
    }

    @Test(arguments: [1, 4, 6, 100])
    func linearChunksMatchTheWholeComputation(chunkRows: Int) throws {
        let C = 5
        var g = R.Generator(seed: 16)
        let hidden = g.values(N * C)
        let weight = g.values(V * C)
        // The reference: logits = hidden · weightᵀ, then the loss and its gradients.
        var logits = [Double](repeating: 0, count: N * V)
        for n in 0..<N {
            for v in 0..<V {
                for c in 0..<C { logits[n * V + v] += hidden[n * C + c] * weight[v * C + c] }
            }
        }
        let smoothing = 0.05
        let expectedLoss = R.crossEntropy(logits: logits, targets: targets, N: N, V: V, smoothing: smoothing)
        let dz = R.crossEntropyBackward(logits: logits, targets: targets, N: N, V: V, smoothing: smoothing)
        var expectedHidden = [Double](repeating: 0, count: N * C)
        var expectedWeight = [Double](repeating: 0, count: V * C)
        for n in 0..<N {
            for v in 0..<V {
                for c in 0..<C {
                    expectedHidden[n * C + c] += 3 * dz[n * V + v] * weight[v * C + c]
                    expectedWeight[v * C + c] += 3 * dz[n * V + v] * hidden[n * C + c]
                }
            }
        }
        var scratch = [Float](repeating: 0, count: min(chunkRows, N) * V)
        var dHidden = [Float](repeating: 0, count: N * C)
        var dWeight = [Float](repeating: 0, count: V * C)
        let loss = try dHidden.withUnsafeMutableBufferPointer { dh in
            try dWeight.withUnsafeMutableBufferPointer { dw in
                try LinearCrossEntropyKernel.run(
                    hidden: hidden.map { Float($0) }, weight: weight.map { Float($0) },
                    targets: targets, N: N, C: C, V: V, R: chunkRows, scratch: &scratch,
                    gradients: .init(hidden: dh.baseAddress, weight: dw.baseAddress),
                    gradientScale: 3, labelSmoothing: Float(smoothing))
            }
        }
        #expect(R.worstError([loss], [expectedLoss]) <= 1)
        #expect(R.worstError(dHidden, expectedHidden) <= 1)
        #expect(R.worstError(dWeight, expectedWeight) <= 1)
    }
}
