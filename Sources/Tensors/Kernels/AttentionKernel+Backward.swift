import CBLAS

extension AttentionKernel {
    /// Accumulates the gradients of `forward` into `queryGradient`, `keyGradient` and
    /// `valueGradient`.
    ///
    /// Per block, with P recomputed from the saved log-sum-exp:
    ///     dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)) * scale,
    ///     dQ += dS K,    dK += dS^T Q.
    /// Work is split by (batch, KV head), so the query heads that share a KV head add
    /// into its dK and dV one after another, in a fixed order, without races.
    /// - Parameters:
    ///   - queryGradient: [B, H, T, D] in `layouts.query`, accumulated (+=).
    ///   - keyGradient: [B, KVH, T, D] in `layouts.key`, accumulated (+=).
    ///   - valueGradient: [B, KVH, T, D] in `layouts.value`, accumulated (+=).
    ///   - outputGradient: [B, H, T, D] in `layouts.output`.
    ///   - output: [B, H, T, D] in `layouts.output`, as forward wrote it.
    ///   - logSumExp: [B, H, T], as forward saved it.
    ///   - query: as given to forward.
    ///   - key: as given to forward.
    ///   - value: as given to forward.
    ///   - keyMask: as given to forward.
    public static func backward(
        queryGradient: UnsafeMutablePointer<Float>, keyGradient: UnsafeMutablePointer<Float>,
        valueGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
        output: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        keyMask: UnsafePointer<Float>?, configuration c: Configuration, layouts: Layouts
    ) {
        let items = c.B * c.KVH
        // scratch: [workers, 2, blockSize, T], probabilities then their gradient.
        let workers = KernelParallel.workerCount(items)
        let stride = c.blockSize * c.T
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * 2 * stride)
        defer { scratch.deallocate() }
        // delta: [B, H, T], rowsum(dO * O), the softmax backward's correction term.
        let delta = UnsafeMutablePointer<Float>.allocate(capacity: c.B * c.H * c.T)
        defer { delta.deallocate() }
        KernelParallel.forEachRange(c.B * c.H, grain: 1) { heads in
            for bh in heads {
                let b = bh / c.H
                let h = bh % c.H
                for i in 0..<c.T {
                    delta[bh * c.T + i] = KernelMath.dot(
                        outputGradient + layouts.output.offset(b, h, i),
                        output + layouts.output.offset(b, h, i), c.D)
                }
            }
        }
        let o = layouts.output
        let q = layouts.query
        let k = layouts.key
        let v = layouts.value
        runParallel(items) { worker, item in
            let b = item / c.KVH
            let kvh = item % c.KVH
            let p = scratch + worker * 2 * stride
            let dp = p + stride
            for h in (kvh * c.group)..<((kvh + 1) * c.group) {
                for block in 0..<c.blocks {
                    let i0 = block * c.blockSize
                    let i1 = min(c.T, i0 + c.blockSize)
                    let j0 = c.firstKey(forBlockStart: i0)
                    let rows = i1 - i0
                    let keys = i1 - j0
                    // p[rows, keys] = scale * q k^T, then exp(. - lse), masked.
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(keys),
                        Int32(c.D), c.scale, query + q.offset(b, h, i0), Int32(q.tokenStride),
                        key + k.offset(b, kvh, j0), Int32(k.tokenStride), 0, p, Int32(keys))
                    for r in 0..<rows {
                        probabilitiesRow(
                            p + r * keys, row: i0 + r, firstKey: j0, keys: keys, batch: b,
                            logSumExp: logSumExp[(b * c.H + h) * c.T + i0 + r],
                            keyMask: keyMask, configuration: c)
                    }
                    // dV[j0..<i1] += p^T dO[i0..<i1]
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(keys), Int32(c.D),
                        Int32(rows), 1, p, Int32(keys), outputGradient + o.offset(b, h, i0),
                        Int32(o.tokenStride), 1, valueGradient + v.offset(b, kvh, j0),
                        Int32(v.tokenStride))
                    // dp[rows, keys] = dO[i0..<i1] V[j0..<i1]^T
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(keys),
                        Int32(c.D), 1, outputGradient + o.offset(b, h, i0), Int32(o.tokenStride),
                        value + v.offset(b, kvh, j0), Int32(v.tokenStride), 0, dp, Int32(keys))
                    // ds = p * (dp - delta) * scale, in dp.
                    for r in 0..<rows {
                        let correction = delta[(b * c.H + h) * c.T + i0 + r]
                        let pr = p + r * keys
                        let dr = dp + r * keys
                        for j in 0..<keys { dr[j] = pr[j] * (dr[j] - correction) * c.scale }
                    }
                    // dQ[i0..<i1] += ds K[j0..<i1]
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(c.D),
                        Int32(keys), 1, dp, Int32(keys), key + k.offset(b, kvh, j0),
                        Int32(k.tokenStride), 1, queryGradient + q.offset(b, h, i0),
                        Int32(q.tokenStride))
                    // dK[j0..<i1] += ds^T Q[i0..<i1]
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(keys), Int32(c.D),
                        Int32(rows), 1, dp, Int32(keys), query + q.offset(b, h, i0),
                        Int32(q.tokenStride), 1, keyGradient + k.offset(b, kvh, j0),
                        Int32(k.tokenStride))
                }
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
        _ = KernelMath.expInPlace(scores, keys, shift: logSumExp)
    }
}
