import Foundation
import Tensors

/// Writing a model back as a Hugging Face folder that transformers loads.
extension CausalLM {
    /// The tokenizer and template files copied from the source folder on save.
    static let tokenizerFiles = [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "chat_template.jinja", "chat_template.json", "vocab.json", "merges.txt",
        "tokenizer.model", "added_tokens.json",
    ]

    /// The parameters as the checkpoint names them (a tied lm_head has no key).
    public var stateDict: [(String, Tensor)] { namedParameters() }

    /// Saves config.json, model.safetensors (or shards with an index past
    /// `maximumShardBytes`), generation_config.json and the tokenizer files of the folder
    /// the model came from (or, for a model made in lfs, its tokenizer). Weights are written in their dtype, byte for byte.
    /// - Parameters:
    ///   - directory: the folder, created if missing.
    ///   - maximumShardBytes: the largest shard; nil writes one file.
    /// - Throws: `ModelError.io`, `SafetensorsError`, `ConfigError`.
    public func save(to directory: String, maximumShardBytes: Int? = nil) throws {
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelError.io(path: directory, detail: "cannot create the folder (\(error))")
        }
        var savedConfig = config
        savedConfig.dtype = stateDict.first?.1.dtype.torchName ?? config.dtype
        savedConfig.extra["architectures"] = .array([.string(traits.className)])
        try savedConfig.write(to: directory + "/config.json")
        let entries = try stateDict.map { try SafetensorsEntry(name: $0.0, tensor: $0.1) }
        // Remove the other layout's files so the folder holds one consistent checkpoint.
        for stale in (try? files.contentsOfDirectory(atPath: directory)) ?? []
        where stale.hasPrefix("model-") && stale.hasSuffix(".safetensors")
            || stale == SafetensorsCheckpoint.indexName || stale == SafetensorsCheckpoint.singleName
        {
            try? files.removeItem(atPath: directory + "/" + stale)
        }
        try SafetensorsCheckpoint.write(
            entries, directory: directory, maximumShardBytes: maximumShardBytes)
        try GenerationConfig(model: config).write(to: directory + "/generation_config.json")
        guard let source = sourceDirectory else {
            // A model made in lfs (new_model) writes the tokenizer it was given.
            try tokenizer?.save(directory: directory)
            return
        }
        guard URL(fileURLWithPath: source).standardizedFileURL
            != URL(fileURLWithPath: directory).standardizedFileURL
        else { return }
        for name in CausalLM.tokenizerFiles where files.fileExists(atPath: source + "/" + name) {
            let target = directory + "/" + name
            do {
                if files.fileExists(atPath: target) { try files.removeItem(atPath: target) }
                try files.copyItem(atPath: source + "/" + name, toPath: target)
            } catch {
                throw ModelError.io(path: target, detail: "cannot copy the tokenizer file (\(error))")
            }
        }
    }
}
