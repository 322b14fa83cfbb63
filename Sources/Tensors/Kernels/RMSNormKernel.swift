/// RMSNorm over the last axis: y = x * rsqrt(mean(x^2) + eps) * weight.
///
/// Zhang & Sennrich, "Root Mean Square Layer Normalization" (2019); the form of HF
/// `LlamaRMSNorm`, which normalises in Float32 and then scales by the weight.
/// Shapes: N rows (every leading axis flattened), C channels.
public enum RMSNormKernel {
    /// Normalises each row and saves its reciprocal root-mean-square for backward.
    /// - Parameters:
    ///   - output: [N, C], written.
    ///   - rstd: [N], written: 1 / sqrt(mean(x^2) + eps) per row.
    ///   - input: [N, C].
    ///   - weight: [C].
    public static func forward(
        output: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        N: Int, C: Int, eps: Float
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 16) { rows in
            for row in rows {
                let x = input + row * C
                let y = output + row * C
                let r = 1 / (KernelMath.dot(x, x, C) / Float(C) + eps).squareRoot()
                rstd[row] = r
                KernelMath.scaleProduct(y, x, weight, r, C)
            }
        }
    }

    /// Accumulates the gradients of `forward` into `inputGradient` and `weightGradient`.
    ///
    /// With s = mean(w * dy * x) * rstd^2, dx = rstd * (w * dy - x * s), and
    /// dweight = Σ_rows dy * x * rstd. The weight gradient is summed per fixed row range
    /// and the ranges are added in order, so it does not depend on the thread count.
    /// - Parameters:
    ///   - inputGradient: [N, C], accumulated (+=).
    ///   - weightGradient: [C], accumulated (+=).
    ///   - outputGradient: [N, C].
    ///   - input: [N, C], as given to forward.
    ///   - weight: [C].
    ///   - rstd: [N], as saved by forward.
    public static func backward(
        inputGradient: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>, N: Int, C: Int
    ) {
        let grain = 16
        let parts = KernelParallel.rangeCount(N, grain: grain)
        // partials: [parts, C], one weight-gradient row per row range.
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: parts * C)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: parts * C)
        KernelParallel.forEach(parts) { part in
            let partial = partials + part * C
            for row in KernelParallel.range(part, of: parts, count: N) {
                let x = input + row * C
                let dy = outputGradient + row * C
                let dx = inputGradient + row * C
                let r = rstd[row]
                let s = KernelMath.dot3(weight, dy, x, C) / Float(C) * r * r
                KernelMath.rmsNormBackwardRow(
                    dx: dx, partial: partial, dy: dy, x: x, weight: weight, r: r, s: s, C)
            }
        }
        for part in 0..<parts {
            KernelMath.addInPlace(weightGradient, partials + part * C, C)
        }
    }
}
