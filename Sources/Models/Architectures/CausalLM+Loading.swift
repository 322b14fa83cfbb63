import Tensors

/// Loading a Hugging Face model folder: config.json plus model.safetensors (or shards).
extension CausalLM {
    /// Loads the model in `directory`.
    ///
    /// Every parameter is copied out of the mapped file into memory of the dtype it was
    /// stored in (F32, BF16 and F16 are kept; other float types become F32), so the
    /// file can be replaced while the model lives and training can update weights.
    /// - Parameters:
    ///   - directory: a folder with config.json and model.safetensors (or an index).
    ///   - dtype: convert every weight to this floating-point dtype instead.
    /// - Throws: `ModelError.notAModel` for a folder without config.json,
    ///   `ModelError.missingKey` naming the key and file, `ModelError.shapeMismatch`,
    ///   `ModelError.unsupportedDType`, `ConfigError`, `SafetensorsError`.
    public static func load(directory: String, dtype: DType? = nil) throws -> CausalLM {
        let configPath = directory + "/config.json"
        guard TextFile.exists(configPath) else {
            throw ModelError.notAModel(path: directory, reason: "no config.json")
        }
        if let dtype, !dtype.isFloatingPoint {
            throw ModelError.unsupportedDType(path: directory, dtype: dtype.rawValue)
        }
        var config = try ModelConfig.load(configPath)
        let checkpoint = try SafetensorsCheckpoint(directory: directory)
        let fileName =
            checkpoint.files.count == 1
            ? (checkpoint.files.first?.path ?? directory)
            : directory + "/" + SafetensorsCheckpoint.indexName
        var storedDType: DType?
        let model = try build(config: config) { path, shape in
            guard checkpoint.contains(path) else {
                throw ModelError.missingKey(path: path, file: fileName)
            }
            let info = try checkpoint.info(path)
            guard info.shape == shape else {
                throw ModelError.shapeMismatch(path: path, expected: shape, got: info.shape)
            }
            var tensor = try checkpoint.tensor(path, copy: true)
            guard tensor.dtype.isFloatingPoint else {
                throw ModelError.unsupportedDType(path: path, dtype: info.dtype.rawValue)
            }
            if let dtype, tensor.dtype != dtype { tensor = try tensor.to(dtype) }
            storedDType = storedDType ?? tensor.dtype
            return tensor
        }
        if let storedDType { config.dtype = storedDType.torchName }
        let loaded = CausalLM(
            config: config, traits: model.traits, stack: model.stack, head: model.head)
        loaded.sourceDirectory = directory
        if TextFile.exists(directory + "/tokenizer.json") {
            loaded.tokenizer = try Tokenizer.load(directory: directory)
        }
        return loaded
    }
}
