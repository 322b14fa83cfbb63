import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// Adapters PEFT saved (Scripts/fixtures/adapters.py) load and reproduce PEFT's logits,
/// loss and adapter gradients; merging keeps the logits.
@Suite struct AdapterFixtureTests {
    static let fixtures: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
    }()

    static let cases = [
        "llama-lora", "llama-rslora", "llama-dora", "qwen2-lora", "qwen2-rslora", "qwen2-dora",
    ]

    struct Loaded {
        let model: CausalLM
        let adapter: LoRAAdapter
        let ids: Tensor
        let mask: Tensor
        let labels: Tensor
        let realPositions: [Int]
        let expected: SafetensorsFile
    }

    static func load(_ name: String) throws -> Loaded {
        let arch = String(name.prefix { $0 != "-" })
        let modelDirectory = fixtures + "/models/" + arch
        let inputs = try SafetensorsFile(path: modelDirectory + "/expected.safetensors")
        let shape = try inputs.info("input_ids").shape
        let maskValues = try inputs.int64s(of: "attention_mask").map { Int($0) }
        let model = try CausalLM.load(directory: modelDirectory)
        let adapter = try LoRAAdapter.load(into: model, from: fixtures + "/adapters/" + name)
        return Loaded(
            model: model, adapter: adapter,
            ids: try Tensor(ids: inputs.int64s(of: "input_ids").map { Int($0) }, shape: shape),
            mask: try Tensor(shape: shape, scalars: maskValues.map { Float($0) }),
            labels: try Tensor(ids: inputs.int64s(of: "labels").map { Int($0) }, shape: shape),
            realPositions: maskValues.enumerated().filter { $0.element != 0 }.map(\.offset),
            expected: try SafetensorsFile(path: fixtures + "/adapters/" + name + "/expected.safetensors"))
    }

    /// The largest difference over the rows of real (unpadded) positions.
    static func worstLogit(_ actual: [Float], _ expected: [Float], positions: [Int], vocabulary: Int) -> Float {
        var worst: Float = 0
        for position in positions {
            for i in (position * vocabulary)..<((position + 1) * vocabulary) {
                worst = max(worst, abs(actual[i] - expected[i]))
            }
        }
        return worst
    }

    @Test(arguments: cases)
    func logitsLossAndGradientsMatchPEFT(name: String) throws {
        let c = try Self.load(name)
        #expect(c.adapter.config.useDoRA == name.hasSuffix("dora"))
        #expect(c.adapter.config.useRSLoRA == name.hasSuffix("rslora"))
        let logits = try c.model(c.ids, attentionMask: c.mask)
        let vocabulary = c.model.config.vocabSize
        let worst = Self.worstLogit(
            logits.toFloatArray(), try c.expected.floats(of: "logits"), positions: c.realPositions,
            vocabulary: vocabulary)
        #expect(worst < 1e-4, "\(name): largest logit difference \(worst)")
        let loss = try CausalLM.loss(logits: logits, labels: c.labels)
        let expectedLoss = try c.expected.floats(of: "loss")[0]
        let lossValue = try loss.item()
        #expect(abs(lossValue - expectedLoss) < 1e-4, "\(name): loss \(lossValue) vs \(expectedLoss)")
        try loss.backward()
        let keys = c.adapter.namedParameters.map(\.0)
        #expect(Set(keys.map { "grad." + $0 }) == Set(c.expected.names.filter { $0.hasPrefix("grad.") }))
        var largest: Float = 0
        var worstGradient: Float = 0
        for (key, tensor) in c.adapter.namedParameters {
            let expected = try c.expected.floats(of: "grad." + key)
            let actual = try #require(tensor.grad, "\(key) has no gradient").toFloatArray()
            largest = max(largest, expected.map { abs($0) }.max() ?? 0)
            worstGradient = max(worstGradient, zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity)
        }
        #expect(largest > 0 && worstGradient <= 1e-4 * largest, "\(name): gradient difference \(worstGradient) of \(largest)")
    }

    @Test(arguments: ["llama-dora", "qwen2-lora"])
    func mergeKeepsPEFTLogits(name: String) throws {
        let c = try Self.load(name)
        try c.adapter.merge()
        let logits = try withNoGrad { try c.model(c.ids, attentionMask: c.mask) }
        let worst = Self.worstLogit(
            logits.toFloatArray(), try c.expected.floats(of: "logits"), positions: c.realPositions,
            vocabulary: c.model.config.vocabSize)
        #expect(worst < 1e-4, "\(name): largest merged logit difference \(worst)")
    }
}
