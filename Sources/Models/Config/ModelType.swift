/// The architectures lfs implements, by their config.json `model_type`.
public enum ModelType: String, CaseIterable, Sendable {
    case llama, mistral, qwen2, qwen3, gemma

    /// The names, for "supported: ..." messages.
    public static var supportedNames: [String] { allCases.map(\.rawValue) }

    /// The defaults of transformers' config class for this type (`LlamaConfig`,
    /// `MistralConfig`, `Qwen2Config`, `Qwen3Config`, `GemmaConfig`, transformers 5.x),
    /// used for every field config.json leaves out.
    public var defaults: ModelConfigDefaults {
        switch self {
        case .llama:
            return ModelConfigDefaults(
                vocabSize: 32000, hiddenSize: 4096, intermediateSize: 11008, numHiddenLayers: 32,
                numAttentionHeads: 32, numKeyValueHeads: nil, headDim: nil, hiddenAct: "silu",
                maxPositionEmbeddings: 2048, rmsNormEps: 1e-6, bosTokenID: 1, eosTokenIDs: .single(2),
                padTokenID: nil, tieWordEmbeddings: false, attentionBias: false, slidingWindow: nil)
        case .mistral:
            return ModelConfigDefaults(
                vocabSize: 32000, hiddenSize: 4096, intermediateSize: 14336, numHiddenLayers: 32,
                numAttentionHeads: 32, numKeyValueHeads: 8, headDim: nil, hiddenAct: "silu",
                maxPositionEmbeddings: 4096 * 32, rmsNormEps: 1e-6, bosTokenID: 1, eosTokenIDs: .single(2),
                padTokenID: nil, tieWordEmbeddings: false, attentionBias: false, slidingWindow: 4096)
        case .qwen2:
            // Qwen2's q/k/v projections always carry biases (modeling_qwen2.py: bias=True).
            return ModelConfigDefaults(
                vocabSize: 151_936, hiddenSize: 4096, intermediateSize: 22016, numHiddenLayers: 32,
                numAttentionHeads: 32, numKeyValueHeads: 32, headDim: nil, hiddenAct: "silu",
                maxPositionEmbeddings: 32768, rmsNormEps: 1e-6, bosTokenID: nil, eosTokenIDs: nil,
                padTokenID: nil, tieWordEmbeddings: false, attentionBias: true, slidingWindow: 4096)
        case .qwen3:
            return ModelConfigDefaults(
                vocabSize: 151_936, hiddenSize: 4096, intermediateSize: 22016, numHiddenLayers: 32,
                numAttentionHeads: 32, numKeyValueHeads: 32, headDim: 128, hiddenAct: "silu",
                maxPositionEmbeddings: 32768, rmsNormEps: 1e-6, bosTokenID: nil, eosTokenIDs: nil,
                padTokenID: nil, tieWordEmbeddings: false, attentionBias: false, slidingWindow: 4096)
        case .gemma:
            return ModelConfigDefaults(
                vocabSize: 256_000, hiddenSize: 3072, intermediateSize: 24576, numHiddenLayers: 28,
                numAttentionHeads: 16, numKeyValueHeads: 16, headDim: 256, hiddenAct: "gelu_pytorch_tanh",
                maxPositionEmbeddings: 8192, rmsNormEps: 1e-6, bosTokenID: 2, eosTokenIDs: .single(1),
                padTokenID: 0, tieWordEmbeddings: true, attentionBias: false, slidingWindow: nil)
        }
    }

    /// Whether `sliding_window` only applies when `use_sliding_window` is true (Qwen2, Qwen3).
    var slidingWindowNeedsFlag: Bool { self == .qwen2 || self == .qwen3 }

    /// Whether `attention_bias` is a config field (else the default is fixed by the type).
    var hasAttentionBiasField: Bool { self == .llama || self == .qwen3 || self == .gemma }
}

/// Default values of one architecture's config class.
public struct ModelConfigDefaults: Equatable, Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// nil: equal to the number of attention heads.
    public var numKeyValueHeads: Int?
    /// nil: hidden size divided by the number of attention heads.
    public var headDim: Int?
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var bosTokenID: Int?
    public var eosTokenIDs: TokenIDs?
    public var padTokenID: Int?
    public var tieWordEmbeddings: Bool
    public var attentionBias: Bool
    /// The window used when sliding attention is on.
    public var slidingWindow: Int?
    /// RoPE base (transformers' `default_theta`).
    public var ropeTheta: Double = 10_000
}
