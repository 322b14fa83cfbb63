import CKernels

/// SwiGLU: y = silu(gate) * up, with silu(g) = g * sigmoid(g).
///
/// Shazeer, "GLU Variants Improve Transformer" (2020); HF `LlamaMLP` computes
/// `down_proj(act_fn(gate_proj(x)) * up_proj(x))`, and this is the middle of it.
/// Shapes: N rows, F features. Gate and up rows are read at `inputRowStride`, so they
/// can be two [N, F] tensors (stride F) or the halves of one fused gate/up projection
/// [N, 2F] (gate = base, up = base + F, stride 2F). The rows run in C (`lfs_swiglu_forward`,
/// `lfs_swiglu_backward`), with AVX2 + FMA where the CPU has them.
public enum SwiGLUKernel {
    /// Computes silu(gate) * up.
    /// - Parameters:
    ///   - output: [N, F], written.
    ///   - gate: [N, F] at `inputRowStride`.
    ///   - up: [N, F] at `inputRowStride`.
    public static func forward(
        output: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
        up: UnsafePointer<Float>, N: Int, F: Int, inputRowStride: Int
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 8) { rows in
            for row in rows {
                lfs_swiglu_forward(
                    output + row * F, gate + row * inputRowStride, up + row * inputRowStride, F)
            }
        }
    }

    /// Accumulates (or writes) the gradients of `forward`.
    ///
    /// dup = dy * silu(g); dgate = dy * up * sigmoid(g) * (1 + g * (1 - sigmoid(g))).
    /// - Parameters:
    ///   - gateGradient: [N, F] at `inputRowStride`, accumulated (+=), or written when
    ///     `accumulate` is false (then it may start uninitialised).
    ///   - upGradient: [N, F] at `inputRowStride`, likewise.
    ///   - outputGradient: [N, F].
    ///   - gate: as given to forward.
    ///   - up: as given to forward.
    public static func backward(
        gateGradient: UnsafeMutablePointer<Float>, upGradient: UnsafeMutablePointer<Float>,
        outputGradient: UnsafePointer<Float>, gate: UnsafePointer<Float>,
        up: UnsafePointer<Float>, N: Int, F: Int, inputRowStride: Int, accumulate: Bool = true
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 8) { rows in
            for row in rows {
                lfs_swiglu_backward(
                    gateGradient + row * inputRowStride, upGradient + row * inputRowStride,
                    outputGradient + row * F, gate + row * inputRowStride, up + row * inputRowStride, F,
                    accumulate ? 1 : 0)
            }
        }
    }
}
