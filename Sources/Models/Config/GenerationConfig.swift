/// generation_config.json, typed, with transformers' `GenerationConfig` defaults.
///
/// Unknown keys are kept and written back.
public struct GenerationConfig: Equatable, Sendable {
    public var bosTokenID: Int?
    /// The ids that end generation.
    public var eosTokenIDs: TokenIDs?
    public var padTokenID: Int?
    /// Sample (true) or greedy (false). Default false.
    public var doSample: Bool = false
    /// Default 1.0.
    public var temperature: Double = 1.0
    /// Default 50.
    public var topK: Int = 50
    /// Default 1.0.
    public var topP: Double = 1.0
    /// Default 1.0 (off).
    public var repetitionPenalty: Double = 1.0
    /// nil unless set.
    public var maxNewTokens: Int?
    /// Prompt plus answer; default 20 in transformers.
    public var maxLength: Int = 20
    /// The whole object as read.
    public var extra = JSONObject()

    /// All defaults.
    public init() {}

    /// The defaults, with the special token ids of a model config (as `from_model_config`).
    public init(model: ModelConfig) {
        bosTokenID = model.bosTokenID
        eosTokenIDs = model.eosTokenIDs
        padTokenID = model.padTokenID
    }

    /// Reads generation_config.json at `path`.
    /// - Throws: `ConfigError` naming the file and the field.
    public static func load(_ path: String) throws -> GenerationConfig {
        try GenerationConfig(fields: ConfigFields.load(path))
    }

    /// Parses generation_config.json text.
    /// - Throws: `ConfigError` naming the file and the field.
    public static func parse(_ text: String, file: String = "generation_config.json") throws -> GenerationConfig {
        try GenerationConfig(fields: ConfigFields.parse(Array(text.utf8), file: file))
    }

    init(fields: ConfigFields) throws {
        extra = fields.object
        bosTokenID = try fields.int("bos_token_id")
        eosTokenIDs = try fields.tokenIDs("eos_token_id")
        padTokenID = try fields.int("pad_token_id")
        doSample = try fields.bool("do_sample") ?? doSample
        temperature = try fields.double("temperature") ?? temperature
        topK = try fields.int("top_k") ?? topK
        topP = try fields.double("top_p") ?? topP
        repetitionPenalty = try fields.double("repetition_penalty") ?? repetitionPenalty
        maxNewTokens = try fields.int("max_new_tokens")
        maxLength = try fields.int("max_length") ?? maxLength
    }

    /// As transformers writes it: only values that differ from the defaults, keys sorted.
    public var json: JSONValue {
        var object = extra
        func set(_ key: String, _ value: JSONValue?, isDefault: Bool) {
            object[key] = isDefault ? nil : value
        }
        set("bos_token_id", bosTokenID.map { .int(Int64($0)) }, isDefault: bosTokenID == nil)
        set("eos_token_id", eosTokenIDs?.json, isDefault: eosTokenIDs == nil)
        set("pad_token_id", padTokenID.map { .int(Int64($0)) }, isDefault: padTokenID == nil)
        set("do_sample", .bool(doSample), isDefault: !doSample)
        set("temperature", .double(temperature), isDefault: temperature == 1.0)
        set("top_k", .int(Int64(topK)), isDefault: topK == 50)
        set("top_p", .double(topP), isDefault: topP == 1.0)
        set("repetition_penalty", .double(repetitionPenalty), isDefault: repetitionPenalty == 1.0)
        set("max_new_tokens", maxNewTokens.map { .int(Int64($0)) }, isDefault: maxNewTokens == nil)
        set("max_length", .int(Int64(maxLength)), isDefault: maxLength == 20)
        return .object(object)
    }

    /// The file text: sorted keys, two-space indent, trailing newline (as transformers).
    public var jsonText: String { ConfigFields.text(of: json) }

    /// Writes generation_config.json at `path` (atomically).
    /// - Throws: `ConfigError.io`.
    public func write(to path: String) throws {
        try ConfigFields.write(json, to: path)
    }
}
