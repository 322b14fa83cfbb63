import Tensors

/// A new model with random weights, as transformers' `from_config` makes one.
extension CausalLM {
    /// Builds `config`'s module tree with transformers' `_init_weights` for these
    /// architectures: linear and embedding weights drawn from N(0, initializer_range)
    /// (0.02 unless config.json says otherwise), biases zero, RMSNorm weights one (zero
    /// where the architecture stores them as an offset, as Gemma does). Draws come from a
    /// Philox generator seeded with `seed`, parameter by parameter in checkpoint order, so
    /// the same seed gives the same model on every machine.
    /// - Throws: `ModelError`/`ConfigError` for a config the architectures reject.
    public static func initialised(config: ModelConfig, seed: UInt64 = 0) throws -> CausalLM {
        let traits = try ArchitectureTraits(config: config)
        let deviation = Float(config.extra["initializer_range"]?.doubleValue ?? 0.02)
        let generator = RandomGenerator(seed: seed)
        let model = try build(config: config) { path, shape in
            if path.hasSuffix("norm.weight") {
                return traits.normWeightOffset ? try Tensor(zeros: shape) : try Tensor.ones(shape)
            }
            if path.hasSuffix(".bias") { return try Tensor(zeros: shape) }
            return try Tensor.randn(shape, std: deviation, generator: generator)
        }
        return model
    }
}
