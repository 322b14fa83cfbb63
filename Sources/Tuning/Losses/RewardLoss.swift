import Tensors

/// The pairwise reward-model loss of LLaMA-Factory's `PairwiseTrainer.compute_loss`:
/// `-mean(log σ(chosen - rejected))` on the value head's scores at each sequence's last
/// token, with the accuracy of `ComputeAccuracy` (chosen score above rejected).
public enum RewardLoss {
    /// The loss and accuracy.
    /// - Parameters:
    ///   - chosen: [B] scores of the chosen answers (on the tape).
    ///   - rejected: [B] scores of the rejected answers.
    /// - Returns: the scalar loss and the fraction of pairs ranked right.
    /// - Throws: `LossError.shapeMismatch` when the shapes differ.
    public static func compute(chosen: Tensor, rejected: Tensor) throws -> (loss: Tensor, accuracy: Float) {
        try PreferenceLoss.requireSameShape(
            "reward_loss", [("chosen_scores", chosen), ("rejected_scores", rejected)], as: chosen)
        let loss = try chosen.sub(rejected).logSigmoid().mean().neg()
        return (loss, PreferenceLoss.accuracy(chosen, rejected))
    }
}
