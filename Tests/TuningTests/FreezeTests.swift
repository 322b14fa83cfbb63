import Models
import Tensors
import Testing

@testable import Tuning

/// Freeze-tuning trainable sets (LLaMA-Factory's semantics).
@Suite struct FreezeTests {
    @Test func lastLayersAllModules() throws {
        let model = try CausalLM.load("tiny")
        let count = model.layers.count
        let names = try FreezeTuning.apply(to: model, trainableLayers: 1)
        #expect(!names.isEmpty)
        #expect(names.allSatisfy { $0.hasPrefix("model.layers.\(count - 1).") })
        let trainable = model.namedParameters().filter { $0.1.requiresGrad }.map(\.0)
        #expect(trainable == names)
    }

    @Test func firstLayersChosenModulesAndExtra() throws {
        let model = try CausalLM.load("tiny")
        let names = try FreezeTuning.apply(to: model, trainableLayers: -1, modules: ["mlp"], extra: ["norm"])
        #expect(names.contains("model.layers.0.mlp.down_proj.weight"))
        #expect(!names.contains("model.layers.0.self_attn.q_proj.weight"))
        #expect(names.contains("model.norm.weight"))
        #expect(!names.contains { $0.hasPrefix("model.layers.1.mlp") })
        #expect(throws: AdapterError.self) { try FreezeTuning.apply(to: model, trainableLayers: 0) }
    }
}

/// NEFTune's bound and its absence outside training.
@Suite struct NEFTuneTests {
    @Test func noiseIsBoundedAndOnlyInTraining() throws {
        let x = try Tensor.zeros([2, 8, 16])
        let noisy = try NEFTune.noise(x, alpha: 5, generator: RandomGenerator(seed: 2)).toFloatArray()
        let bound = Float(5.0 / (8.0 * 16.0).squareRoot())
        #expect(noisy.allSatisfy { abs($0) <= bound })
        #expect((noisy.map { abs($0) }.max() ?? 0) > bound * 0.9)
        let plain = try NEFTune.noise(x, alpha: 5, training: false)
        #expect(plain === x)
    }

    @Test func modelNEFTuneOnlyInTrainingMode() throws {
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [1, 2, 3, 4], shape: [1, 4])
        let clean = try model.embed(ids).toFloatArray()
        try TrainingMode.setNEFTune(model, alpha: 5)
        #expect(try TrainingMode.embed(model, ids: ids).toFloatArray() == clean)
        TrainingMode.set(model, training: true)
        let noisy = try TrainingMode.embed(model, ids: ids).toFloatArray()
        let bound = Float(5.0 / (4.0 * Double(model.config.hiddenSize)).squareRoot())
        let gaps = zip(noisy, clean).map { abs($0 - $1) }
        #expect(gaps.allSatisfy { $0 <= bound * 1.0001 } && (gaps.max() ?? 0) > bound / 2)
        TrainingMode.set(model, training: false)
        #expect(try TrainingMode.embed(model, ids: ids).toFloatArray() == clean)
    }
}
