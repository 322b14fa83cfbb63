import Tensors

/// What a preference loss returns: the mean loss to back-propagate, the per-example
/// losses, the (detached) implicit rewards and the reward accuracy, as LLaMA-Factory's
/// `CustomDPOTrainer.get_batch_loss_metrics` logs them.
public struct PreferenceLossOutput {
    /// The mean of `losses`: a scalar on the tape.
    public var loss: Tensor
    /// [B] per-example losses (on the tape).
    public var losses: Tensor
    /// [B] rewards of the chosen answers, detached.
    public var chosenRewards: Tensor
    /// [B] rewards of the rejected answers, detached.
    public var rejectedRewards: Tensor
    /// The fraction of examples whose chosen reward beats the rejected one
    /// (`rewards/accuracies`).
    public var accuracy: Float

    /// An output whose `loss` is the mean of `losses` and whose accuracy is computed
    /// from the rewards.
    /// - Throws: tensor errors.
    public init(losses: Tensor, chosenRewards: Tensor, rejectedRewards: Tensor) throws {
        self.losses = losses
        self.loss = try losses.mean()
        self.chosenRewards = chosenRewards
        self.rejectedRewards = rejectedRewards
        self.accuracy = PreferenceLoss.accuracy(chosenRewards, rejectedRewards)
    }

    /// The mean chosen-minus-rejected reward (`rewards/margins`).
    public var margin: Float {
        let chosen = chosenRewards.toFloatArray()
        let rejected = rejectedRewards.toFloatArray()
        guard !chosen.isEmpty else { return .nan }
        return zip(chosen, rejected).map { $0 - $1 }.reduce(0, +) / Float(chosen.count)
    }
}

/// The preference losses of LLaMA-Factory's DPO stage (`pref_loss`): DPO with TRL's
/// sigmoid, hinge and IPO forms, ORPO and SimPO, and the SFT mix (`pref_ftx`).
///
/// Log-probabilities are per sequence (`SequenceLogProbs`). As LLaMA-Factory's
/// `concatenated_forward` does, ipo, orpo and simpo take length-normalised (average)
/// log-probabilities for policy and reference alike; sigmoid and hinge take sums.
public enum PreferenceLoss {
    /// The DPO variants that use a reference model.
    public enum DPOKind: String, CaseIterable, Sendable {
        /// `-log σ(β·Δ)` with conservative label smoothing.
        case sigmoid
        /// `relu(1 - β·Δ)`.
        case hinge
        /// `(Δ - 1/(2β))²`.
        case ipo
    }

    /// Whether this loss takes length-normalised log-probabilities (LLaMA-Factory
    /// divides by the valid length for ipo, orpo and simpo).
    public static func usesAverageLogps(_ loss: String) -> Bool {
        ["ipo", "orpo", "simpo"].contains(loss)
    }

    /// The fraction of rows where `chosen > rejected` (NaN for none).
    public static func accuracy(_ chosen: Tensor, _ rejected: Tensor) -> Float {
        let a = chosen.toFloatArray()
        let b = rejected.toFloatArray()
        guard !a.isEmpty else { return .nan }
        return Float(zip(a, b).filter { $0 > $1 }.count) / Float(a.count)
    }

    /// Adds LLaMA-Factory's SFT term to a preference loss (`pref_ftx`):
    /// `losses += ftx * (-chosen_logps_avg)`, the mean recomputed.
    /// - Parameters:
    ///   - output: the preference loss.
    ///   - ftx: the SFT weight; 0 (or below LLaMA-Factory's 1e-6 threshold) changes nothing.
    ///   - chosenLogpsAverage: [B] length-normalised log-probabilities of the chosen answers.
    /// - Throws: `LossError.shapeMismatch` when the shapes differ.
    public static func addingSFT(
        _ output: PreferenceLossOutput, ftx: Double, chosenLogpsAverage: Tensor, function: String
    ) throws -> PreferenceLossOutput {
        guard ftx > 1e-6 else { return output }
        try requireSameShape(function, [("chosen_logps_avg", chosenLogpsAverage)], as: output.losses)
        var result = output
        result.losses = try output.losses.sub(chosenLogpsAverage.mul(Tensor(Float(ftx))))
        result.loss = try result.losses.mean()
        return result
    }

    /// `beta * (policy - reference)`, detached.
    static func rewards(_ policy: Tensor, _ reference: Tensor?, beta: Float) throws -> Tensor {
        try GradMode.withNoGrad {
            let difference = try reference.map { try policy.detach().sub($0.detach()) } ?? policy.detach()
            return try difference.mul(Tensor(beta))
        }
    }

    /// Throws unless every tensor is float with the shape of `reference`, rank 1.
    static func requireSameShape(_ function: String, _ tensors: [(String, Tensor)], as reference: Tensor) throws {
        for (name, tensor) in tensors {
            guard tensor.dtype.isFloatingPoint else {
                throw LossError.invalidArgument(function: function, name: name, reason: "must be a float tensor, got \(tensor.dtype)")
            }
            guard tensor.shape == reference.shape, tensor.rank == 1 else {
                throw LossError.shapeMismatch(
                    function: function,
                    detail: "\(name) must be a [batch] tensor of shape \(reference.shape), got \(tensor.shape)")
            }
        }
    }

    /// Throws unless `value` is finite and, when `positive`, above 0.
    static func requireParameter(_ function: String, _ name: String, _ value: Double, positive: Bool = false) throws {
        guard value.isFinite, !positive || value > 0 else {
            throw LossError.invalidArgument(
                function: function, name: name, reason: "must be \(positive ? "positive" : "finite"), got \(value)")
        }
    }
}
