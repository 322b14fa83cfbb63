import Tensors

/// The tensor functions the architectures call, in one place, so each can move to its
/// fused op (Tensors' Ops/Fused) without touching the modules. Until then each is
/// composed from core ops with autograd, following the HF reference line by line.
enum ModelOps {
    /// Rows of `weight` picked by `ids`.
    /// - Parameters:
    ///   - weight: [V, C].
    ///   - ids: [B, T] integers.
    /// - Returns: [B, T, C] float32.
    static func embedding(weight: Tensor, ids: Tensor) throws -> Tensor {
        let vocabulary = weight.shape.first ?? 0
        let values = ids.toIntArray()
        for id in values where id < 0 || id >= vocabulary {
            throw TensorError.indexOutOfRange(op: "embedding", index: id, size: vocabulary)
        }
        // Composed: one-hot [B*T, V] @ weight [V, C].
        let oneHot = try Tensor.make([values.count, vocabulary]) { buffer in
            for (row, id) in values.enumerated() { buffer[row * vocabulary + id] = 1 }
        }
        return try oneHot.matmul(weight).reshape(ids.shape + [weight.shape.last ?? 0])
    }

    /// x * rsqrt(mean(x^2, last) + eps) * weight.
    /// - Parameters:
    ///   - x: [..., C].
    ///   - weight: [C].
    static func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) throws -> Tensor {
        let meanSquare = try x.mul(x).mean(dim: -1, keepdim: true)
        return try x.mul(meanSquare.add(Tensor(eps)).rsqrt()).mul(weight)
    }

    /// HF's `apply_rotary_pos_emb`: x * cos + rotate_half(x) * sin per head.
    /// - Parameters:
    ///   - x: [B, T, heads * D].
    ///   - heads: the number of heads.
    ///   - tables: cos and sin of the positions.
    /// - Returns: [B, T, heads * D].
    static func rotary(_ x: Tensor, heads: Int, tables: RotaryTables) throws -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        let d = tables.headDimension
        let half = d / 2
        let perHead = try x.reshape([b, t, heads, d])
        let first = try perHead.slice(dim: -1, start: 0, end: half)
        let second = try perHead.slice(dim: -1, start: half, end: d)
        let rotated = try Tensor.cat([second.neg(), first], dim: -1)
        // cos, sin: [B or 1, T, 1, D].
        let cos = try tables.cosine.unsqueeze(2)
        let sin = try tables.sine.unsqueeze(2)
        return try perHead.mul(cos).add(rotated.mul(sin)).reshape([b, t, heads * d])
    }

    /// Causal softmax attention with grouped KV heads (HF `eager_attention_forward`).
    /// - Parameters:
    ///   - query: [B, T, H * D].
    ///   - key: [B, T, KVH * D].
    ///   - value: [B, T, KVH * D].
    ///   - keyMask: [B, T], 0 marks a padded key; nil for none.
    ///   - slidingWindow: query i sees keys j with i - window < j <= i.
    /// - Returns: [B, T, H * D].
    static func attention(
        query: Tensor, key: Tensor, value: Tensor, heads: Int, keyValueHeads: Int,
        headDimension d: Int, keyMask: Tensor?, slidingWindow: Int?
    ) throws -> Tensor {
        let (b, t) = (query.shape[0], query.shape[1])
        let group = heads / keyValueHeads
        let q = try query.reshape([b, t, heads, d]).permute([0, 2, 1, 3])  // [B, H, T, D]
        func expandHeads(_ x: Tensor) throws -> Tensor {
            // [B, T, KVH*D] -> [B, KVH, T, D] -> [B, KVH, G, T, D] -> [B, H, T, D]
            let perHead = try x.reshape([b, t, keyValueHeads, d]).permute([0, 2, 1, 3])
            return try perHead.unsqueeze(2).expand([b, keyValueHeads, group, t, d])
                .reshape([b, heads, t, d])
        }
        let k = try expandHeads(key)
        let v = try expandHeads(value)
        let scale = 1 / Float(d).squareRoot()
        var scores = try q.matmul(k.transpose(-1, -2)).mul(Tensor(scale))  // [B, H, T, T]
        let maskValues = keyMask?.toFloatArray()
        let bias = try Tensor.make([b, 1, t, t]) { buffer in
            for batch in 0..<b {
                for i in 0..<t {
                    for j in 0..<t {
                        var visible = j <= i
                        if let window = slidingWindow, i - j >= window { visible = false }
                        if let maskValues, maskValues[batch * t + j] == 0 { visible = false }
                        buffer[(batch * t + i) * t + j] = visible ? 0 : -1e30
                    }
                }
            }
        }
        scores = try scores.add(bias)
        let shifted = try scores.sub(scores.max(dim: -1, keepdim: true).detach())
        let exps = try shifted.exp()
        let probabilities = try exps.div(exps.sum(dim: -1, keepdim: true))
        let context = try probabilities.matmul(v)  // [B, H, T, D]
        return try context.permute([0, 2, 1, 3]).reshape([b, t, heads * d])
    }

    /// act(gate) * up.
    static func gatedActivation(
        gate: Tensor, up: Tensor, activation: ArchitectureTraits.Activation
    ) throws -> Tensor {
        switch activation {
        case .silu: return try gate.silu().mul(up)
        case .geluTanh: return try gate.gelu(approximate: true).mul(up)
        case .gelu: return try gate.gelu().mul(up)
        }
    }

    /// Mean cross-entropy of `logits` rows against `labels`, skipping label -100.
    /// - Parameters:
    ///   - logits: [N, V].
    ///   - labels: [N] integers.
    /// - Returns: a scalar; NaN when every label is ignored (as torch).
    static func crossEntropy(logits: Tensor, labels: [Int]) throws -> Tensor {
        let (n, vocabulary) = (logits.shape[0], logits.shape[1])
        for label in labels where label != -100 && (label < 0 || label >= vocabulary) {
            throw TensorError.indexOutOfRange(op: "cross_entropy", index: label, size: vocabulary)
        }
        let counted = labels.filter { $0 != -100 }.count
        guard counted > 0 else { return Tensor(Float.nan) }
        let maximum = try logits.max(dim: -1, keepdim: true).detach()
        let logSumExp = try logits.sub(maximum).exp().sum(dim: -1, keepdim: true).log()
            .add(maximum)  // [N, 1]
        let logProbabilities = try logits.sub(logSumExp)
        let pick = try Tensor.make([n, vocabulary]) { buffer in
            for (row, label) in labels.enumerated() where label != -100 {
                buffer[row * vocabulary + label] = -1 / Float(counted)
            }
        }
        return try logProbabilities.mul(pick).sum()
    }
}
