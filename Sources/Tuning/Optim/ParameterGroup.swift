/// A torch-style parameter group: parameters sharing a learning rate and weight decay.
/// Schedulers scale `lr` from `initialLR`; the optimizer reads `lr` at each step.
public final class ParameterGroup {
    /// What the group holds (`decay`, `no_decay`, `lora_a`, `lora_b`, `lora_b_nodecay`,
    /// `embedding`, or `default`).
    public let label: String
    /// The parameters, in the order they were given.
    public let parameters: [NamedParameter]
    /// The learning rate used by the next step.
    public var lr: Double
    /// The learning rate the schedule scales (torch's `initial_lr`).
    public var initialLR: Double
    /// Weight decay: decoupled for AdamW and Adafactor, an L2 term for SGD.
    public var weightDecay: Double

    /// Makes a group.
    /// - Parameters:
    ///   - label: a short description shown by `opt.groups`.
    ///   - parameters: the named parameters.
    ///   - lr: the learning rate.
    ///   - weightDecay: the weight decay.
    public init(label: String, parameters: [NamedParameter], lr: Double, weightDecay: Double) {
        self.label = label
        self.parameters = parameters
        self.lr = lr
        self.initialLR = lr
        self.weightDecay = weightDecay
    }

    /// The parameter names.
    public var names: [String] { parameters.map(\.name) }

    /// A one-line summary: `lora_b: 4 params, lr 0.0032, weight_decay 0`.
    public var summary: String {
        "\(label): \(parameters.count) params, lr \(lr), weight_decay \(weightDecay)"
    }
}

/// The grouping rules of HF Trainer and LLaMA-Factory, applied to named parameters.
public enum ParameterGrouping {
    /// Whether a parameter takes weight decay, by transformers'
    /// `Trainer.get_decay_parameter_names`: no decay for names (lower-cased) containing
    /// `bias`, `layernorm` or `rmsnorm`, with a component `norm`, or one ending in `_norm`.
    /// - Parameter name: the full parameter name.
    public static func takesWeightDecay(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if lowered.contains("bias") || lowered.contains("layernorm")
            || lowered.contains("rmsnorm")
        {
            return false
        }
        for component in lowered.split(separator: ".", omittingEmptySubsequences: false) {
            if component == "norm" || component.hasSuffix("_norm") { return false }
        }
        return true
    }

    /// HF Trainer's two groups: parameters that take weight decay, then the others
    /// (biases and norms) with weight decay 0.
    /// - Parameters:
    ///   - parameters: the trainable parameters.
    ///   - lr: the learning rate of both groups.
    ///   - weightDecay: the decay of the first group.
    public static func standard(
        _ parameters: [NamedParameter], lr: Double, weightDecay: Double
    ) -> [ParameterGroup] {
        let decay = parameters.filter { takesWeightDecay($0.name) }
        let noDecay = parameters.filter { !takesWeightDecay($0.name) }
        return [
            ParameterGroup(label: "decay", parameters: decay, lr: lr, weightDecay: weightDecay),
            ParameterGroup(label: "no_decay", parameters: noDecay, lr: lr, weightDecay: 0),
        ]
    }

    /// LLaMA-Factory's LoRA+ groups (`_create_loraplus_optimizer` in
    /// llamafactory/train/trainer_utils.py; LoRA+, arXiv:2402.12354): `lora_embedding_B` at
    /// `embeddingLR`; `lora_B` and every one-dimensional parameter at `ratio * lr`, split by
    /// whether they take weight decay; everything else (lora_A and other matrices) at `lr`.
    /// The four groups are always present, some possibly empty, in LLaMA-Factory's order.
    /// - Parameters:
    ///   - parameters: the trainable parameters with their PEFT names.
    ///   - lr: the learning rate of lora_A.
    ///   - ratio: `loraplus_lr_ratio`.
    ///   - weightDecay: the decay of every group but `lora_b_nodecay`.
    ///   - embeddingLR: `loraplus_lr_embedding` (1e-6).
    /// - Throws: `OptimError.invalidArgument` for a ratio that is not positive.
    public static func loraPlus(
        _ parameters: [NamedParameter], lr: Double, ratio: Double, weightDecay: Double,
        embeddingLR: Double = 1e-6
    ) throws -> [ParameterGroup] {
        guard ratio > 0, ratio.isFinite else {
            throw OptimError.invalidArgument(name: "loraplus_ratio", reason: "must be positive")
        }
        var loraA: [NamedParameter] = []
        var loraB: [NamedParameter] = []
        var loraBNoDecay: [NamedParameter] = []
        var embedding: [NamedParameter] = []
        for named in parameters {
            if named.name.contains("lora_embedding_B") {
                embedding.append(named)
            } else if named.name.contains("lora_B") || named.parameter.parameterShape.count == 1 {
                if takesWeightDecay(named.name) {
                    loraB.append(named)
                } else {
                    loraBNoDecay.append(named)
                }
            } else {
                loraA.append(named)
            }
        }
        let loraPlusLR = lr * ratio
        return [
            ParameterGroup(label: "lora_a", parameters: loraA, lr: lr, weightDecay: weightDecay),
            ParameterGroup(
                label: "lora_b", parameters: loraB, lr: loraPlusLR, weightDecay: weightDecay),
            ParameterGroup(
                label: "lora_b_nodecay", parameters: loraBNoDecay, lr: loraPlusLR, weightDecay: 0),
            ParameterGroup(
                label: "embedding", parameters: embedding, lr: embeddingLR,
                weightDecay: weightDecay),
        ]
    }

    /// The groups LLaMA-Factory trains with: LoRA+ groups when `loraPlusRatio` is given,
    /// else HF Trainer's decay / no-decay pair.
    /// - Parameters:
    ///   - parameters: the trainable parameters with their names.
    ///   - lr: the learning rate.
    ///   - weightDecay: the weight decay of the decayed groups.
    ///   - loraPlusRatio: `loraplus_lr_ratio`, or nil.
    ///   - loraPlusEmbeddingLR: `loraplus_lr_embedding` (1e-6).
    /// - Throws: `OptimError.invalidArgument` for a ratio that is not positive.
    public static func llamaFactory(
        _ parameters: [NamedParameter], lr: Double, weightDecay: Double,
        loraPlusRatio: Double? = nil, loraPlusEmbeddingLR: Double = 1e-6
    ) throws -> [ParameterGroup] {
        if let loraPlusRatio {
            return try loraPlus(
                parameters, lr: lr, ratio: loraPlusRatio, weightDecay: weightDecay,
                embeddingLR: loraPlusEmbeddingLR)
        }
        return standard(parameters, lr: lr, weightDecay: weightDecay)
    }
}
