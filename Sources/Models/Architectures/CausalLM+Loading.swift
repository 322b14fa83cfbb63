import Tensors

/// Loading a Hugging Face model folder: config.json plus model.safetensors (or shards).
extension CausalLM {
    /// Loads the model in `directory`.
    ///
    /// Every parameter is copied out of the mapped file into memory of the dtype it was
    /// stored in (F32, BF16 and F16 are kept; F64 and the 8-bit floats become F32), so
    /// the file can be replaced while the model lives and training can update weights.
    /// - Parameters:
    ///   - directory: a folder with config.json and model.safetensors (or an index).
    ///   - dtype: convert every floating-point weight to this dtype instead.
    /// - Throws: `ModelError.notAModel` for a folder without config.json,
    ///   `ModelError.missingKey` naming the key and file, `ModelError.shapeMismatch`,
    ///   `ConfigError`, `SafetensorsError`.
    public static func load(directory: String, dtype: DType? = nil) throws -> CausalLM {
        let configPath = directory + "/config.json"
        guard TextFile.exists(configPath) else {
            throw ModelError.notAModel(path: directory, reason: "no config.json")
        }
        let config = try ModelConfig.load(configPath)
        let checkpoint = try SafetensorsCheckpoint(directory: directory)
        let fileName =
            checkpoint.files.count == 1
            ? (checkpoint.files.first?.path ?? directory) : directory + "/" + SafetensorsCheckpoint.indexName
        let model = try build(config: config) { path, shape in
            guard checkpoint.contains(path) else {
                throw ModelError.missingKey(path: path, file: fileName)
            }
            let info = try checkpoint.info(path)
            guard info.shape == shape else {
                throw ModelError.shapeMismatch(path: path, expected: shape, got: info.shape)
            }
            return try tensor(path: path, info: info, bytes: checkpoint.bytes(of: path), dtype: dtype)
        }
        model.sourceDirectory = directory
        return model
    }

    /// A tensor holding a copy of a checkpoint entry.
    static func tensor(
        path: String, info: SafetensorsTensorInfo, bytes: UnsafeRawBufferPointer, dtype: DType?
    ) throws -> Tensor {
        let stored: DType?
        switch info.dtype {
        case .f32: stored = .float32
        case .bf16: stored = .bfloat16
        case .f16: stored = .float16
        case .f64, .f8e4m3, .f8e5m2: stored = nil
        default:
            throw ModelError.unsupportedDType(path: path, dtype: info.dtype.rawValue)
        }
        let target = dtype ?? stored ?? .float32
        guard target.isFloatingPoint else {
            throw ModelError.unsupportedDType(path: path, dtype: target.rawValue)
        }
        if let stored, stored == target {
            let tensor = try Tensor(zeros: info.shape, dtype: target)
            guard bytes.count == tensor.storage.byteCount, let source = bytes.baseAddress else {
                if info.elementCount == 0 { return tensor }
                throw ModelError.shapeMismatch(path: path, expected: info.shape, got: [bytes.count])
            }
            tensor.storage.baseAddress.copyMemory(from: source, byteCount: bytes.count)
            return tensor
        }
        let floats = SafetensorsConversion.floats(bytes, dtype: info.dtype)
        let converted = try Tensor(shape: info.shape, scalars: floats)
        return target == .float32 ? converted : try converted.to(target)
    }
}
