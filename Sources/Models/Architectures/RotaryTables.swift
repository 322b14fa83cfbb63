import Foundation
import Tensors

/// The cosines and sines of one call's positions, as HF's rotary embedding returns them:
/// emb = cat(freqs, freqs) with freqs = position * inv_freq (in Float32), then cos and sin
/// times the attention scaling.
struct RotaryTables {
    /// [P, T, D] with P = B, or 1 when every row has positions 0..<T.
    let cosine: Tensor
    /// Same shape as `cosine`.
    let sine: Tensor
    /// D.
    let headDimension: Int

    /// Tables for `positions`.
    /// - Parameters:
    ///   - positions: [P][T] token positions.
    ///   - frequencies: inv_freq [D / 2] and the scaling.
    init(positions: [[Int]], frequencies: RotaryFrequencies) throws {
        let half = frequencies.inverseFrequencies.count
        let d = 2 * half
        let rows = positions.count
        let t = positions.first?.count ?? 0
        let scaling = frequencies.attentionScaling
        var cosValues = [Float](repeating: 0, count: rows * t * d)
        var sinValues = cosValues
        for (row, list) in positions.enumerated() {
            for (index, position) in list.enumerated() {
                let base = (row * t + index) * d
                for i in 0..<half {
                    // The angle is rounded to Float32 first, as torch computes it.
                    let angle = Float(position) * frequencies.inverseFrequencies[i]
                    let c = Float(Foundation.cos(Double(angle))) * scaling
                    let s = Float(Foundation.sin(Double(angle))) * scaling
                    cosValues[base + i] = c
                    cosValues[base + half + i] = c
                    sinValues[base + i] = s
                    sinValues[base + half + i] = s
                }
            }
        }
        cosine = try Tensor(shape: [rows, t, d], scalars: cosValues)
        sine = try Tensor(shape: [rows, t, d], scalars: sinValues)
        headDimension = d
    }
}
