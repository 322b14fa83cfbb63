import CKernels

/// The raw-buffer loops of `dora_weight_norm` and `dora_linear` (llm.c style: C output
/// features, K input features, N rows, r the rank), each run over rows in parallel.
enum DoRAKernel {
    /// A [C, K] weight as it sits in memory: float32 or bf16, with element steps.
    struct Rows {
        /// The tensor holding the weight (kept alive by the caller).
        let tensor: Tensor
        /// Elements between the starts of two rows.
        let rowStride: Int
        /// Elements between two columns of a row.
        let columnStride: Int

        /// Row `row` as K contiguous floats: in place for a float32 row with unit column
        /// step, otherwise widened or gathered into `scratch` [K].
        func row(_ row: Int, K: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
            let base = tensor.storage.baseAddress
            let start = tensor.offset + row * rowStride
            if tensor.dtype == .bfloat16 {
                let bits = UnsafePointer(base.assumingMemoryBound(to: UInt16.self)) + start
                if columnStride == 1 {
                    lfs_bf16_to_f32(bits, scratch, K)
                } else {
                    for k in 0..<K { scratch[k] = Float(bitPattern: UInt32(bits[k * columnStride]) << 16) }
                }
                return UnsafePointer(scratch)
            }
            let floats = UnsafePointer(base.assumingMemoryBound(to: Float.self)) + start
            if columnStride == 1 { return floats }
            for k in 0..<K { scratch[k] = floats[k * columnStride] }
            return UnsafePointer(scratch)
        }
    }

    /// norms[c] = ||W[c] + scaling · Σ_j B[c, j] A[j]||, one pass over W: each row of
    /// `scaling · B A` is formed eight columns at a time in registers, never stored.
    /// - Parameters:
    ///   - norms: [C], written.
    ///   - weight: [C, K].
    ///   - a: [r, K], contiguous.
    ///   - b: [C, r], contiguous.
    static func rowNorms(
        _ norms: UnsafeMutablePointer<Float>, weight: Rows, a: UnsafePointer<Float>,
        b: UnsafePointer<Float>, scaling: Float, C: Int, K: Int, r: Int
    ) {
        Parallel.forEachChunk(count: C, minimumChunk: 16) { rows in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, K))
            let coefficients = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, r))
            defer {
                scratch.deallocate()
                coefficients.deallocate()
            }
            for c in rows {
                let w = weight.row(c, K: K, scratch: scratch)
                for j in 0..<r { coefficients[j] = scaling * b[c * r + j] }
                var lanes = KernelMath.Lanes(repeating: 0)
                var k = 0
                while k + 8 <= K {
                    var v = KernelMath.load(w + k)
                    for j in 0..<r { v += coefficients[j] * KernelMath.load(a + j * K + k) }
                    lanes += v * v
                    k += 8
                }
                var sum = lanes.sum()
                while k < K {
                    var v = w[k]
                    for j in 0..<r { v += coefficients[j] * a[j * K + k] }
                    sum += v * v
                    k += 1
                }
                norms[c] = sum.squareRoot()
            }
        }
    }

    /// y[n, c] *= factors[c] in place.
    /// - Parameters:
    ///   - y: [N, C].
    ///   - factors: [C].
    static func scaleColumns(_ y: UnsafeMutablePointer<Float>, factors: UnsafePointer<Float>?, N: Int, C: Int) {
        guard let factors else { return }
        Parallel.forEachChunk(count: N, minimumChunk: Swift.max(1, 16_384 / Swift.max(1, C))) { rows in
            for n in rows {
                let row = y + n * C
                var c = 0
                while c + 8 <= C {
                    KernelMath.store(KernelMath.load(row + c) * KernelMath.load(factors + c), row + c)
                    c += 8
                }
                while c < C {
                    row[c] *= factors[c]
                    c += 1
                }
            }
        }
    }

    /// One pass over the output gradient: scaled[n, c] = g[n, c] · factors[c] and
    /// sums[c] = Σ_n g[n, c] · output[n, c], either optional. The sums are formed over
    /// fixed row ranges and added in range order, so they do not depend on the thread count.
    /// - Parameters:
    ///   - scaled: [N, C], written, or nil.
    ///   - sums: [C], written, or nil.
    ///   - gradient: [N, C].
    ///   - output: [N, C], the forward's output.
    ///   - factors: [C].
    static func backwardPass(
        scaled: UnsafeMutablePointer<Float>?, sums: UnsafeMutablePointer<Float>?,
        gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, factors: UnsafePointer<Float>?,
        N: Int, C: Int
    ) {
        guard let factors, N > 0, C > 0 else { return }
        let parts = KernelParallel.rangeCount(N, grain: Swift.max(1, 16_384 / C))
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: sums == nil ? 1 : parts * C)
        defer { partials.deallocate() }
        if sums != nil { partials.initialize(repeating: 0, count: parts * C) }
        KernelParallel.forEach(parts) { part in
            for n in KernelParallel.range(part, of: parts, count: N) {
                let g = gradient + n * C
                if let scaled {
                    let target = scaled + n * C
                    var c = 0
                    while c + 8 <= C {
                        KernelMath.store(KernelMath.load(g + c) * KernelMath.load(factors + c), target + c)
                        c += 8
                    }
                    while c < C {
                        target[c] = g[c] * factors[c]
                        c += 1
                    }
                }
                if sums != nil {
                    let partial = partials + part * C
                    let y = output + n * C
                    var c = 0
                    while c + 8 <= C {
                        KernelMath.store(
                            KernelMath.load(partial + c) + KernelMath.load(g + c) * KernelMath.load(y + c), partial + c)
                        c += 8
                    }
                    while c < C {
                        partial[c] += g[c] * y[c]
                        c += 1
                    }
                }
            }
        }
        guard let sums else { return }
        sums.initialize(repeating: 0, count: C)
        for part in 0..<parts { KernelMath.addInPlace(sums, partials + part * C, C) }
    }
}
