/// A model's config.json, typed, with transformers' defaults for what the file omits.
///
/// Reads both the transformers 4 names (`rope_theta`, `rope_scaling`, `torch_dtype`) and
/// the transformers 5 ones (`rope_parameters`, `dtype`); writes both, so either version
/// loads what lfs saves. Unknown keys are kept and written back unchanged.
public struct ModelConfig: Equatable, Sendable {
    public var modelType: ModelType
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    /// Per-head size; may differ from hidden / heads (Qwen3, Gemma).
    public var headDim: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    /// nil for plain RoPE.
    public var ropeScaling: RopeScaling?
    public var maxPositionEmbeddings: Int
    public var tieWordEmbeddings: Bool
    /// Biases on q/k/v (and o for Llama-style `attention_bias`).
    public var attentionBias: Bool
    /// Biases on the MLP projections (Llama's `mlp_bias`).
    public var mlpBias: Bool
    /// The attention window when sliding attention is on, else nil.
    public var slidingWindow: Int?
    /// Qwen2/3: layers from this index on use the sliding window (when it is on).
    public var maxWindowLayers: Int?
    public var bosTokenID: Int?
    public var eosTokenIDs: TokenIDs?
    public var padTokenID: Int?
    /// The stored weight dtype name (`float32`, `bfloat16`, `float16`), if given.
    public var dtype: String?
    /// The MLP activation (`silu`, `gelu_pytorch_tanh`).
    public var hiddenAct: String
    /// The whole JSON object as read, for keys lfs does not model.
    public var extra: JSONObject

    /// Reads config.json at `path`.
    /// - Throws: `ConfigError` naming the file and the field.
    public static func load(_ path: String) throws -> ModelConfig {
        try ModelConfig(fields: ConfigFields.load(path))
    }

    /// Parses config.json text; `file` names it in errors.
    /// - Throws: `ConfigError` naming the file and the field.
    public static func parse(_ text: String, file: String = "config.json") throws -> ModelConfig {
        try ModelConfig(fields: ConfigFields.parse(Array(text.utf8), file: file))
    }

    init(fields: ConfigFields) throws {
        let typeName = try fields.require("model_type", fields.string)
        guard let type = ModelType(rawValue: typeName) else {
            throw ConfigError.unsupportedModelType(file: fields.file, modelType: typeName, supported: ModelType.supportedNames)
        }
        let defaults = type.defaults
        modelType = type
        extra = fields.object
        vocabSize = try fields.positive("vocab_size", try fields.int("vocab_size") ?? defaults.vocabSize)
        hiddenSize = try fields.positive("hidden_size", try fields.int("hidden_size") ?? defaults.hiddenSize)
        intermediateSize = try fields.positive("intermediate_size", try fields.int("intermediate_size") ?? defaults.intermediateSize)
        numHiddenLayers = try fields.positive("num_hidden_layers", try fields.int("num_hidden_layers") ?? defaults.numHiddenLayers)
        numAttentionHeads = try fields.positive("num_attention_heads", try fields.int("num_attention_heads") ?? defaults.numAttentionHeads)
        numKeyValueHeads = try fields.positive(
            "num_key_value_heads", try fields.int("num_key_value_heads") ?? defaults.numKeyValueHeads ?? numAttentionHeads)
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw ConfigError.invalidValue(
                file: fields.file, field: "num_key_value_heads",
                detail: "\(numKeyValueHeads) does not divide num_attention_heads \(numAttentionHeads)")
        }
        if let headDim = try fields.int("head_dim") {
            self.headDim = try fields.positive("head_dim", headDim)
        } else if let headDim = defaults.headDim {
            self.headDim = headDim
        } else {
            guard hiddenSize % numAttentionHeads == 0 else {
                throw ConfigError.invalidValue(
                    file: fields.file, field: "hidden_size",
                    detail: "\(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads) and head_dim is not given")
            }
            headDim = hiddenSize / numAttentionHeads
        }
        rmsNormEps = try fields.double("rms_norm_eps") ?? defaults.rmsNormEps
        maxPositionEmbeddings = try fields.int("max_position_embeddings") ?? defaults.maxPositionEmbeddings
        tieWordEmbeddings = try fields.bool("tie_word_embeddings") ?? defaults.tieWordEmbeddings
        attentionBias = type.hasAttentionBiasField ? try fields.bool("attention_bias") ?? defaults.attentionBias : defaults.attentionBias
        mlpBias = try fields.bool("mlp_bias") ?? false
        hiddenAct = try fields.string("hidden_activation") ?? fields.string("hidden_act") ?? defaults.hiddenAct
        if type == .gemma && hiddenAct == "gelu" {
            // As GemmaConfig: the legacy "gelu" of the official releases means the tanh form.
            hiddenAct = "gelu_pytorch_tanh"
        }
        dtype = try fields.string("dtype") ?? fields.string("torch_dtype")
        bosTokenID = fields.object.contains("bos_token_id") ? try fields.int("bos_token_id") : defaults.bosTokenID
        eosTokenIDs = fields.object.contains("eos_token_id") ? try fields.tokenIDs("eos_token_id") : defaults.eosTokenIDs
        padTokenID = fields.object.contains("pad_token_id") ? try fields.int("pad_token_id") : defaults.padTokenID

        // Sliding window: Mistral's field (null turns it off); Qwen's only with the flag.
        let window = fields.object.contains("sliding_window") ? try fields.int("sliding_window") : defaults.slidingWindow
        if type.slidingWindowNeedsFlag {
            slidingWindow = (try fields.bool("use_sliding_window") ?? false) ? window : nil
            maxWindowLayers = try fields.int("max_window_layers") ?? 28
        } else {
            slidingWindow = window
            maxWindowLayers = nil
        }

        // RoPE: v5 `rope_parameters` (with rope_theta inside) or v4 `rope_theta` + `rope_scaling`,
        // with transformers' priority (rope_scaling over rope_parameters; theta inside first).
        let parameters = try fields.object("rope_scaling") ?? fields.object("rope_parameters")
        ropeTheta = try parameters?.double("rope_theta") ?? fields.double("rope_theta") ?? defaults.ropeTheta
        ropeScaling = try parameters.flatMap { try RopeScaling.parse($0, maxPositionEmbeddings: maxPositionEmbeddings) }
    }

    /// The number of query heads per key/value head (grouped-query attention).
    public var groupSize: Int { numAttentionHeads / numKeyValueHeads }

    // MARK: - Writing

    /// The config as transformers writes it (keys sorted, both v4 and v5 names).
    public var json: JSONValue {
        var object = extra
        func set(_ key: String, _ value: JSONValue) { object[key] = value }
        set("model_type", .string(modelType.rawValue))
        set("vocab_size", .int(Int64(vocabSize)))
        set("hidden_size", .int(Int64(hiddenSize)))
        set("intermediate_size", .int(Int64(intermediateSize)))
        set("num_hidden_layers", .int(Int64(numHiddenLayers)))
        set("num_attention_heads", .int(Int64(numAttentionHeads)))
        set("num_key_value_heads", .int(Int64(numKeyValueHeads)))
        set("head_dim", .int(Int64(headDim)))
        set("rms_norm_eps", .double(rmsNormEps))
        set("max_position_embeddings", .int(Int64(maxPositionEmbeddings)))
        set("tie_word_embeddings", .bool(tieWordEmbeddings))
        if modelType.hasAttentionBiasField { set("attention_bias", .bool(attentionBias)) }
        if modelType == .llama { set("mlp_bias", .bool(mlpBias)) }
        set(modelType == .gemma && extra.contains("hidden_activation") ? "hidden_activation" : "hidden_act", .string(hiddenAct))
        set("bos_token_id", bosTokenID.map { .int(Int64($0)) } ?? .null)
        set("eos_token_id", eosTokenIDs?.json ?? .null)
        set("pad_token_id", padTokenID.map { .int(Int64($0)) } ?? .null)
        if let dtype {
            set("dtype", .string(dtype))
            set("torch_dtype", .string(dtype))
        }
        if modelType.slidingWindowNeedsFlag {
            set("use_sliding_window", .bool(slidingWindow != nil))
            if let slidingWindow { set("sliding_window", .int(Int64(slidingWindow))) }
            if let maxWindowLayers { set("max_window_layers", .int(Int64(maxWindowLayers))) }
        } else if modelType == .mistral {
            set("sliding_window", slidingWindow.map { .int(Int64($0)) } ?? .null)
        }
        set("rope_theta", .double(ropeTheta))
        if let ropeScaling {
            let pairs = ropeScaling.json(ropeTheta: ropeTheta)
            set("rope_parameters", .object(JSONObject(pairs)))
            set("rope_scaling", .object(JSONObject(pairs.filter { $0.0 != "rope_theta" })))
        } else {
            set("rope_parameters", .object(JSONObject([("rope_theta", .double(ropeTheta)), ("rope_type", .string("default"))])))
            set("rope_scaling", .null)
        }
        return .object(object)
    }

    /// The file text: sorted keys, two-space indent, trailing newline (as transformers).
    public var jsonText: String { ConfigFields.text(of: json) }

    /// Writes config.json at `path` (atomically).
    /// - Throws: `ConfigError.io`.
    public func write(to path: String) throws {
        try ConfigFields.write(json, to: path)
    }
}
