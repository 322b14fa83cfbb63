import Foundation
import Models
import Tensors

/// Writes the "bench-llama" random model (the performance issue's shapes) and the token
/// files into the cache folder, once; both sides load the same files.
enum BenchModelMaker {
    /// config.json of bench-llama: 56M parameters, fp32, untied.
    static let configText = """
        {
          "architectures": ["LlamaForCausalLM"],
          "model_type": "llama",
          "vocab_size": 32000,
          "hidden_size": 512,
          "intermediate_size": 1376,
          "num_hidden_layers": 8,
          "num_attention_heads": 8,
          "num_key_value_heads": 4,
          "head_dim": 64,
          "hidden_act": "silu",
          "max_position_embeddings": 2048,
          "rms_norm_eps": 1e-05,
          "rope_theta": 10000.0,
          "tie_word_embeddings": false,
          "attention_bias": false,
          "mlp_bias": false,
          "bos_token_id": 1,
          "eos_token_id": 2,
          "torch_dtype": "float32"
        }
        """

    /// Makes `directory/config.json` and `model.safetensors` unless present: weights
    /// drawn from N(0, 0.02) (transformers' initializer_range), norms at 1.
    /// - Throws: model and file errors.
    static func ensureModel(in directory: String) throws {
        let config = directory + "/config.json"
        let weights = directory + "/model.safetensors"
        if FileManager.default.fileExists(atPath: config),
            FileManager.default.fileExists(atPath: weights)
        {
            return
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        let parsed = try ModelConfig.parse(configText)
        let generator = RandomGenerator(seed: 20_251_129)
        let model = try CausalLM.build(config: parsed) { path, shape in
            if path.hasSuffix("norm.weight") { return try Tensor.ones(shape) }
            return try Tensor.randn(shape, std: 0.02, generator: generator)
        }
        try model.save(to: directory)
        print("bench-compare: wrote bench-llama (\(model.parameterCount) parameters) to \(directory)")
    }

    /// Writes `tokens-<B>x<T>.json` (ids [B][T], a 16-token prompt and the number of new
    /// tokens) unless present, and returns its path. Uniform random ids, seeded.
    static func ensureTokens(in directory: String, batch: Int, sequence: Int, newTokens: Int)
        throws -> String
    {
        let path = "\(directory)/tokens-\(batch)x\(sequence)-\(newTokens).json"
        if FileManager.default.fileExists(atPath: path) { return path }
        var random = SplitMix64(seed: 1)
        let rows = (0..<batch).map { _ in
            (0..<sequence).map { _ in Int(random.next() % 32000) }
        }
        let prompt = (0..<16).map { _ in Int(random.next() % 32000) }
        let object: [String: Any] = ["ids": rows, "prompt": prompt, "new_tokens": newTokens]
        let data = try JSONSerialization.data(withJSONObject: object)
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw HarnessError("cannot write \(path)") }
        return path
    }
}
