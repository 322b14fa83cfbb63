import Foundation

/// AdamW as torch.optim.AdamW computes it (single-tensor path, no amsgrad): decoupled
/// weight decay `p *= 1 - lr * wd`, moments `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// then `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`, with `t` counted per
/// parameter (Loshchilov & Hutter, arXiv:1711.05101).
public final class AdamW: Optimizer {
    /// The moment decay rates (0.9, 0.999).
    public let betas: (Double, Double)
    /// The denominator's epsilon (1e-8).
    public let eps: Double

    /// One parameter's state: its step count and moments, created at its first update.
    final class Slot {
        var step = 0
        var expAvg: [Float]
        var expAvgSq: [Float]
        init(count: Int) {
            expAvg = [Float](repeating: 0, count: count)
            expAvgSq = [Float](repeating: 0, count: count)
        }
    }
    private var state: [Int: Slot] = [:]

    /// Makes an AdamW over parameter groups.
    /// - Parameters:
    ///   - groups: the groups, each with its lr and weight decay (see `ParameterGrouping`).
    ///   - betas: the moment decay rates, each in [0, 1).
    ///   - eps: added to the denominator; not negative.
    /// - Throws: `OptimError.invalidArgument` for values out of range or no parameters.
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8)
        throws
    {
        for (name, beta) in [("beta1", betas.0), ("beta2", betas.1)] where !(0..<1).contains(beta) {
            throw OptimError.invalidArgument(name: name, reason: "\(beta) is not in [0, 1)")
        }
        if !(eps >= 0) { throw OptimError.invalidArgument(name: "eps", reason: "\(eps) < 0") }
        self.betas = betas
        self.eps = eps
        try super.init(kind: "adamw", groups: groups)
    }

    /// The step count of the parameter in `slot` (0 before its first update).
    public func stepCount(slot: Int) -> Int { state[slot]?.step ?? 0 }

    override func update(
        slot: Int, group: ParameterGroup, shape: [Int], values: UnsafeMutableBufferPointer<Float>,
        gradient: UnsafeBufferPointer<Float>
    ) throws {
        let slotState = state[slot] ?? Slot(count: values.count)
        state[slot] = slotState
        slotState.step += 1
        let t = Double(slotState.step)
        let lr = group.lr
        // Scalars are formed in Double, as torch does in Python, then used in Float.
        let decay = Float(1 - lr * group.weightDecay)
        let beta1 = Float(betas.0)
        let beta2 = Float(betas.1)
        let stepSize = Float(lr / (1 - pow(betas.0, t)))
        let correction2Sqrt = Float((1 - pow(betas.1, t)).squareRoot())
        let epsilon = Float(eps)
        let applyDecay = group.weightDecay != 0
        slotState.expAvg.withUnsafeMutableBufferPointer { m in
            slotState.expAvgSq.withUnsafeMutableBufferPointer { v in
                // p, g, m, v: [n]
                ParallelLoop.forEachChunk(count: values.count) { range in
                    for i in range {
                        let g = gradient[i]
                        var p = values[i]
                        if applyDecay { p *= decay }
                        let mi = m[i] + (1 - beta1) * (g - m[i])
                        let vi = beta2 * v[i] + (1 - beta2) * g * g
                        m[i] = mi
                        v[i] = vi
                        let denominator = vi.squareRoot() / correction2Sqrt + epsilon
                        values[i] = p - stepSize * (mi / denominator)
                    }
                }
            }
        }
    }

    override func saveState(slot: Int, shape: [Int], into stateDict: inout OptimizerState) {
        guard let slotState = state[slot] else { return }
        stateDict.scalars["state.\(slot).step"] = Double(slotState.step)
        stateDict.tensors["state.\(slot).exp_avg"] = .init(shape: shape, values: slotState.expAvg)
        stateDict.tensors["state.\(slot).exp_avg_sq"] = .init(
            shape: shape, values: slotState.expAvgSq)
    }

    override func loadState(slot: Int, count: Int, from stateDict: OptimizerState) throws
        -> () -> Void
    {
        guard let step = stateDict.scalars["state.\(slot).step"] else {
            return { [self] in state[slot] = nil }
        }
        let restored = Slot(count: 0)
        restored.step = Int(step)
        restored.expAvg = try stateDict.buffer("state.\(slot).exp_avg", count: count)
        restored.expAvgSq = try stateDict.buffer("state.\(slot).exp_avg_sq", count: count)
        return { [self] in state[slot] = restored }
    }
}

extension AdamW {
    /// An AdamW over named parameters grouped as LLaMA-Factory does (see
    /// `ParameterGrouping.llamaFactory`): the `adamw(params, lr:, weight_decay:, betas:,
    /// eps:, loraplus_ratio:)` of the language. The weight decay defaults to 0, as in
    /// HF TrainingArguments and LLaMA-Factory (torch's own default is 0.01).
    /// - Throws: `OptimError.invalidArgument` for out-of-range values or no parameters.
    public convenience init(
        parameters: [NamedParameter], lr: Double = 1e-3, weightDecay: Double = 0,
        betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, loraPlusRatio: Double? = nil,
        loraPlusEmbeddingLR: Double = 1e-6
    ) throws {
        let groups = try ParameterGrouping.llamaFactory(
            parameters, lr: lr, weightDecay: weightDecay, loraPlusRatio: loraPlusRatio,
            loraPlusEmbeddingLR: loraPlusEmbeddingLR)
        try self.init(groups: groups, betas: betas, eps: eps)
    }
}
