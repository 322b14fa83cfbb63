import Tensors

/// What the KTO loss returns (TRL's `KTOTrainer.kto_loss`).
public struct KTOLossOutput {
    /// The mean of `losses` (NaN when the batch is empty): a scalar on the tape.
    public var loss: Tensor
    /// Weighted losses of the desirable examples, then of the undesirable ones.
    public var losses: Tensor
    /// Rewards `β(π - ref)` of the desirable examples, detached.
    public var chosenRewards: Tensor
    /// Rewards of the undesirable examples, detached.
    public var rejectedRewards: Tensor
    /// The KL estimate: `mean(π_KL - ref_KL)` clamped at 0, detached.
    public var kl: Float
}

/// KTO (Ethayarajh et al. 2024) as TRL's `KTOTrainer.kto_loss` with LLaMA-Factory's
/// `CustomKTOTrainer`: sum log-probabilities, a KL estimate from mismatched
/// prompt/answer pairs, and the optional SFT term.
public enum KTOLoss {
    /// The KTO loss.
    ///
    /// `kl = max(0, mean(policyKL - referenceKL))` (detached);
    /// desirable: `1 - σ(β((π_c - ref_c) - kl))`, undesirable: `1 - σ(β(kl - (π_r - ref_r)))`;
    /// losses are the desirable ones times `desirableWeight` followed by the undesirable
    /// ones times `undesirableWeight`, and the loss is their mean. Either group may be
    /// empty ([0] tensors).
    /// With `ftx` > 0 the SFT term of LLaMA-Factory is added to the mean loss:
    /// `ftx * mean(-chosenLogpsAverage) / chosen count * batch size`.
    /// - Parameters:
    ///   - policyChosen, policyRejected: policy sum log-probabilities of the desirable
    ///     and undesirable examples.
    ///   - policyKL, referenceKL: [B] log-probabilities of the KL pairs.
    ///   - referenceChosen, referenceRejected: the reference model's.
    ///   - beta: β (default 0.1).
    ///   - desirableWeight, undesirableWeight: λ_D and λ_U (default 1).
    ///   - ftx: the SFT weight (`pref_ftx`), default 0.
    ///   - chosenLogpsAverage: average log-probabilities of the desirable examples,
    ///     needed when `ftx` > 0.
    /// - Throws: `LossError` for mismatched shapes or parameters out of range.
    public static func compute(
        policyChosen: Tensor, policyRejected: Tensor, policyKL: Tensor,
        referenceChosen: Tensor, referenceRejected: Tensor, referenceKL: Tensor,
        beta: Double = 0.1, desirableWeight: Double = 1, undesirableWeight: Double = 1,
        ftx: Double = 0, chosenLogpsAverage: Tensor? = nil
    ) throws -> KTOLossOutput {
        let function = "kto_loss"
        try PreferenceLoss.requireSameShape(function, [("policy_chosen", policyChosen), ("ref_chosen", referenceChosen)], as: policyChosen)
        try PreferenceLoss.requireSameShape(function, [("policy_rejected", policyRejected), ("ref_rejected", referenceRejected)], as: policyRejected)
        try PreferenceLoss.requireSameShape(function, [("policy_kl", policyKL), ("ref_kl", referenceKL)], as: policyKL)
        try PreferenceLoss.requireParameter(function, "beta", beta)
        try PreferenceLoss.requireParameter(function, "desirable_weight", desirableWeight)
        try PreferenceLoss.requireParameter(function, "undesirable_weight", undesirableWeight)
        let kl = try klEstimate(policyKL, referenceKL)
        let b = Float(beta)
        var parts: [Tensor] = []
        if policyChosen.count > 0 {
            let ratios = try policyChosen.sub(referenceChosen)
            let losses = try Tensor(Float(1)).sub(ratios.sub(Tensor(kl)).mul(Tensor(b)).sigmoid())
            parts.append(try losses.mul(Tensor(Float(desirableWeight))))
        }
        if policyRejected.count > 0 {
            let ratios = try policyRejected.sub(referenceRejected)
            let losses = try Tensor(Float(1)).sub(Tensor(kl).sub(ratios).mul(Tensor(b)).sigmoid())
            parts.append(try losses.mul(Tensor(Float(undesirableWeight))))
        }
        let losses = try parts.count == 2 ? Tensor.cat(parts, dim: 0) : parts.first ?? Tensor.zeros([0])
        var loss = parts.isEmpty ? Tensor(Float.nan) : try losses.mean()
        if ftx > 1e-6, policyChosen.count > 0 {
            guard let chosenLogpsAverage else {
                throw LossError.invalidArgument(
                    function: function, name: "chosen_logps_avg", reason: "is needed when ftx > 0")
            }
            try PreferenceLoss.requireSameShape(function, [("chosen_logps_avg", chosenLogpsAverage)], as: policyChosen)
            let batch = Float(policyChosen.count + policyRejected.count)
            let scale = Float(ftx) / Float(policyChosen.count) * batch
            loss = try loss.sub(chosenLogpsAverage.mean().mul(Tensor(scale)))
        }
        return KTOLossOutput(
            loss: loss, losses: losses,
            chosenRewards: try PreferenceLoss.rewards(policyChosen, referenceChosen, beta: b),
            rejectedRewards: try PreferenceLoss.rewards(policyRejected, referenceRejected, beta: b),
            kl: kl)
    }

    /// `max(0, mean(policy - reference))` in Float (0 for an empty batch), as TRL.
    static func klEstimate(_ policy: Tensor, _ reference: Tensor) throws -> Float {
        let p = policy.toFloatArray()
        let r = reference.toFloatArray()
        guard !p.isEmpty else { return 0 }
        let mean = zip(p, r).map { $0 - $1 }.reduce(0, +) / Float(p.count)
        return Swift.max(0, mean)
    }

    /// Splits `values` [B] by KTO tags into the rows tagged desirable and the rest, in
    /// order (LLaMA-Factory's `target_logps[kto_tags]` and `[~kto_tags]`); differentiable.
    /// - Throws: `LossError.shapeMismatch` when the counts differ.
    public static func split(_ values: Tensor, tags: [Bool]) throws -> (desirable: Tensor, undesirable: Tensor) {
        guard values.rank >= 1, values.shape[0] == tags.count else {
            throw LossError.shapeMismatch(
                function: "kto_split", detail: "\(tags.count) tags for a tensor of shape \(values.shape)")
        }
        func rows(_ wanted: Bool) throws -> Tensor {
            let index = tags.indices.filter { tags[$0] == wanted }
            return try values.indexSelect(dim: 0, index: Tensor(ids: index, shape: [index.count]))
        }
        return (try rows(true), try rows(false))
    }
}
