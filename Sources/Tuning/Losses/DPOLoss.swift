import Tensors

extension PreferenceLoss {
    /// The DPO loss against a reference model, as TRL's `DPOTrainer.dpo_loss` (the
    /// version LLaMA-Factory calls): with Δ = (π_c - π_r) - (ref_c - ref_r),
    /// - sigmoid: `-log σ(βΔ)(1 - ε) - log σ(-βΔ) ε` (ε = `labelSmoothing`),
    /// - hinge: `relu(1 - βΔ)`,
    /// - ipo: `(Δ - 1/(2β))²` (pass average log-probabilities, as LLaMA-Factory does),
    ///
    /// rewards `β(π - ref)` detached. Label smoothing applies to sigmoid only (TRL
    /// ignores it for the others, with a warning).
    ///
    /// Note: LLaMA-Factory 0.9.5 calls `dpo_loss` without `loss_type`, which TRL 0.24 (the
    /// newest it accepts) defaults to "sigmoid", so with that pair `pref_loss: hinge` or
    /// `ipo` silently trains the sigmoid loss on their log-probabilities; lfs computes the
    /// loss that was asked for, with TRL's formula for it.
    /// - Parameters:
    ///   - policyChosen, policyRejected: [B] policy log-probabilities (on the tape).
    ///   - referenceChosen, referenceRejected: [B] reference log-probabilities.
    ///   - beta: β (`pref_beta`, default 0.1).
    ///   - kind: sigmoid, hinge or ipo.
    ///   - labelSmoothing: ε in [0, 0.5].
    /// - Throws: `LossError` for mismatched shapes or parameters out of range.
    public static func dpo(
        policyChosen: Tensor, policyRejected: Tensor, referenceChosen: Tensor, referenceRejected: Tensor,
        beta: Double = 0.1, kind: DPOKind = .sigmoid, labelSmoothing: Double = 0
    ) throws -> PreferenceLossOutput {
        let function = "dpo_loss"
        try requireSameShape(
            function,
            [("policy_chosen", policyChosen), ("policy_rejected", policyRejected),
             ("ref_chosen", referenceChosen), ("ref_rejected", referenceRejected)],
            as: policyChosen)
        try requireParameter(function, "beta", beta, positive: kind == .ipo)
        guard (0...0.5).contains(labelSmoothing) else {
            throw LossError.invalidArgument(
                function: function, name: "label_smoothing", reason: "must be in [0, 0.5], got \(labelSmoothing)")
        }
        let b = Float(beta)
        let logits = try policyChosen.sub(policyRejected).sub(referenceChosen.sub(referenceRejected))
        let losses: Tensor
        switch kind {
        case .sigmoid:
            let scaled = try logits.mul(Tensor(b))
            let ls = Float(labelSmoothing)
            var value = try scaled.logSigmoid().mul(Tensor(-(1 - ls)))
            if ls > 0 { value = try value.sub(scaled.neg().logSigmoid().mul(Tensor(ls))) }
            losses = value
        case .hinge:
            losses = try Tensor(Float(1)).sub(logits.mul(Tensor(b))).relu()
        case .ipo:
            losses = try logits.sub(Tensor(Float(1 / (2 * beta)))).pow(2)
        }
        return try PreferenceLossOutput(
            losses: losses,
            chosenRewards: rewards(policyChosen, referenceChosen, beta: b),
            rejectedRewards: rewards(policyRejected, referenceRejected, beta: b))
    }

    /// ORPO as LLaMA-Factory's `odds_ratio_loss`: with average log-probabilities c, r,
    /// `log_odds = (c - r) - (log(1 - e^c) - log(1 - e^r))`,
    /// `loss = sft + β · (-log σ(log_odds))` where sft is `chosenNLL` (LLaMA-Factory's
    /// `-c`). Rewards are `β·c` and `β·r`, detached.
    /// - Parameters:
    ///   - chosenAverage, rejectedAverage: [B] average log-probabilities (below 0).
    ///   - chosenNLL: [B] SFT loss of the chosen answers; nil means `-chosenAverage`.
    ///   - beta: β (default 0.1).
    /// - Throws: `LossError` for mismatched shapes or parameters out of range.
    public static func orpo(
        chosenAverage: Tensor, rejectedAverage: Tensor, chosenNLL: Tensor? = nil, beta: Double = 0.1
    ) throws -> PreferenceLossOutput {
        let function = "orpo_loss"
        var checked = [("chosen_logps_avg", chosenAverage), ("rejected_logps_avg", rejectedAverage)]
        if let chosenNLL { checked.append(("chosen_nll", chosenNLL)) }
        try requireSameShape(function, checked, as: chosenAverage)
        try requireParameter(function, "beta", beta)
        func logOneMinusExp(_ x: Tensor) throws -> Tensor { try Tensor(Float(1)).sub(x.exp()).log() }
        let logOdds = try chosenAverage.sub(rejectedAverage)
            .sub(logOneMinusExp(chosenAverage).sub(logOneMinusExp(rejectedAverage)))
        let sft = try chosenNLL ?? chosenAverage.neg()
        let losses = try sft.sub(logOdds.logSigmoid().mul(Tensor(Float(beta))))
        return try PreferenceLossOutput(
            losses: losses,
            chosenRewards: rewards(chosenAverage, nil, beta: Float(beta)),
            rejectedRewards: rewards(rejectedAverage, nil, beta: Float(beta)))
    }

    /// SimPO as LLaMA-Factory's `simpo_loss`: `-log σ(β((c - r) - γ/β))` on average
    /// log-probabilities c, r; rewards `β·c`, `β·r`, detached.
    /// - Parameters:
    ///   - chosenAverage, rejectedAverage: [B] average log-probabilities.
    ///   - beta: β (default 0.1).
    ///   - gamma: the target margin γ (`simpo_gamma`, default 0.5).
    /// - Throws: `LossError` for mismatched shapes or parameters out of range.
    public static func simpo(
        chosenAverage: Tensor, rejectedAverage: Tensor, beta: Double = 0.1, gamma: Double = 0.5
    ) throws -> PreferenceLossOutput {
        let function = "simpo_loss"
        try requireSameShape(
            function, [("chosen_logps_avg", chosenAverage), ("rejected_logps_avg", rejectedAverage)],
            as: chosenAverage)
        try requireParameter(function, "beta", beta, positive: true)
        try requireParameter(function, "gamma", gamma)
        let logits = try chosenAverage.sub(rejectedAverage).sub(Tensor(Float(gamma / beta)))
        let losses = try logits.mul(Tensor(Float(beta))).logSigmoid().neg()
        return try PreferenceLossOutput(
            losses: losses,
            chosenRewards: rewards(chosenAverage, nil, beta: Float(beta)),
            rejectedRewards: rewards(rejectedAverage, nil, beta: Float(beta)))
    }
}
