import Foundation
import Graphs
import Models
import Tensors
import Testing

@testable import Builtins

/// The graphs of the embedded tiny model: one LoRA step traced from the tape, and its
/// architecture. LoRA here is a minimal test adapter (A and B on q_proj and v_proj,
/// PEFT key names), so the test does not wait for the Tuning module.
@Suite struct GraphTinyModelTests {
    /// y = base + (x A^T) B^T * 2, the LoRA forward with scaling 2.
    final class TestLoRA: LinearAdapter {
        let name = "default"
        let isEnabled = true
        let loraA: Tensor
        let loraB: Tensor

        init(path: String, rank: Int, inputs: Int, outputs: Int) throws {
            loraA = try Tensor(
                shape: [rank, inputs], scalars: (0..<(rank * inputs)).map { Float($0 % 5) * 0.01 })
            loraB = try Tensor.zeros([outputs, rank])
            for (tensor, key) in [(loraA, "lora_A"), (loraB, "lora_B")] {
                tensor.name = "base_model.model.\(path).\(key).default.weight"
                tensor.isParameter = true
                tensor.requiresGrad = true
            }
        }

        func forward(input: Tensor, baseOutput: Tensor, layer: Linear) throws -> Tensor {
            try baseOutput + input.matmul(loraA.transposed()).matmul(loraB.transposed()) * 2
        }
    }

    static func loraModel() throws -> CausalLM {
        let model = try CausalLM.load("tiny")
        for (_, tensor) in model.namedParameters() { tensor.requiresGrad = false }
        for (path, module) in model.namedModules() {
            guard let linear = module as? Linear,
                path.hasSuffix("q_proj") || path.hasSuffix("v_proj")
            else { continue }
            linear.adapters.append(
                try TestLoRA(
                    path: path, rank: 4, inputs: linear.inputFeatures,
                    outputs: linear.outputFeatures))
        }
        return model
    }

    /// The loss of one step on 8 tokens, after backward.
    static func loraStepLoss(_ model: CausalLM) throws -> Tensor {
        let ids = try Tensor(ids: [1, 5, 9, 14], shape: [1, 4])
        let loss = try CausalLM.loss(logits: model(ids), labels: ids)
        try loss.backward()
        return loss
    }

    @Test func loraStepCollapsesTheFourLayersAndShowsTheAdapters() throws {
        let model = try Self.loraModel()
        let graph = GraphModel(
            tracing: try Self.loraStepLoss(model), parameters: model.namedParameters())
        let collapsed = graph.collapsingRepeatedBlocks()
        // Layer 0 differs: its input (the frozen embedding) needs no gradient, so its
        // base projections are off the tape. Layers 1-3 are identical.
        #expect(collapsed.clusterLabels == ["model.layers.1": "model.layers.1-3 ×3"])
        let adapters = collapsed.nodes.filter { $0.kind == .adapterParameter(trainable: true) }
        #expect(adapters.count == 8)  // A and B on q_proj and v_proj of layers 0 and 1-3
        #expect(adapters.filter { $0.details.contains("×3") }.count == 4)
        let frozen = collapsed.nodes.filter { $0.kind == .parameter(trainable: false) }
        let kProjection = frozen.first { $0.label.hasSuffix("self_attn.k_proj.weight") }
        #expect(kProjection?.shape == [128, 256])  // the weight's shape, not its transpose's
        #expect(graph.nodes.count > 3 * collapsed.nodes.count / 2)
        let dot = graph.dot()
        #expect(dot.contains("lora_A.default.weight"))
        let svg = String(decoding: try GraphRenderer.render(dot: dot, format: .svg), as: UTF8.self)
        #expect(svg.contains(">model.layers.1&#45;3 ×3</text>"))
        try Self.writeForLooking(dot, "tiny-lora-step")
    }

    @Test func architectureShowsLoRAWhereItSits() throws {
        let model = try Self.loraModel()
        let graph = GraphModel(architecture: LayerGraphAdapter(name: "", layer: model))
        let adapters = graph.nodes.filter { $0.kind == .adapterParameter(trainable: true) }
        #expect(adapters.count == 8)  // q_proj and v_proj in each of 4 layers, before collapsing
        #expect(adapters.allSatisfy { $0.label == "LoRA" })
        #expect(adapters.first?.details.first?.hasPrefix("lora_A.default.weight [4, 256]") == true)
        let dot = graph.dot()
        #expect(dot.contains("model.layers.0-3 ×4"))
        #expect(graph.title?.contains("trainable") == true)
        try Self.writeForLooking(dot, "tiny-architecture")
    }

    /// Writes PNGs for looking at by eye when LFS_GRAPH_LOOK names a folder.
    static func writeForLooking(_ dot: String, _ name: String) throws {
        guard let folder = ProcessInfo.processInfo.environment["LFS_GRAPH_LOOK"] else { return }
        try GraphRenderer.write(dot: dot, to: "\(folder)/\(name).png")
        try GraphRenderer.write(dot: dot, to: "\(folder)/\(name).svg")
        try GraphRenderer.write(dot: dot, to: "\(folder)/\(name).dot")
    }
}
