import CKernels

extension AttentionKernel {
    /// Accumulates the gradients of `forward` into `queryGradient`, `keyGradient` and
    /// `valueGradient`.
    ///
    /// Per block, with P recomputed from the saved log-sum-exp:
    ///     dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)) * scale,
    ///     dQ += dS K,    dK += dS^T Q.
    /// Work is split by (batch, KV head); the query heads that share a KV head are
    /// stacked as in `forward`, so each block adds into its dK and dV with one sgemm
    /// each, in a fixed order, without races.
    /// - Parameters:
    ///   - queryGradient: [B, H, T, D] in `gradientLayouts.query`, accumulated (+=).
    ///   - keyGradient: [B, KVH, T, D] in `gradientLayouts.key`, accumulated (+=).
    ///   - valueGradient: [B, KVH, T, D] in `gradientLayouts.value`, accumulated (+=).
    ///   - outputGradient: [B, H, T, D] in `gradientLayouts.output`.
    ///   - output: [B, H, T, D] in `layouts.output`, as forward wrote it.
    ///   - logSumExp: [B, H, T], as forward saved it.
    ///   - query: as given to forward.
    ///   - key: as given to forward.
    ///   - value: as given to forward.
    ///   - keyMask: as given to forward.
    ///   - layouts: as given to forward.
    ///   - gradientLayouts: the layouts of the four gradient buffers (nil: `layouts`).
    public static func backward(
        queryGradient: UnsafeMutablePointer<Float>, keyGradient: UnsafeMutablePointer<Float>,
        valueGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
        output: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        keyMask: UnsafePointer<Float>?, configuration c: Configuration, layouts: Layouts,
        gradientLayouts: Layouts? = nil
    ) {
        let g = gradientLayouts ?? layouts
        let items = c.B * c.KVH
        // Per worker: probabilities and their gradient [group * blockSize, T] each, then
        // the packed queries, output gradients and query gradients [group * blockSize, D].
        let workers = KernelParallel.workerCount(items)
        let scratch = Scratch(c, buffers: 3, tiles: 2)
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: workers * scratch.floats)
        defer { memory.deallocate() }
        // delta: [B, H, T], rowsum(dO * O), the softmax backward's correction term.
        let delta = UnsafeMutablePointer<Float>.allocate(capacity: c.B * c.H * c.T)
        defer { delta.deallocate() }
        Parallel.forEachChunk(count: c.B * c.H, minimumChunk: 1) { heads in
            for bh in heads {
                let b = bh / c.H
                let h = bh % c.H
                for i in 0..<c.T {
                    delta[bh * c.T + i] = KernelMath.dot(
                        outputGradient + g.output.offset(b, h, i),
                        output + layouts.output.offset(b, h, i), c.D)
                }
            }
        }
        let k = layouts.key
        let v = layouts.value
        runParallel(items) { worker, item in
            let b = item / c.KVH
            let kvh = item % c.KVH
            let base = memory + worker * scratch.floats
            let p = base
            let dp = base + scratch.tile / 2
            let packedQuery = scratch.buffer(0, of: base)
            let packedOutputGradient = scratch.buffer(1, of: base)
            let packedQueryGradient = scratch.buffer(2, of: base)
            for block in 0..<c.blocks {
                let i0 = block * c.blockSize
                let i1 = min(c.T, i0 + c.blockSize)
                let j0 = c.firstKey(forBlockStart: i0)
                let rows = i1 - i0
                let keys = i1 - j0
                let m = c.group * rows
                pack(packedQuery, from: query, layout: layouts.query, b: b, kvh: kvh, i0: i0, rows: rows, c)
                pack(packedOutputGradient, from: outputGradient, layout: g.output, b: b, kvh: kvh, i0: i0, rows: rows, c)
                // p[m, keys] = scale * q k^T, then exp(. - lse), masked.
                BLAS.sgemm(
                    transA: .none, transB: .transposed, m: m, n: keys, k: c.D, alpha: c.scale,
                    a: packedQuery, lda: c.D,
                    b: key + k.offset(b, kvh, j0), ldb: k.tokenStride,
                    beta: 0, c: p, ldc: keys)
                for row in 0..<m {
                    let h = kvh * c.group + row / rows
                    let r = row % rows
                    probabilitiesRow(
                        p + row * keys, row: i0 + r, firstKey: j0, keys: keys, batch: b,
                        logSumExp: logSumExp[(b * c.H + h) * c.T + i0 + r],
                        keyMask: keyMask, configuration: c)
                }
                // dV[j0..<i1] += p^T dO
                BLAS.sgemm(
                    transA: .transposed, transB: .none, m: keys, n: c.D, k: m, alpha: 1,
                    a: p, lda: keys,
                    b: packedOutputGradient, ldb: c.D,
                    beta: 1, c: valueGradient + g.value.offset(b, kvh, j0), ldc: g.value.tokenStride)
                // dp[m, keys] = dO V[j0..<i1]^T
                BLAS.sgemm(
                    transA: .none, transB: .transposed, m: m, n: keys, k: c.D, alpha: 1,
                    a: packedOutputGradient, lda: c.D,
                    b: value + v.offset(b, kvh, j0), ldb: v.tokenStride,
                    beta: 0, c: dp, ldc: keys)
                // ds = p * (dp - delta) * scale, in dp.
                for row in 0..<m {
                    let h = kvh * c.group + row / rows
                    let correction = delta[(b * c.H + h) * c.T + i0 + row % rows]
                    KernelMath.softmaxGradientRow(
                        dp + row * keys, probabilities: p + row * keys, correction: correction,
                        scale: c.scale, keys)
                }
                // dQ = ds K[j0..<i1], added to the query heads' rows.
                BLAS.sgemm(
                    transA: .none, transB: .none, m: m, n: c.D, k: keys, alpha: 1,
                    a: dp, lda: keys,
                    b: key + k.offset(b, kvh, j0), ldb: k.tokenStride,
                    beta: 0, c: packedQueryGradient, ldc: c.D)
                unpack(packedQueryGradient, into: queryGradient, layout: g.query, b: b, kvh: kvh, i0: i0, rows: rows, accumulate: true, c)
                // dK[j0..<i1] += ds^T Q
                BLAS.sgemm(
                    transA: .transposed, transB: .none, m: keys, n: c.D, k: m, alpha: 1,
                    a: dp, lda: keys,
                    b: packedQuery, ldb: c.D,
                    beta: 1, c: keyGradient + g.key.offset(b, kvh, j0), ldc: g.key.tokenStride)
            }
        }
    }

    /// Recomputes one row of probabilities in place from its scores and saved
    /// log-sum-exp, zero where masked.
    static func probabilitiesRow(
        _ scores: UnsafeMutablePointer<Float>, row: Int, firstKey: Int, keys: Int, batch: Int,
        logSumExp: Float, keyMask: UnsafePointer<Float>?, configuration c: Configuration
    ) {
        guard logSumExp > -.infinity else {
            scores.update(repeating: 0, count: keys)
            return
        }
        let low = c.firstKey(forRow: row) - firstKey
        let high = row - firstKey + 1
        applyMask(scores, low: low, high: high, keys: keys, fill: -.infinity) { j in
            keyMask.map { $0[batch * c.T + firstKey + j] == 0 } ?? false
        }
        lfs_exp_affine(scores, scores, keys, logSumExp, 1, 0)
    }
}
