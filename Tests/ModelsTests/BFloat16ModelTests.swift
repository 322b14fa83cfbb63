import Tensors
import Testing

@testable import Models

/// `load_model(path, dtype: "bf16")`: weights stay bf16, and the model computes what a
/// float32 model with the same bf16-rounded weights computes (the kernels widen bf16
/// exactly; only the summation order differs).
@Suite struct BFloat16ModelTests {
    /// The tiny model in float32 with every parameter rounded to bf16 and back.
    static func roundedTiny() throws -> CausalLM {
        let model = try CausalLM.load("tiny")
        for (_, tensor) in model.namedParameters() {
            try tensor.copy(from: tensor.to(.bfloat16))
        }
        return model
    }

    static let ids: [[Int]] = [[1, 17, 204, 9, 1033, 52, 7, 640, 88, 2000], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]]

    static func logits(_ model: CausalLM) throws -> [Float] {
        let input = try Tensor(ids: ids.flatMap { $0 }, shape: [2, 10])
        return try withNoGrad { try model(input) }.toFloatArray()
    }

    @Test func weightsStayBF16AndTakeHalfTheBytes() throws {
        let bf16 = try CausalLM.load("tiny", dtype: .bfloat16)
        let fp32 = try CausalLM.load("tiny")
        let parameters = bf16.namedParameters()
        #expect(parameters.allSatisfy { $0.1.dtype == .bfloat16 })
        let bytes = parameters.reduce(0) { $0 + $1.1.storage.byteCount }
        let floatBytes = fp32.namedParameters().reduce(0) { $0 + $1.1.storage.byteCount }
        #expect(bytes * 2 == floatBytes)
    }

    @Test func logitsMatchTheRoundedFloat32Model() throws {
        let got = try Self.logits(CausalLM.load("tiny", dtype: .bfloat16))
        let rounded = try Self.logits(Self.roundedTiny())
        let worst = zip(got, rounded).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst < 1e-4, "bf16 against rounded float32: \(worst)")
        // And against the float32 model itself, within what bf16 weights cost: their
        // relative rounding is 2^-9, so logits move by a small fraction of their spread.
        let exact = try Self.logits(CausalLM.load("tiny"))
        let spread = exact.map(abs).max() ?? 1
        let drift = zip(got, exact).map { abs($0 - $1) }.max() ?? .infinity
        #expect(drift < 0.02 * spread, "bf16 against float32: \(drift) of \(spread)")
    }

    @Test func greedyGenerationMatchesTheRoundedFloat32Model() throws {
        let options = GenerationOptions(maxTokens: 12)
        let bf16 = try Generator(model: CausalLM.load("tiny", dtype: .bfloat16))
            .generate(prompts: Self.ids, options: options)
        let rounded = try Generator(model: Self.roundedTiny()).generate(prompts: Self.ids, options: options)
        #expect(bf16 == rounded)
        #expect(bf16.allSatisfy { $0.count == 12 })
    }

    /// Prefill, then token by token against the cache: the last logits equal a full
    /// forward pass over the whole sequence (float32 and bf16).
    @Test(arguments: [DType.float32, .bfloat16])
    func cachedDecodeMatchesAFullForwardPass(dtype: DType) throws {
        let model = try CausalLM.load("tiny", dtype: dtype)
        let sequence = Self.ids[0]
        let cache = KVCache(model: model, batch: 1, capacity: 4)  // grows while decoding
        var logits = try model.nextTokenLogits(
            ids: [Array(sequence.prefix(4))], positions: [Array(0..<4)],
            keyMask: [[Float](repeating: 1, count: 4)], cache: cache)
        for position in 4..<sequence.count {
            logits = try model.nextTokenLogits(
                ids: [[sequence[position]]], positions: [[position]],
                keyMask: [[Float](repeating: 1, count: position + 1)], cache: cache)
        }
        #expect(cache.length == sequence.count)
        let full = try withNoGrad {
            try model(Tensor(ids: sequence, shape: [1, sequence.count]))
        }.toFloatArray()
        let vocabulary = model.config.vocabSize
        let last = Array(full[((sequence.count - 1) * vocabulary)...])
        let worst = zip(logits[0], last).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst < 1e-4, "\(dtype): \(worst)")
    }
}
