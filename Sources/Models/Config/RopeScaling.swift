/// RoPE scaling as transformers' `rope_parameters` (v5) or `rope_scaling` (v4) describe it.
///
/// Field meanings and defaults follow `transformers/modeling_rope_utils.py`: linear and
/// dynamic need `factor`; yarn needs `factor` and takes `original_max_position_embeddings`
/// (default: the config's `max_position_embeddings`), `attention_factor`, `beta_fast` (32),
/// `beta_slow` (1), `mscale`, `mscale_all_dim`, `truncate` (true); llama3 needs `factor`,
/// `low_freq_factor`, `high_freq_factor` and `original_max_position_embeddings`.
public struct RopeScaling: Equatable, Sendable {
    /// The RoPE variants lfs implements (besides the default, which has no scaling).
    public enum Kind: String, CaseIterable, Sendable {
        case linear, dynamic, yarn, llama3
    }

    /// Which variant.
    public var kind: Kind
    /// The context extension factor.
    public var factor: Double
    /// The pre-training context length (yarn, llama3, dynamic uses the config's maximum).
    public var originalMaxPositionEmbeddings: Int?
    /// llama3: scaling for the low-frequency band.
    public var lowFrequencyFactor: Double?
    /// llama3: scaling for the high-frequency band.
    public var highFrequencyFactor: Double?
    /// yarn: attention temperature; nil means derived from `factor` (0.1 ln f + 1).
    public var attentionFactor: Double?
    /// yarn: extrapolation boundary of the ramp (transformers default 32).
    public var betaFast: Double?
    /// yarn: interpolation boundary of the ramp (transformers default 1).
    public var betaSlow: Double?
    /// yarn: `mscale` for the derived attention factor.
    public var mscale: Double?
    /// yarn: `mscale_all_dim` for the derived attention factor.
    public var mscaleAllDim: Double?
    /// yarn: whether to floor/ceil the correction range (transformers default true).
    public var truncate: Bool?

    /// A scaling of `kind` by `factor`, other fields unset.
    public init(kind: Kind, factor: Double) {
        self.kind = kind
        self.factor = factor
    }

    /// Parses a `rope_scaling`/`rope_parameters` object; nil for `rope_type: "default"`.
    static func parse(_ fields: ConfigFields, maxPositionEmbeddings: Int) throws -> RopeScaling? {
        guard let typeName = try fields.string("rope_type") ?? fields.string("type") else {
            throw ConfigError.missingField(file: fields.file, field: fields.name("rope_type"))
        }
        if typeName == "default" { return nil }
        guard let kind = Kind(rawValue: typeName) else {
            let names = ["default"] + Kind.allCases.map(\.rawValue)
            throw ConfigError.invalidValue(
                file: fields.file, field: fields.name("rope_type"),
                detail: "unsupported '\(typeName)'; supported: \(names.joined(separator: ", "))")
        }
        var scaling = RopeScaling(kind: kind, factor: try fields.require("factor", fields.double))
        guard scaling.factor >= 1 || kind == .linear, scaling.factor > 0 else {
            throw ConfigError.invalidValue(file: fields.file, field: fields.name("factor"), detail: "must be >= 1, got \(scaling.factor)")
        }
        scaling.originalMaxPositionEmbeddings = try fields.int("original_max_position_embeddings")
        scaling.lowFrequencyFactor = try fields.double("low_freq_factor")
        scaling.highFrequencyFactor = try fields.double("high_freq_factor")
        scaling.attentionFactor = try fields.double("attention_factor")
        scaling.betaFast = try fields.double("beta_fast")
        scaling.betaSlow = try fields.double("beta_slow")
        scaling.mscale = try fields.double("mscale")
        scaling.mscaleAllDim = try fields.double("mscale_all_dim")
        scaling.truncate = try fields.bool("truncate")
        switch kind {
        case .llama3:
            _ = try fields.require("low_freq_factor", fields.double)
            _ = try fields.require("high_freq_factor", fields.double)
            _ = try fields.require("original_max_position_embeddings", fields.int)
        case .yarn:
            // As `standardize_rope_params`: the pre-training length defaults to the maximum.
            if scaling.originalMaxPositionEmbeddings == nil {
                scaling.originalMaxPositionEmbeddings = maxPositionEmbeddings
            }
        case .linear, .dynamic:
            break
        }
        return scaling
    }

    /// The fields as a transformers 5 `rope_parameters` object (with `rope_theta`).
    func json(ropeTheta: Double) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = [("rope_type", .string(kind.rawValue)), ("factor", .double(factor))]
        if let value = originalMaxPositionEmbeddings { pairs.append(("original_max_position_embeddings", .int(Int64(value)))) }
        if let value = lowFrequencyFactor { pairs.append(("low_freq_factor", .double(value))) }
        if let value = highFrequencyFactor { pairs.append(("high_freq_factor", .double(value))) }
        if let value = attentionFactor { pairs.append(("attention_factor", .double(value))) }
        if let value = betaFast { pairs.append(("beta_fast", .double(value))) }
        if let value = betaSlow { pairs.append(("beta_slow", .double(value))) }
        if let value = mscale { pairs.append(("mscale", .double(value))) }
        if let value = mscaleAllDim { pairs.append(("mscale_all_dim", .double(value))) }
        if let value = truncate { pairs.append(("truncate", .bool(value))) }
        pairs.append(("rope_theta", .double(ropeTheta)))
        return pairs
    }
}
