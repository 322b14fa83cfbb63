import Foundation

/// How LoRA's A and B start (PEFT's `init_lora_weights`).
public enum LoRAInit: String, CaseIterable, Sendable {
    /// `true`: A kaiming-uniform (a = sqrt 5, bound 1/sqrt(in)), B zero.
    case `default`
    /// `"gaussian"`: A normal with std 1/r, B zero.
    case gaussian
    /// `false`: A and B both kaiming-uniform (B non-zero: the output changes at once).
    case none
    /// `"pissa"`: top-r singular vectors of W (not implemented yet).
    case pissa
}

/// A LoRA adapter's configuration, mirroring PEFT's `adapter_config.json` (its keys, in
/// snake case, are the coding keys).
public struct LoRAConfig: Codable, Equatable, Sendable {
    /// `LORA`.
    public var peftType = "LORA"
    /// `CAUSAL_LM`.
    public var taskType = "CAUSAL_LM"
    /// The rank r.
    public var r: Int
    /// lora_alpha.
    public var loraAlpha: Double
    /// lora_dropout.
    public var loraDropout: Double = 0
    /// The leaf module names (`q_proj`), or a regular expression on the full path when
    /// `targetPattern` is set.
    public var targetModules: [String]
    /// A regular expression PEFT accepts in place of a list (full match on the path).
    public var targetPattern: String?
    /// use_rslora: scaling alpha / sqrt(r).
    public var useRSLoRA = false
    /// use_dora.
    public var useDoRA = false
    /// init_lora_weights.
    public var initialization: LoRAInit = .default
    /// base_model_name_or_path.
    public var baseModel: String?
    /// bias (`none` is the only value supported).
    public var bias = "none"

    /// A configuration; the other fields keep PEFT's defaults.
    public init(r: Int, alpha: Double, dropout: Double = 0, targets: [String]) {
        self.r = r
        self.loraAlpha = alpha
        self.loraDropout = dropout
        self.targetModules = targets
    }

    /// alpha / r, or alpha / sqrt(r) with rsLoRA.
    public var scaling: Double {
        useRSLoRA ? loraAlpha / Double(r).squareRoot() : loraAlpha / Double(r)
    }

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type", taskType = "task_type", r, loraAlpha = "lora_alpha"
        case loraDropout = "lora_dropout", targetModules = "target_modules"
        case useRSLoRA = "use_rslora", useDoRA = "use_dora", initialization = "init_lora_weights"
        case baseModel = "base_model_name_or_path", bias, fanInFanOut = "fan_in_fan_out"
        case inferenceMode = "inference_mode", modulesToSave = "modules_to_save"
        case layersToTransform = "layers_to_transform", loraBias = "lora_bias"
        case rankPattern = "rank_pattern", alphaPattern = "alpha_pattern", revision
    }

    /// Reads PEFT's keys; missing ones take PEFT's defaults.
    /// - Throws: `DecodingError`; `AdapterError.unsupported` for options lfs does not
    ///   implement (fan_in_fan_out, modules_to_save, layers_to_transform, rank patterns).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peftType = try c.decodeIfPresent(String.self, forKey: .peftType) ?? "LORA"
        taskType = try c.decodeIfPresent(String.self, forKey: .taskType) ?? "CAUSAL_LM"
        r = try c.decodeIfPresent(Int.self, forKey: .r) ?? 8
        loraAlpha = try c.decodeIfPresent(Double.self, forKey: .loraAlpha) ?? 8
        loraDropout = try c.decodeIfPresent(Double.self, forKey: .loraDropout) ?? 0
        if let list = try? c.decodeIfPresent([String].self, forKey: .targetModules) {
            targetModules = list
        } else if let pattern = try c.decodeIfPresent(String.self, forKey: .targetModules) {
            targetModules = pattern == "all-linear" ? ["all"] : []
            targetPattern = pattern == "all-linear" ? nil : pattern
        } else {
            targetModules = ["q_proj", "v_proj"]
        }
        useRSLoRA = try c.decodeIfPresent(Bool.self, forKey: .useRSLoRA) ?? false
        useDoRA = try c.decodeIfPresent(Bool.self, forKey: .useDoRA) ?? false
        if let flag = try? c.decodeIfPresent(Bool.self, forKey: .initialization) {
            initialization = flag ? .default : LoRAInit.none
        } else if let text = try c.decodeIfPresent(String.self, forKey: .initialization) {
            initialization = LoRAInit(rawValue: text.lowercased()) ?? .default
        }
        baseModel = try c.decodeIfPresent(String.self, forKey: .baseModel)
        bias = try c.decodeIfPresent(String.self, forKey: .bias) ?? "none"
        if try c.decodeIfPresent(Bool.self, forKey: .fanInFanOut) == true {
            throw AdapterError.unsupported("fan_in_fan_out")
        }
        if let modules = try? c.decodeIfPresent([String].self, forKey: .modulesToSave), !modules.isEmpty {
            throw AdapterError.unsupported("modules_to_save")
        }
        if c.contains(.layersToTransform), try !c.decodeNil(forKey: .layersToTransform) {
            throw AdapterError.unsupported("layers_to_transform")
        }
        for key in [CodingKeys.rankPattern, .alphaPattern] {
            if let pattern = try? c.decodeIfPresent([String: Double].self, forKey: key), !pattern.isEmpty {
                throw AdapterError.unsupported(key.rawValue)
            }
        }
    }

    /// Writes the keys PEFT writes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(peftType, forKey: .peftType)
        try c.encode(taskType, forKey: .taskType)
        try c.encode(r, forKey: .r)
        try c.encode(loraAlpha, forKey: .loraAlpha)
        try c.encode(loraDropout, forKey: .loraDropout)
        if let targetPattern {
            try c.encode(targetPattern, forKey: .targetModules)
        } else {
            try c.encode(targetModules, forKey: .targetModules)
        }
        try c.encode(useRSLoRA, forKey: .useRSLoRA)
        try c.encode(useDoRA, forKey: .useDoRA)
        switch initialization {
        case .default: try c.encode(true, forKey: .initialization)
        case .none: try c.encode(false, forKey: .initialization)
        case .gaussian, .pissa: try c.encode(initialization.rawValue, forKey: .initialization)
        }
        try c.encode(baseModel, forKey: .baseModel)
        try c.encode(bias, forKey: .bias)
        try c.encode(false, forKey: .fanInFanOut)
        try c.encode(true, forKey: .inferenceMode)
        try c.encodeNil(forKey: .modulesToSave)
        try c.encodeNil(forKey: .layersToTransform)
        try c.encode(false, forKey: .loraBias)
        try c.encode([String: Double](), forKey: .rankPattern)
        try c.encode([String: Double](), forKey: .alphaPattern)
        try c.encodeNil(forKey: .revision)
    }

    /// The JSON text of adapter_config.json (sorted keys, indented as PEFT writes it).
    /// - Throws: `EncodingError`.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads `directory/adapter_config.json`.
    /// - Throws: `AdapterError.invalidFile`, `.unsupported`.
    public static func read(directory: String) throws -> LoRAConfig {
        let path = directory + "/adapter_config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AdapterError.invalidFile(path: path, detail: "cannot read the file")
        }
        do {
            return try JSONDecoder().decode(LoRAConfig.self, from: data)
        } catch let error as AdapterError {
            throw error
        } catch {
            throw AdapterError.invalidFile(path: path, detail: "\(error)")
        }
    }
}
