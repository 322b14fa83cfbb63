import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// LLaMA Pro block expansion (LLaMA-Factory's scripts/llama_pro.py and `use_llama_pro`).
@Suite struct ExpandTests {
    let ids = try? Tensor(ids: [5, 17, 42, 7, 99, 3, 64, 12], shape: [2, 4])

    @Test func outputUnchangedAndLayersRenumbered() throws {
        let model = try CausalLM.load("tiny")
        let ids = try #require(ids)
        let before = try model(ids).toFloatArray()
        let count = model.layers.count
        #expect(count % 2 == 0)
        let originals = model.layers
        let q0 = model.layers[0].attention.queryProjection.weight.toFloatArray()
        let trainable = try LlamaPro.expand(model, blocks: 2)
        #expect(model.layers.count == count + 2)
        #expect(model.config.numHiddenLayers == count + 2)
        // After each group of count/2 layers, a copy of the group's last layer.
        let half = count / 2
        let expected = Array(originals[0..<half]) + [nil] + Array(originals[half..<count]) + [nil]
        for (index, original) in expected.enumerated() {
            if let original {
                #expect(model.layers[index] === original)
            } else {
                let source = model.layers[index - 1]
                let copy = model.layers[index]
                #expect(copy !== source)
                #expect(copy.attention.queryProjection.weight.toFloatArray()
                    == source.attention.queryProjection.weight.toFloatArray())
                #expect(copy.attention.outputProjection.weight.toFloatArray().allSatisfy { $0 == 0 })
                #expect(copy.feedForward.downProjection.weight.toFloatArray().allSatisfy { $0 == 0 })
                #expect(copy.feedForward.upProjection.weight.toFloatArray().contains { $0 != 0 })
            }
        }
        #expect(LlamaPro.insertedIndices(layers: count, blocks: 2) == [half, count + 1])
        #expect(model.layers[0].attention.queryProjection.weight.toFloatArray() == q0)
        let after = try model(ids).toFloatArray()
        let gap = zip(before, after).map { abs($0 - $1) }.max() ?? 1
        #expect(gap < 1e-5)
        // Names follow the new numbering, and exactly the new layers train.
        let names = model.namedParameters().map(\.0)
        #expect(names.contains("model.layers.\(count + 1).mlp.down_proj.weight"))
        for (name, tensor) in model.namedParameters() {
            #expect(tensor.name == name)
            let isNew = name.hasPrefix("model.layers.\(half).") || name.hasPrefix("model.layers.\(count + 1).")
            #expect(tensor.requiresGrad == isNew, "\(name)")
        }
        let newNames = model.namedParameters().map(\.0).filter {
            $0.hasPrefix("model.layers.\(half).") || $0.hasPrefix("model.layers.\(count + 1).")
        }
        #expect(trainable == newNames)
    }

    @Test func savedModelReloadsWithTheNewDepth() throws {
        let model = try CausalLM.load("tiny")
        let ids = try #require(ids)
        try LlamaPro.expand(model, blocks: 1)
        let logits = try model(ids).toFloatArray()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-expand-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try model.save(to: folder)
        let reloaded = try CausalLM.load(folder)
        #expect(reloaded.layers.count == model.layers.count)
        #expect(reloaded.config.numHiddenLayers == model.layers.count)
        let gap = zip(try reloaded(ids).toFloatArray(), logits).map { abs($0 - $1) }.max() ?? 1
        #expect(gap < 1e-5, "\(gap)")
        for ((name, tensor), (otherName, other)) in zip(model.namedParameters(), reloaded.namedParameters()) {
            #expect(name == otherName && tensor.dtype == other.dtype && tensor.toFloatArray() == other.toFloatArray(), "\(name)")
        }
    }

    @Test func badBlockCountsAreErrors() throws {
        let model = try CausalLM.load("tiny")
        let count = model.layers.count
        #expect(throws: AdapterError.self) { try LlamaPro.expand(model, blocks: 0) }
        #expect(throws: AdapterError.self) { try LlamaPro.expand(model, blocks: count + 1) }
        #expect(model.layers.count == count)
    }
}
