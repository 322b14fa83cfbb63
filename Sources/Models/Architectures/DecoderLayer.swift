import Tensors

/// One pre-norm transformer block: x + attn(norm(x)), then h + mlp(norm(h)).
public final class DecoderLayer: Layer {
    /// The norm before attention.
    public let inputNorm: RMSNorm
    /// The attention block.
    public let attention: Attention
    /// The norm before the MLP.
    public let postAttentionNorm: RMSNorm
    /// The MLP.
    public let feedForward: FeedForward
    /// A hook applying the layer differently (Mixture-of-Depths routing), or nil.
    public var hook: (any DecoderLayerHook)?
    private let kindName: String

    /// A block over existing parts.
    public init(
        inputNorm: RMSNorm, attention: Attention, postAttentionNorm: RMSNorm,
        feedForward: FeedForward, kind: String
    ) {
        self.inputNorm = inputNorm
        self.attention = attention
        self.postAttentionNorm = postAttentionNorm
        self.feedForward = feedForward
        self.kindName = kind
    }

    /// `LlamaDecoderLayer` ...
    public var kind: String { kindName }
    /// None of its own.
    public var localParameters: [(String, Tensor)] { [] }
    /// HF's names: self_attn, mlp, input_layernorm, post_attention_layernorm.
    public var children: [(String, any Layer)] {
        [
            ("self_attn", attention), ("mlp", feedForward), ("input_layernorm", inputNorm),
            ("post_attention_layernorm", postAttentionNorm),
        ]
    }

    /// The block over a whole sequence.
    func callAsFunction(_ x: Tensor, rotary: RotaryTables, keyMask: Tensor?) throws -> Tensor {
        if let hook {
            return try hook.forward(x, keyMask: keyMask) { try block(x, rotary: rotary, keyMask: $0) }
        }
        return try block(x, rotary: rotary, keyMask: keyMask)
    }

    private func block(_ x: Tensor, rotary: RotaryTables, keyMask: Tensor?) throws -> Tensor {
        // Sub-module scopes name the ops for graphs (`model.layers.0.self_attn`).
        let normed = try inputNorm(x)
        let h = try x.add(
            Tensor.withScope("self_attn") { try attention(normed, rotary: rotary, keyMask: keyMask) })
        let normedH = try postAttentionNorm(h)
        return try h.add(Tensor.withScope("mlp") { try feedForward(normedH) })
    }

    /// The block for new tokens with a cache.
    func callAsFunction(
        _ x: Tensor, rotary: RotaryTables, cache: LayerCache, keyMask: [Float]
    ) throws -> Tensor {
        if let hook {
            return try hook.forward(x, cache: cache, keyMask: keyMask) {
                try block(x, rotary: rotary, cache: cache, keyMask: $0)
            }
        }
        return try block(x, rotary: rotary, cache: cache, keyMask: keyMask)
    }

    private func block(
        _ x: Tensor, rotary: RotaryTables, cache: LayerCache, keyMask: [Float]
    ) throws -> Tensor {
        let h = try x.add(
            attention(inputNorm(x), rotary: rotary, cache: cache, keyMask: keyMask))
        return try h.add(feedForward(postAttentionNorm(h)))
    }
}
