import Tensors

/// Building the module tree from a config and a source of parameters.
extension CausalLM {
    /// Where a model's parameters come from while it is built: called once per HF key
    /// with the shape the config implies; returns the tensor (shape already checked).
    public typealias ParameterSource = (_ path: String, _ shape: [Int]) throws -> Tensor

    /// Builds the tree of `config`, asking `parameter` for each key in checkpoint order.
    /// - Throws: `ModelError.shapeMismatch` naming the key, or whatever `parameter` throws.
    public static func build(config: ModelConfig, parameter: ParameterSource) throws -> CausalLM {
        let traits = try ArchitectureTraits(config: config)
        func checked(_ path: String, _ shape: [Int]) throws -> Tensor {
            let tensor = try parameter(path, shape)
            guard tensor.shape == shape else {
                throw ModelError.shapeMismatch(path: path, expected: shape, got: tensor.shape)
            }
            tensor.name = path
            tensor.isParameter = true
            return tensor
        }
        func linear(_ path: String, out: Int, in inputs: Int, bias: Bool) throws -> Linear {
            Linear(
                weight: try checked(path + ".weight", [out, inputs]),
                bias: bias ? try checked(path + ".bias", [out]) : nil)
        }
        func norm(_ path: String, _ size: Int) throws -> RMSNorm {
            RMSNorm(
                weight: try checked(path + ".weight", [size]), eps: Float(config.rmsNormEps),
                weightIsOffset: traits.normWeightOffset)
        }
        let hidden = config.hiddenSize
        let (heads, kvHeads, d) = (config.numAttentionHeads, config.numKeyValueHeads, config.headDim)
        let prefix = traits.displayPrefix
        let embeddingWeight = try checked("model.embed_tokens.weight", [config.vocabSize, hidden])
        // Gemma: hidden_size ** 0.5 as a tensor of the activation dtype (float32 here).
        let embedding = Embedding(
            weight: embeddingWeight,
            scale: traits.scalesEmbeddings ? Float(Double(hidden).squareRoot()) : 1)
        var layers: [DecoderLayer] = []
        for index in 0..<config.numHiddenLayers {
            let path = "model.layers.\(index)"
            let attention = Attention(
                query: try linear(
                    path + ".self_attn.q_proj", out: heads * d, in: hidden, bias: traits.attentionBias),
                key: try linear(
                    path + ".self_attn.k_proj", out: kvHeads * d, in: hidden, bias: traits.attentionBias),
                value: try linear(
                    path + ".self_attn.v_proj", out: kvHeads * d, in: hidden, bias: traits.attentionBias),
                output: try linear(
                    path + ".self_attn.o_proj", out: hidden, in: heads * d, bias: traits.outputBias),
                queryNorm: traits.queryKeyNorm ? try norm(path + ".self_attn.q_norm", d) : nil,
                keyNorm: traits.queryKeyNorm ? try norm(path + ".self_attn.k_norm", d) : nil,
                heads: heads, keyValueHeads: kvHeads, headDimension: d,
                slidingWindow: slidingWindow(config: config, layer: index),
                kind: prefix + "Attention")
            let intermediate = config.intermediateSize
            let feedForward = FeedForward(
                gate: try linear(path + ".mlp.gate_proj", out: intermediate, in: hidden, bias: traits.mlpBias),
                up: try linear(path + ".mlp.up_proj", out: intermediate, in: hidden, bias: traits.mlpBias),
                down: try linear(path + ".mlp.down_proj", out: hidden, in: intermediate, bias: traits.mlpBias),
                activation: traits.activation, kind: prefix + "MLP")
            layers.append(
                DecoderLayer(
                    inputNorm: try norm(path + ".input_layernorm", hidden), attention: attention,
                    postAttentionNorm: try norm(path + ".post_attention_layernorm", hidden),
                    feedForward: feedForward, kind: prefix + "DecoderLayer"))
        }
        let stack = DecoderStack(
            embedding: embedding, layers: layers, norm: try norm("model.norm", hidden),
            kind: prefix + "Model")
        let head =
            config.tieWordEmbeddings
            ? Linear(weight: embeddingWeight)
            : try linear("lm_head", out: config.vocabSize, in: hidden, bias: false)
        return CausalLM(config: config, traits: traits, stack: stack, head: head)
    }

    /// The sliding window of layer `index`: Mistral's applies to every layer; Qwen2/3's
    /// (when `use_sliding_window` is on) from `max_window_layers` on.
    static func slidingWindow(config: ModelConfig, layer index: Int) -> Int? {
        guard let window = config.slidingWindow else { return nil }
        if let first = config.maxWindowLayers, index < first { return nil }
        return window
    }
}
