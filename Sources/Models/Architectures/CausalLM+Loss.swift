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

extension CausalLM {
    /// The causal-LM loss of `ids` without the [B, T, V] logits: the final hidden states
    /// go through lm_head and cross-entropy in row chunks (`linearCrossEntropy`). Equal to
    /// `CausalLM.loss(logits: model(ids), labels:)`; a head with a bias or adapters takes
    /// that path instead.
    /// - Parameters:
    ///   - ids: [B, T] integer ids.
    ///   - labels: [B, T] integer labels (-100 not counted).
    ///   - attentionMask: [B, T], 0 for padding, or nil.
    /// - Throws: `ModelError.invalidInput`, tensor errors.
    public func loss(ids: Tensor, labels: Tensor, attentionMask: Tensor? = nil) throws -> Tensor {
        guard labels.shape == ids.shape, ids.rank == 2 else {
            throw ModelError.invalidInput(
                "loss: ids and labels must both be [B, T], got \(ids.shape) and \(labels.shape)")
        }
        return try loss(embeddings: embed(ids), labels: labels, attentionMask: attentionMask)
    }

    /// The causal-LM loss from input embeddings (`inputs_embeds`, for example with
    /// NEFTune's noise added), without the [B, T, V] logits; equal to
    /// `CausalLM.loss(logits: model(embeddings: embeddings), labels:)`.
    /// - Parameters:
    ///   - embeddings: [B, T, hidden].
    ///   - labels: [B, T] integer labels (-100 not counted).
    ///   - attentionMask: [B, T], 0 for padding, or nil.
    ///   - positions: [B][T] position ids (packed sequences restart them), or nil for 0..<T.
    /// - Throws: `ModelError.invalidInput`, tensor errors.
    public func loss(
        embeddings: Tensor, labels: Tensor, attentionMask: Tensor? = nil, positions: [[Int]]? = nil
    ) throws -> Tensor {
        guard embeddings.rank == 3, labels.rank == 2, labels.shape == Array(embeddings.shape.prefix(2)),
            !labels.dtype.isFloatingPoint
        else {
            throw ModelError.invalidInput(
                "loss: embeddings [B, T, hidden] and integer labels [B, T] expected, got \(embeddings.shape) and \(labels.shape) \(labels.dtype)")
        }
        guard head.bias == nil, !head.adapters.contains(where: { $0.isEnabled }) else {
            return try CausalLM.loss(
                logits: self(embeddings: embeddings, attentionMask: attentionMask, positions: positions),
                labels: labels)
        }
        let (b, t) = (labels.shape[0], labels.shape[1])
        guard t > 1 else { return Tensor(Float.nan) }
        let hidden = try hiddenStates(embeddings: embeddings, attentionMask: attentionMask, positions: positions)
        // Position j predicts label j + 1; each row's last position predicts nothing
        // (ignored), so the hidden states are used in place, without a shifted copy.
        let values = labels.toIntArray()
        var shifted = [Int](repeating: CausalLM.ignoredLabel, count: b * t)
        for row in 0..<b {
            for j in 0..<(t - 1) { shifted[row * t + j] = values[row * t + j + 1] }
        }
        return try Tensor.withScope("lm_head") {
            try hidden.reshape([b * t, hidden.shape[2]]).linearCrossEntropy(
                weight: head.weight, targets: Tensor(ids: shifted, shape: [b * t]),
                ignoreIndex: CausalLM.ignoredLabel)
        }
    }
}

extension CausalLM {
    /// Whether the first decoder layer may train: one of its parameters requires grad, one
    /// of its linear layers has an enabled adapter, or it has a hook (routers). When it
    /// cannot, a gradient of the input embeddings would flow back through frozen layers
    /// for nothing (freeze-tuning of the last layers).
    public var firstLayerMayTrain: Bool {
        guard let first = layers.first else { return false }
        if first.hook != nil { return true }
        if first.namedParameters().contains(where: { $0.1.requiresGrad }) { return true }
        return first.namedModules().contains { _, module in
            (module as? Linear)?.adapters.contains(where: { $0.isEnabled }) ?? false
        }
    }
}
