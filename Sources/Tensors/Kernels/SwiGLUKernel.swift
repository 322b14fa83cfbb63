import Foundation

/// SwiGLU: y = silu(gate) * up, with silu(g) = g * sigmoid(g).
///
/// Shazeer, "GLU Variants Improve Transformer" (2020); HF `LlamaMLP` computes
/// `down_proj(act_fn(gate_proj(x)) * up_proj(x))`, and this is the middle of it.
/// Shapes: N rows, F features. Gate and up rows are read at `inputRowStride`, so they
/// can be two [N, F] tensors (stride F) or the halves of one fused gate/up projection
/// [N, 2F] (gate = base, up = base + F, stride 2F).
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
                let g = gate + row * inputRowStride
                let u = up + row * inputRowStride
                let y = output + row * F
                var i = 0
                while i + 8 <= F {
                    let gi = KernelMath.load(g + i)
                    let sigmoid = 1 / (1 + KernelMath.exp(-gi))
                    KernelMath.store(gi * sigmoid * KernelMath.load(u + i), y + i)
                    i += 8
                }
                while i < F {
                    let sigmoid = 1 / (1 + exp(-g[i]))
                    y[i] = g[i] * sigmoid * u[i]
                    i += 1
                }
            }
        }
    }

    /// Accumulates the gradients of `forward`.
    ///
    /// dup = dy * silu(g); dgate = dy * up * sigmoid(g) * (1 + g * (1 - sigmoid(g))).
    /// - Parameters:
    ///   - gateGradient: [N, F] at `inputRowStride`, accumulated (+=).
    ///   - upGradient: [N, F] at `inputRowStride`, accumulated (+=).
    ///   - outputGradient: [N, F].
    ///   - gate: as given to forward.
    ///   - up: as given to forward.
    public static func backward(
        gateGradient: UnsafeMutablePointer<Float>, upGradient: UnsafeMutablePointer<Float>,
        outputGradient: UnsafePointer<Float>, gate: UnsafePointer<Float>,
        up: UnsafePointer<Float>, N: Int, F: Int, inputRowStride: Int
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 8) { rows in
            for row in rows {
                let g = gate + row * inputRowStride
                let u = up + row * inputRowStride
                let dg = gateGradient + row * inputRowStride
                let du = upGradient + row * inputRowStride
                let dy = outputGradient + row * F
                var start = 0
                while start + 8 <= F {
                    let gi = KernelMath.load(g + start)
                    let dyi = KernelMath.load(dy + start)
                    let sigmoid = 1 / (1 + KernelMath.exp(-gi))
                    let silu = gi * sigmoid
                    KernelMath.store(KernelMath.load(du + start) + dyi * silu, du + start)
                    let slope = sigmoid * (1 + gi * (1 - sigmoid))
                    KernelMath.store(
                        KernelMath.load(dg + start) + dyi * KernelMath.load(u + start) * slope, dg + start)
                    start += 8
                }
                for i in start..<F {
                    let sigmoid = 1 / (1 + exp(-g[i]))
                    let silu = g[i] * sigmoid
                    du[i] += dy[i] * silu
                    dg[i] += dy[i] * u[i] * sigmoid * (1 + g[i] * (1 - sigmoid))
                }
            }
        }
    }
}
