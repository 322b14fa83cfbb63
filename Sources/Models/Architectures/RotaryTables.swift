import Tensors

/// The cosines and sines of one call's positions, as HF's rotary embedding computes
/// them: angle = position * inv_freq in Float32, cos and sin times the attention scaling.
struct RotaryTables {
    /// [P, T, D / 2] with P = B, or 1 when every row has the same positions.
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
        let t = positions.first?.count ?? 0
        let ids = try Tensor(ids: positions.flatMap { $0 }, shape: [positions.count, t])
        (cosine, sine) = try Tensor.rotaryTables(
            positions: ids, inverseFrequencies: Tensor(frequencies.inverseFrequencies),
            attentionScaling: frequencies.attentionScaling)
        headDimension = 2 * frequencies.inverseFrequencies.count
    }
}
