import CKernels
import Foundation

/// Rotary position embedding in HF's `rotate_half` convention.
///
/// Su et al., "RoFormer" (2021), as HF transformers `apply_rotary_pos_emb` writes it:
/// the head vector's first half pairs with its second half, so with h = D / 2,
///     y[i]     = x[i] * cos[i] - x[i + h] * sin[i]
///     y[i + h] = x[i + h] * cos[i] + x[i] * sin[i]        for i in 0..<h,
/// where the angle of position p is p * invFreq[i]. Models compute `invFreq` themselves
/// (default, linear, dynamic, llama3 or yarn scaling) and pass it in.
/// Shapes: B batches, H heads, T tokens, D head dimension (even).
public enum RotaryKernel {
    /// Fills the cos and sin tables for a list of positions.
    ///
    /// Like HF, the angle is computed in Float32 (position * invFreq); its cosine and
    /// sine are then multiplied by `attentionScaling` (yarn's mscale; 1 otherwise).
    /// - Parameters:
    ///   - cos: [P, D/2], written.
    ///   - sin: [P, D/2], written.
    ///   - positions: [P], the token positions (often [B, T] flattened).
    ///   - inverseFrequencies: [D/2].
    public static func tables(
        cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>,
        positions: UnsafePointer<Int64>, inverseFrequencies: UnsafePointer<Float>,
        P: Int, halfDimension: Int, attentionScaling: Float = 1
    ) {
        for p in 0..<P {
            let position = Float(positions[p])
            for i in 0..<halfDimension {
                let angle = Double(position * inverseFrequencies[i])
                cos[p * halfDimension + i] = Float(Foundation.cos(angle)) * attentionScaling
                sin[p * halfDimension + i] = Float(Foundation.sin(angle)) * attentionScaling
            }
        }
    }

    /// Rotates every head vector of `input` into `output`; `output` may be `input`.
    /// - Parameters:
    ///   - output: [B, H, T, D] in `outputLayout`, written.
    ///   - input: [B, H, T, D] in `inputLayout`.
    ///   - cos: [B, T, D/2] when `tableBatchStride` is T * D / 2, or [T, D/2] shared by
    ///     every batch when it is 0.
    ///   - sin: same shape as `cos`.
    public static func forward(
        output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
        B: Int, H: Int, T: Int, D: Int,
        inputLayout: HeadLayout, outputLayout: HeadLayout, tableBatchStride: Int
    ) {
        rotate(
            output: output, input: input, cos: cos, sin: sin, B: B, H: H, T: T, D: D,
            inputLayout: inputLayout, outputLayout: outputLayout,
            tableBatchStride: tableBatchStride, inverse: false, accumulate: false)
    }

    /// Accumulates the gradient of `forward`: the inverse rotation of `outputGradient`.
    /// - Parameters:
    ///   - inputGradient: [B, H, T, D] in `inputLayout`, accumulated (+=).
    ///   - outputGradient: [B, H, T, D] in `outputLayout`.
    ///   - cos: as given to forward.
    ///   - sin: as given to forward.
    public static func backward(
        inputGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
        B: Int, H: Int, T: Int, D: Int,
        inputLayout: HeadLayout, outputLayout: HeadLayout, tableBatchStride: Int
    ) {
        rotate(
            output: inputGradient, input: outputGradient, cos: cos, sin: sin,
            B: B, H: H, T: T, D: D, inputLayout: outputLayout, outputLayout: inputLayout,
            tableBatchStride: tableBatchStride, inverse: true, accumulate: true)
    }

    /// The rotation by +angle (forward) or -angle (inverse), writing or adding.
    private static func rotate(
        output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
        B: Int, H: Int, T: Int, D: Int,
        inputLayout: HeadLayout, outputLayout: HeadLayout, tableBatchStride: Int,
        inverse: Bool, accumulate: Bool
    ) {
        let half = D / 2
        let sign: Float = inverse ? -1 : 1
        Parallel.forEachChunk(count: B * H, minimumChunk: 1) { heads in
            for bh in heads {
                let b = bh / H
                let h = bh % H
                for t in 0..<T {
                    let x = input + inputLayout.offset(b, h, t)
                    let y = output + outputLayout.offset(b, h, t)
                    let c = cos + b * tableBatchStride + t * half
                    let s = sin + b * tableBatchStride + t * half
                    lfs_rotate_half(y, x, c, s, half, sign, accumulate ? 1 : 0)
                }
            }
        }
    }
}
