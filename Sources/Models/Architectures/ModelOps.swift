import Tensors

/// The tensor functions the architectures call, in one place: each maps the layout the
/// modules use ([B, T, heads * D] projections) onto a fused op of Tensors' Ops/Fused.
enum ModelOps {
    /// Rows of `weight` picked by `ids`: [B, T] -> [B, T, C].
    static func embedding(weight: Tensor, ids: Tensor) throws -> Tensor {
        try ids.embedding(in: weight)
    }

    /// x * rsqrt(mean(x^2, last) + eps) * weight, for x [..., C] and weight [C].
    static func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) throws -> Tensor {
        try x.rmsNorm(weight: weight, eps: eps)
    }

    /// HF's `apply_rotary_pos_emb` on every head.
    /// - Parameters:
    ///   - x: [B, T, heads * D], a projection's output.
    ///   - heads: the number of heads.
    ///   - tables: cos and sin of the positions.
    /// - Returns: [B, heads, T, D].
    static func rotary(_ x: Tensor, heads: Int, tables: RotaryTables) throws -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        let perHead = try x.reshape([b, t, heads, tables.headDimension]).permute([0, 2, 1, 3])
        return try perHead.rotaryEmbedding(cos: tables.cosine, sin: tables.sine)
    }

    /// The [B, KVH, T, D] view of a [B, T, KVH * D] projection.
    static func headsFirst(_ x: Tensor, heads: Int) throws -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        return try x.reshape([b, t, heads, x.shape[2] / heads]).permute([0, 2, 1, 3])
    }

    /// Causal softmax attention with grouped KV heads (HF `eager_attention_forward`).
    /// - Parameters:
    ///   - query: [B, H, T, D] (rotated).
    ///   - key: [B, KVH, T, D] (rotated).
    ///   - value: [B, T, KVH * D].
    ///   - keyMask: [B, T], 0 marks a padded key; nil for none.
    ///   - slidingWindow: query i sees keys j with i - window < j <= i.
    /// - Returns: [B, T, H * D].
    static func attention(
        query: Tensor, key: Tensor, value: Tensor, keyMask: Tensor?, slidingWindow: Int?
    ) throws -> Tensor {
        let (b, h, t, d) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
        let context = try query.causalAttention(
            key: key, value: headsFirst(value, heads: key.shape[1]), mask: keyMask,
            slidingWindow: slidingWindow, tokensFirstOutput: true)  // [B, T, H, D]
        return try context.reshape([b, t, h * d])
    }

    /// act(gate) * up.
    static func gatedActivation(
        gate: Tensor, up: Tensor, activation: ArchitectureTraits.Activation
    ) throws -> Tensor {
        switch activation {
        case .silu: return try gate.swiGLU(up: up)
        case .geluTanh: return try gate.gelu(approximate: true).mul(up)
        case .gelu: return try gate.gelu().mul(up)
        }
    }

    /// Mean cross-entropy of `logits` rows [N, V] against `labels` [N], skipping -100.
    static func crossEntropy(logits: Tensor, labels: [Int]) throws -> Tensor {
        try logits.crossEntropy(
            targets: Tensor(ids: labels, shape: [labels.count]),
            ignoreIndex: CausalLM.ignoredLabel)
    }
}
