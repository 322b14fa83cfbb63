import Tensors

/// The causal language-modelling loss, as transformers' `ForCausalLMLoss` computes it.
extension CausalLM {
    /// The label that does not count (`ignore_index`).
    public static let ignoredLabel = -100

    /// Mean cross-entropy of predicting token t + 1 from position t: logits[:, :-1]
    /// against labels[:, 1:], positions labelled -100 skipped, averaged over the counted
    /// tokens (NaN when none counts, as torch).
    /// - Parameters:
    ///   - logits: [B, T, V].
    ///   - labels: [B, T] integer labels (usually the input ids, -100 on padding).
    /// - Returns: a scalar tensor on the tape.
    /// - Throws: `ModelError.invalidInput` when the shapes disagree, tensor errors for a
    ///   label outside the vocabulary.
    public static func loss(logits: Tensor, labels: Tensor) throws -> Tensor {
        guard logits.rank == 3, labels.shape == Array(logits.shape.prefix(2)) else {
            throw ModelError.invalidInput(
                "loss: logits [B, T, V] and labels [B, T] expected, got \(logits.shape) and \(labels.shape)")
        }
        let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        guard t > 1 else { return Tensor(Float.nan) }
        let values = labels.toIntArray()
        var shifted: [Int] = []
        shifted.reserveCapacity(b * (t - 1))
        for row in 0..<b { shifted += values[(row * t + 1)..<((row + 1) * t)] }
        let predicting = try logits.slice(dim: 1, start: 0, end: t - 1).contiguous()
            .reshape([b * (t - 1), v])
        return try ModelOps.crossEntropy(logits: predicting, labels: shifted)
    }
}
