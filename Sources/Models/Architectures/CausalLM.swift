import Tensors

/// The decoder stack, HF's `LlamaModel` (key prefix `model.`): token embedding, the
/// decoder layers and the final norm.
public final class DecoderStack: Layer {
    /// `embed_tokens`.
    public let embedding: Embedding
    /// `layers.0` ... `layers.{n-1}`.
    public let layers: LayerList<DecoderLayer>
    /// `norm`.
    public let norm: RMSNorm
    private let kindName: String

    /// A stack over existing parts.
    public init(embedding: Embedding, layers: [DecoderLayer], norm: RMSNorm, kind: String) {
        self.embedding = embedding
        self.layers = LayerList(layers)
        self.norm = norm
        self.kindName = kind
    }

    /// `LlamaModel` ...
    public var kind: String { kindName }
    /// None of its own.
    public var localParameters: [(String, Tensor)] { [] }
    /// embed_tokens, layers, norm.
    public var children: [(String, any Layer)] {
        [("embed_tokens", embedding), ("layers", layers), ("norm", norm)]
    }
}

/// A causal language model of the LLaMA family (`LlamaForCausalLM` and its relatives):
/// the root of the module tree, whose parameter paths are the checkpoint's keys.
///
/// Weights stay in the dtype they were stored in; every op computes in Float32.
public final class CausalLM: Layer {
    /// The parsed config.json (LLaMA Pro's expansion updates num_hidden_layers).
    public var config: ModelConfig
    /// The architecture's differences from Llama.
    public let traits: ArchitectureTraits
    /// `model`.
    public let stack: DecoderStack
    /// `lm_head`, which shares the embedding's weight when the embeddings are tied.
    public let head: Linear
    /// The folder the model was loaded from (its tokenizer files are copied on save).
    public var sourceDirectory: String?
    /// The tokenizer of the folder the model came from, if it had one.
    public var tokenizer: Tokenizer?

    /// A model over existing parts.
    public init(
        config: ModelConfig, traits: ArchitectureTraits, stack: DecoderStack, head: Linear
    ) {
        self.config = config
        self.traits = traits
        self.stack = stack
        self.head = head
    }

    /// Whether lm_head reuses the embedding matrix.
    public var isTied: Bool { head.weight === stack.embedding.weight }

    /// The HF class name (`LlamaForCausalLM`).
    public var kind: String { traits.className }
    /// None of its own.
    public var localParameters: [(String, Tensor)] { [] }
    /// `model` and, unless tied, `lm_head` (a tied head has no key of its own).
    public var children: [(String, any Layer)] {
        isTied ? [("model", stack)] : [("model", stack), ("lm_head", head)]
    }
    /// `tied lm_head` when tied.
    public var detail: String { isTied ? "tied lm_head" : "" }

    /// The decoder layers.
    public var layers: [DecoderLayer] { stack.layers.layers }

    /// One line: `Model(llama, 6.9M params, 4 layers, hidden 256, vocab 8000)`.
    public var summary: String {
        "Model(\(config.modelType.rawValue), \(CausalLM.formatCount(parameterCount)) params, "
            + "\(layers.count) layers, hidden \(config.hiddenSize), vocab \(config.vocabSize))"
    }

    /// 6900000 -> `6.9M`, 125000 -> `125K`.
    static func formatCount(_ count: Int) -> String {
        func short(_ value: Double, _ unit: String) -> String {
            let rounded = (value * 10).rounded() / 10
            let text =
                rounded >= 100 || rounded == rounded.rounded()
                ? String(Int(rounded.rounded())) : String(rounded)
            return text + unit
        }
        let value = Double(count)
        if value >= 1e9 { return short(value / 1e9, "B") }
        if value >= 1e6 { return short(value / 1e6, "M") }
        if value >= 1e3 { return short(value / 1e3, "K") }
        return String(count)
    }

    // MARK: - Forward

    /// The token embeddings of `ids` (scaled for Gemma).
    /// - Parameter ids: [B, T] integer ids.
    /// - Returns: [B, T, hidden].
    /// - Throws: `ModelError.invalidInput` for a bad shape, tensor errors for bad ids.
    public func embed(_ ids: Tensor) throws -> Tensor {
        guard ids.rank == 2, !ids.dtype.isFloatingPoint else {
            throw ModelError.invalidInput(
                "model: ids must be a [batch, tokens] integer tensor, got \(ids.shape) \(ids.dtype)")
        }
        return try Tensor.withScope("model.embed_tokens") { try stack.embedding(ids) }
    }

    /// Logits for every position, as `model(input_ids, attention_mask)` in transformers.
    /// - Parameters:
    ///   - ids: [B, T] integer ids.
    ///   - attentionMask: [B, T], 0 for padding (keys at padded positions are not seen).
    ///   - positions: [B][T] positions; nil means 0..<T for every row, as transformers
    ///     uses when none are given.
    /// - Returns: [B, T, vocab] float32.
    /// - Throws: `ModelError.invalidInput`, tensor errors.
    public func callAsFunction(
        _ ids: Tensor, attentionMask: Tensor? = nil, positions: [[Int]]? = nil
    ) throws -> Tensor {
        try callAsFunction(
            embeddings: embed(ids), attentionMask: attentionMask, positions: positions)
    }

    /// Logits from input embeddings instead of ids (`inputs_embeds`).
    /// - Parameter embeddings: [B, T, hidden].
    /// - Returns: [B, T, vocab].
    public func callAsFunction(
        embeddings: Tensor, attentionMask: Tensor? = nil, positions: [[Int]]? = nil
    ) throws -> Tensor {
        try head(hiddenStates(embeddings: embeddings, attentionMask: attentionMask, positions: positions))
    }

    /// The final-norm hidden states (before lm_head).
    /// - Parameter embeddings: [B, T, hidden].
    /// - Returns: [B, T, hidden].
    public func hiddenStates(
        embeddings: Tensor, attentionMask: Tensor? = nil, positions: [[Int]]? = nil
    ) throws -> Tensor {
        guard embeddings.rank == 3, embeddings.shape[2] == config.hiddenSize else {
            throw ModelError.invalidInput(
                "model: embeddings must be [batch, tokens, \(config.hiddenSize)], got \(embeddings.shape)")
        }
        let (b, t) = (embeddings.shape[0], embeddings.shape[1])
        if let attentionMask, attentionMask.shape != [b, t] {
            throw ModelError.invalidInput(
                "model: attention_mask must be [\(b), \(t)], got \(attentionMask.shape)")
        }
        let rows = positions ?? [Array(0..<t)]
        guard rows.count == (positions == nil ? 1 : b), rows.allSatisfy({ $0.count == t }) else {
            throw ModelError.invalidInput("model: positions must be [\(b)][\(t)]")
        }
        let rotary = try RotaryTables(
            positions: rows, frequencies: frequencies(sequenceLength: (rows.flatMap { $0 }.max() ?? 0) + 1))
        var x = embeddings
        for (index, layer) in layers.enumerated() {
            x = try Tensor.withScope("model.layers.\(index)") {
                try layer(x, rotary: rotary, keyMask: attentionMask)
            }
        }
        return try Tensor.withScope("model.norm") { try stack.norm(x) }
    }

    /// The rotary frequencies for a call whose largest position is `sequenceLength - 1`.
    func frequencies(sequenceLength: Int) -> RotaryFrequencies {
        RotaryFrequencies(config: config, sequenceLength: sequenceLength)
    }
}
