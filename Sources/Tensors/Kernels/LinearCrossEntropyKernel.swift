
/// Cross-entropy of `hidden · weightᵀ` against targets, computed in row chunks so the
/// [N, V] logits never exist whole.
///
/// The lm_head projection and the loss are fused per chunk of R rows: the chunk's logits
/// [R, V] are made by one sgemm, turned into losses, then overwritten by their own
/// gradient, which two more sgemm calls push into dhidden and dweight. Forward and
/// backward happen in the same pass (the idea of Liger Kernel's fused linear
/// cross-entropy): the gradients are computed for an upstream gradient of 1 and the op
/// scales them when the real one arrives. Shapes: N rows, C hidden size, V vocabulary,
/// R rows per chunk.
public enum LinearCrossEntropyKernel {
    /// The gradient buffers to fill, if any.
    public struct Gradients {
        /// [N, C], accumulated (+=); nil when hidden needs no gradient.
        public var hidden: UnsafeMutablePointer<Float>?
        /// [V, C], accumulated (+=); nil when the weight needs no gradient.
        public var weight: UnsafeMutablePointer<Float>?

        /// The buffers to accumulate into.
        public init(hidden: UnsafeMutablePointer<Float>?, weight: UnsafeMutablePointer<Float>?) {
            self.hidden = hidden
            self.weight = weight
        }
    }

    /// Returns the mean cross-entropy over the counted rows and, when asked, accumulates
    /// its gradients (for an upstream gradient of `gradientScale`).
    /// - Parameters:
    ///   - hidden: [N, C].
    ///   - weight: [V, C], the lm_head weight (HF layout: out_features first).
    ///   - targets: [N]; `ignoreIndex` rows count for nothing.
    ///   - scratch: [R, V] floats, the chunk's logits and then their gradient.
    ///   - gradients: where dhidden and dweight go (accumulated), or nil.
    /// - Throws: `TensorError.indexOutOfRange` for a target outside 0..<V.
    public static func run(
        hidden: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        targets: UnsafePointer<Int64>, N: Int, C: Int, V: Int, R: Int,
        scratch: UnsafeMutablePointer<Float>, gradients: Gradients?,
        gradientScale: Float = 1, labelSmoothing: Float = 0,
        ignoreIndex: Int64 = CrossEntropyKernel.defaultIgnoreIndex
    ) throws -> Float {
        try CrossEntropyKernel.validate(targets: targets, N: N, V: V, ignoreIndex: ignoreIndex)
        let count = CrossEntropyKernel.countedRows(targets: targets, N: N, ignoreIndex: ignoreIndex)
        let chunk = max(1, R)
        // rowLoss, rowLSE: [R] each, per chunk.
        let rowStats = UnsafeMutablePointer<Float>.allocate(capacity: 2 * chunk)
        defer { rowStats.deallocate() }
        let rowLoss = rowStats
        let rowLSE = rowStats + chunk
        var total = 0.0
        var start = 0
        while start < N {
            let rows = min(chunk, N - start)
            let h = hidden + start * C
            let t = targets + start
            // scratch[rows, V] = h · weightᵀ
            BLAS.sgemm(
                transA: .none, transB: .transposed, m: rows, n: V, k: C, alpha: 1,
                a: h, lda: C,
                b: weight, ldb: C,
                beta: 0, c: scratch, ldc: V)
            let wantsGradients =
                count > 0 && (gradients?.hidden != nil || gradients?.weight != nil)
            if let gradients, wantsGradients {
                // One exp per logit: the losses and, in place, their gradient.
                CrossEntropyKernel.forwardBackwardRows(
                    losses: rowLoss, logits: scratch, targets: t, N: rows, V: V,
                    scale: gradientScale / Float(count), labelSmoothing: labelSmoothing,
                    ignoreIndex: ignoreIndex)
                for r in 0..<rows { total += Double(rowLoss[r]) }
                if let dh = gradients.hidden {
                    // dh[rows, C] += dlogits[rows, V] · weight[V, C]
                    BLAS.sgemm(
                        transA: .none, transB: .none, m: rows, n: C, k: V, alpha: 1,
                        a: scratch, lda: V,
                        b: weight, ldb: C,
                        beta: 1, c: dh + start * C, ldc: C)
                }
                if let dw = gradients.weight {
                    // dw[V, C] += dlogitsᵀ[V, rows] · h[rows, C]
                    BLAS.sgemm(
                        transA: .transposed, transB: .none, m: V, n: C, k: rows, alpha: 1,
                        a: scratch, lda: V,
                        b: h, ldb: C,
                        beta: 1, c: dw, ldc: C)
                }
            } else {
                CrossEntropyKernel.forwardRows(
                    losses: rowLoss, logSumExp: rowLSE, logits: scratch, targets: t, N: rows, V: V,
                    labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex)
                for r in 0..<rows { total += Double(rowLoss[r]) }
            }
            start += rows
        }
        return Float(total / Double(count))
    }
}
