import Tensors

/// Multi-head causal self-attention with grouped key/value heads, rotary positions and
/// the family's options (q/k/v biases, Qwen3's per-head q/k norms, Mistral's sliding
/// window), as `LlamaAttention` computes it.
public final class Attention: Layer {
    /// [H * D, hidden].
    public let queryProjection: Linear
    /// [KVH * D, hidden].
    public let keyProjection: Linear
    /// [KVH * D, hidden].
    public let valueProjection: Linear
    /// [hidden, H * D].
    public let outputProjection: Linear
    /// Qwen3's RMSNorm of each query head over D, or nil.
    public let queryNorm: RMSNorm?
    /// Qwen3's RMSNorm of each key head over D, or nil.
    public let keyNorm: RMSNorm?
    /// Query heads (H).
    public let heads: Int
    /// Key/value heads (KVH); H is a multiple.
    public let keyValueHeads: Int
    /// The head dimension (D), which may differ from hidden / H.
    public let headDimension: Int
    /// Keys further back than this many positions are not seen (Mistral), or nil.
    public let slidingWindow: Int?
    private let kindName: String

    /// An attention block over existing projections.
    public init(
        query: Linear, key: Linear, value: Linear, output: Linear, queryNorm: RMSNorm?,
        keyNorm: RMSNorm?, heads: Int, keyValueHeads: Int, headDimension: Int,
        slidingWindow: Int?, kind: String
    ) {
        self.queryProjection = query
        self.keyProjection = key
        self.valueProjection = value
        self.outputProjection = output
        self.queryNorm = queryNorm
        self.keyNorm = keyNorm
        self.heads = heads
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        self.slidingWindow = slidingWindow
        self.kindName = kind
    }

    /// `LlamaAttention`, `Qwen3Attention` ...
    public var kind: String { kindName }
    /// None of its own.
    public var localParameters: [(String, Tensor)] { [] }
    /// q_proj, k_proj, v_proj, o_proj (and q_norm, k_norm), HF's names.
    public var children: [(String, any Layer)] {
        var out: [(String, any Layer)] = [
            ("q_proj", queryProjection), ("k_proj", keyProjection), ("v_proj", valueProjection),
            ("o_proj", outputProjection),
        ]
        if let queryNorm { out.append(("q_norm", queryNorm)) }
        if let keyNorm { out.append(("k_norm", keyNorm)) }
        return out
    }
    /// `heads 4, kv 2, head_dim 24` (and the window).
    public var detail: String {
        var text = "heads \(heads), kv \(keyValueHeads), head_dim \(headDimension)"
        if let slidingWindow { text += ", window \(slidingWindow)" }
        return text
    }

    /// The [B, T, heads * D] projection with the per-head norm applied when there is one.
    private func project(
        _ x: Tensor, _ projection: Linear, _ norm: RMSNorm?, heads count: Int
    ) throws -> Tensor {
        let y = try projection(x)
        guard let norm else { return y }
        let shape = y.shape
        let perHead = try y.reshape(Array(shape.dropLast()) + [count, headDimension])
        return try norm(perHead).reshape(shape)
    }

    /// The rotated queries [B, H, T, D], rotated keys [B, KVH, T, D] and values
    /// [B, T, KVH * D] of `x` [B, T, hidden].
    private func projections(_ x: Tensor, rotary: RotaryTables) throws -> (Tensor, Tensor, Tensor) {
        let q = try ModelOps.rotary(
            project(x, queryProjection, queryNorm, heads: heads), heads: heads, tables: rotary)
        let k = try ModelOps.rotary(
            project(x, keyProjection, keyNorm, heads: keyValueHeads), heads: keyValueHeads,
            tables: rotary)
        return (q, k, try valueProjection(x))
    }

    /// Attends over the whole sequence (training and scoring).
    /// - Parameters:
    ///   - x: [B, T, hidden].
    ///   - rotary: the cos/sin tables of the positions.
    ///   - keyMask: [B, T] float, 0 for padding, or nil.
    /// - Returns: [B, T, hidden].
    func callAsFunction(_ x: Tensor, rotary: RotaryTables, keyMask: Tensor?) throws -> Tensor {
        let (q, k, v) = try projections(x, rotary: rotary)
        let context = try ModelOps.attention(
            query: q, key: k, value: v, keyMask: keyMask, slidingWindow: slidingWindow)
        return try outputProjection(context)
    }

    /// Attends with a key/value cache (generation): appends this step's keys and values to
    /// `cache` and attends from the new queries to everything cached.
    /// - Parameters:
    ///   - x: [B, S, hidden], the new tokens.
    ///   - rotary: the tables of the new tokens' positions.
    ///   - cache: this layer's cache, already holding the previous tokens.
    ///   - keyMask: [B, past + S], 0 for padding.
    /// - Returns: [B, S, hidden].
    func callAsFunction(
        _ x: Tensor, rotary: RotaryTables, cache: LayerCache, keyMask: [Float]
    ) throws -> Tensor {
        let (q, k, v) = try projections(x, rotary: rotary)
        try cache.append(keys: k, values: v)
        let context = try CachedAttention.attend(
            query: q, cache: cache, keyMask: keyMask, slidingWindow: slidingWindow)
        return try outputProjection(context)
    }
}
