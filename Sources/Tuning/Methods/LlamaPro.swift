import Models
import Tensors

/// LLaMA Pro block expansion (Wu et al. 2024, "LLaMA Pro: Progressive LLaMA with Block
/// Expansion"), as LLaMA-Factory's `scripts/llama_pro.py` builds it and its freeze
/// tuning (`use_llama_pro`) trains it.
///
/// The L decoder layers are split into `blocks` groups of L / blocks; after each group a
/// copy of the group's last layer is inserted with its `o_proj` and `down_proj` (weights
/// and biases) zeroed. A zeroed output projection makes the copy's attention and MLP add
/// nothing to the residual stream, so the expanded model computes exactly what the
/// original did. Layers are renumbered in order (`model.layers.0` ... `model.layers.{L+n-1}`),
/// the config's `num_hidden_layers` becomes L + n, and only the inserted layers train.
public enum LlamaPro {
    /// Expands `model` in place by `blocks` layers and freezes everything but them.
    /// - Parameters:
    ///   - model: a model with no adapters or routers attached (expand first).
    ///   - blocks: the number of layers to insert; must divide the layer count.
    /// - Returns: the names of the trainable parameters (those of the new layers).
    /// - Throws: `AdapterError.invalidArgument` when `blocks` does not divide the layer
    ///   count or adapters are already attached; tensor errors.
    @discardableResult
    public static func expand(_ model: CausalLM, blocks: Int) throws -> [String] {
        let count = model.layers.count
        guard blocks > 0, count % blocks == 0 else {
            throw AdapterError.invalidArgument(
                name: "blocks",
                reason: "must be positive and divide the \(count) layers, got \(blocks)")
        }
        let adapted = model.namedModules().contains { ($0.1 as? Linear)?.adapters.isEmpty == false }
        guard !adapted, model.layers.allSatisfy({ $0.hook == nil }) else {
            throw AdapterError.invalidArgument(
                name: "blocks", reason: "expand the model before attaching adapters or routers")
        }
        let split = count / blocks
        var layers: [DecoderLayer] = []
        var inserted = Set<ObjectIdentifier>()
        for (index, layer) in model.layers.enumerated() {
            layers.append(layer)
            if (index + 1) % split == 0 {
                let copy = try identityCopy(of: layer)
                inserted.insert(ObjectIdentifier(copy))
                layers.append(copy)
            }
        }
        model.stack.layers.layers = layers
        model.config.numHiddenLayers = layers.count
        // Keys follow the new numbering (graphs and errors read tensor names).
        for (name, tensor) in model.namedParameters() { tensor.name = name }
        var trainable: [String] = []
        for (index, layer) in layers.enumerated() {
            let isNew = inserted.contains(ObjectIdentifier(layer))
            for (name, tensor) in layer.namedParameters(prefix: "model.layers.\(index)") {
                tensor.requiresGrad = isNew
                if isNew { trainable.append(name) }
            }
        }
        for (name, tensor) in model.namedParameters() where !name.hasPrefix("model.layers.") {
            tensor.requiresGrad = false
        }
        return trainable
    }

    /// The indices of the inserted layers in a model expanded from `layers` layers by
    /// `blocks`: stride - 1, 2 * stride - 1, ... with stride = (layers + blocks) / blocks,
    /// as LLaMA-Factory's `find_expanded_modules` finds them.
    public static func insertedIndices(layers: Int, blocks: Int) -> [Int] {
        guard blocks > 0 else { return [] }
        let stride = (layers + blocks) / blocks
        return (1...blocks).map { $0 * stride - 1 }
    }

    /// A copy of `layer` with fresh tensors (same dtype) whose o_proj and down_proj are 0.
    static func identityCopy(of layer: DecoderLayer) throws -> DecoderLayer {
        let attention = layer.attention
        let feedForward = layer.feedForward
        let newAttention = Attention(
            query: try copy(attention.queryProjection), key: try copy(attention.keyProjection),
            value: try copy(attention.valueProjection),
            output: try copy(attention.outputProjection, zeroed: true),
            queryNorm: try attention.queryNorm.map(copy), keyNorm: try attention.keyNorm.map(copy),
            heads: attention.heads, keyValueHeads: attention.keyValueHeads,
            headDimension: attention.headDimension, slidingWindow: attention.slidingWindow,
            kind: attention.kind)
        let newFeedForward = FeedForward(
            gate: try copy(feedForward.gateProjection), up: try copy(feedForward.upProjection),
            down: try copy(feedForward.downProjection, zeroed: true),
            activation: feedForward.activation, kind: feedForward.kind)
        return DecoderLayer(
            inputNorm: try copy(layer.inputNorm), attention: newAttention,
            postAttentionNorm: try copy(layer.postAttentionNorm), feedForward: newFeedForward,
            kind: layer.kind)
    }

    static func copy(_ linear: Linear, zeroed: Bool = false) throws -> Linear {
        Linear(
            weight: try copy(linear.weight, zeroed: zeroed),
            bias: try linear.bias.map { try copy($0, zeroed: zeroed) })
    }

    static func copy(_ norm: RMSNorm) throws -> RMSNorm {
        RMSNorm(weight: try copy(norm.weight), eps: norm.eps, weightIsOffset: norm.weightIsOffset)
    }

    /// A new tensor of the same shape and dtype, holding `tensor`'s values or zeros.
    static func copy(_ tensor: Tensor, zeroed: Bool = false) throws -> Tensor {
        let result = try Tensor(zeros: tensor.shape, dtype: tensor.dtype)
        if !zeroed { try result.copy(from: tensor) }
        result.isParameter = true
        return result
    }
}
