/// What distinguishes the members of the LLaMA family, read from config.json: the one
/// place where an architecture's differences from LlamaForCausalLM are written down
/// (modeling_llama.py, modeling_mistral.py, modeling_qwen2.py, modeling_qwen3.py,
/// modeling_gemma.py in transformers 5).
public struct ArchitectureTraits: Equatable, Sendable {
    /// The HF class name (`LlamaForCausalLM`), written into config.json `architectures`.
    public var className: String
    /// The prefix of decoder class names in `tree()` (`Llama`, `Qwen3` ...).
    public var displayPrefix: String
    /// Biases on q_proj, k_proj and v_proj (Qwen2; Llama's `attention_bias`).
    public var attentionBias: Bool
    /// A bias on o_proj too (`attention_bias` covers all four in Llama, Qwen3 and Gemma;
    /// Qwen2 has q/k/v biases only).
    public var outputBias: Bool
    /// Biases on gate_proj, up_proj and down_proj (Llama's `mlp_bias`).
    public var mlpBias: Bool
    /// RMSNorm of each query and key head over head_dim before RoPE (Qwen3).
    public var queryKeyNorm: Bool
    /// Norm weights are stored as offsets: the norm multiplies by (1 + w) (Gemma).
    public var normWeightOffset: Bool
    /// Embeddings are multiplied by sqrt(hidden_size) (Gemma; in the activation dtype).
    public var scalesEmbeddings: Bool
    /// The MLP gate activation.
    public var activation: Activation

    /// The MLP gate activations of the family.
    public enum Activation: String, Equatable, Sendable {
        /// x * sigmoid(x) (`silu`): SwiGLU.
        case silu
        /// GELU with the tanh approximation (`gelu_pytorch_tanh`): GeGLU.
        case geluTanh = "gelu_pytorch_tanh"
        /// Exact GELU (`gelu`; Gemma maps it to the tanh form, as transformers does).
        case gelu
    }

    /// The traits of `config`.
    /// - Throws: `ModelError.unsupported` for an activation the family does not use.
    public init(config: ModelConfig) throws {
        let type = config.modelType
        switch type {
        case .llama: (className, displayPrefix) = ("LlamaForCausalLM", "Llama")
        case .mistral: (className, displayPrefix) = ("MistralForCausalLM", "Mistral")
        case .qwen2: (className, displayPrefix) = ("Qwen2ForCausalLM", "Qwen2")
        case .qwen3: (className, displayPrefix) = ("Qwen3ForCausalLM", "Qwen3")
        case .gemma: (className, displayPrefix) = ("GemmaForCausalLM", "Gemma")
        }
        attentionBias = config.attentionBias
        outputBias = type != .qwen2 && type != .mistral && config.attentionBias
        mlpBias = type == .llama && config.mlpBias
        queryKeyNorm = type == .qwen3
        normWeightOffset = type == .gemma
        scalesEmbeddings = type == .gemma
        switch config.hiddenAct {
        case "silu", "swish": activation = .silu
        case "gelu_pytorch_tanh", "gelu_new", "gelu_fast": activation = .geluTanh
        case "gelu": activation = type == .gemma ? .geluTanh : .gelu
        default:
            throw ModelError.unsupported(
                what: "hidden_act \"\(config.hiddenAct)\" (supported: silu, gelu_pytorch_tanh, gelu)")
        }
    }
}
