import Foundation
import Graphs
import Models
import Tensors
import Testing

@testable import Builtins

/// The graph of a frozen-base LoRA step as the quick start draws it: every layer on the
/// tape (inputs_embeds asks for its gradient in training mode), the layers collapsed into
/// one cluster with self_attn and mlp sub-clusters, fused RMSNorm, transposed adapter
/// weights folded into their parameters, and off-tape data labelled by role.
@Suite struct GraphStepTests {
    static let loraStep = """
        let model = load_model("tiny")
        let lora = model.lora(rank: 4, targets: ["q_proj", "v_proj"])
        model.train()
        let ids = [[1, 5, 9, 14, 3, 7]]
        let loss = model(model.embed(ids), attention_mask: [[1, 1, 1, 1, 1, 1]]).loss(ids)
        loss.backward()
        let g = graph(loss)
        """

    @Test func quickStartStepCollapsesEveryLayer() {
        let lines = ScriptRunner.lines(Self.loraStep + "\nprint(g.dot)")
        let dot = lines.joined(separator: "\n")
        #expect(dot.contains("model.layers.0-3 ×4"), "\(lines.prefix(3))")
        #expect(!dot.contains("model.layers.1-3"))
        #expect(dot.contains("label=\"self_attn\\l\"") && dot.contains("label=\"mlp\\l\""))
        #expect(dot.contains("rms_norm(eps=1e-05)"))
        #expect(!dot.contains("9.99999"))
        #expect(!dot.contains("permute(dims=[1, 0])"))
        for role in ["inputs_embeds", "cos", "sin", "attention_mask", "labels"] {
            #expect(dot.contains("label=\"\(role)\\n"), "\(role)")
        }
        #expect(!dot.contains("label=\"tensor\\n"))
    }

    @Test func evaluationModeKeepsTheEmbeddingsAsGiven() {
        let lines = ScriptRunner.lines(
            Self.loraStep.replacingOccurrences(of: "model.train()", with: "model.eval()")
                + "\nprint(g.dot)")
        let dot = lines.joined(separator: "\n")
        #expect(!dot.contains("inputs_embeds"))
        #expect(dot.contains("model.layers.1-3 ×3"))
    }

    @Test func modRoutersAppearInBothGraphs() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            let routers = model.mod(capacity: 0.5)
            print(len(routers))
            let arch = graph(model).dot
            print(arch.contains("router.weight"))
            let ids = [[1, 5, 9, 14, 3, 7, 2, 8]]
            let loss = model(ids).loss(ids)
            loss.backward()
            print(routers[0].grad != nil)
            let trace = graph(loss).dot
            print(trace.contains("router.weight"))
            """)
        #expect(lines == ["2", "true", "true", "true"])
    }

    /// Golden DOT of one LoRA step of the tiny model (q_proj and v_proj, rank 4), with the
    /// embeddings as a leaf that needs its gradient. Re-record with LFS_RECORD_SNAPSHOTS=1.
    @Test func tinyLoRAStepGolden() throws {
        let model = try GraphTinyModelTests.loraModel()
        let ids = try Tensor(ids: [1, 5, 9, 14], shape: [1, 4])
        let embeddings = try model.embed(ids).detach()
        embeddings.requiresGrad = true
        embeddings.name = "inputs_embeds"
        let loss = try CausalLM.loss(logits: model(embeddings: embeddings), labels: ids)
        try loss.backward()
        let graph = GraphModel(
            tracing: loss, title: "one LoRA step", parameters: model.namedParameters())
        let dot = graph.dot()
        #expect(dot.contains("model.layers.0-3 ×4"))
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../GraphsTests/Snapshots/tiny-lora-step-collapsed.dot").path
        if ProcessInfo.processInfo.environment["LFS_RECORD_SNAPSHOTS"] != nil {
            try dot.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: file, encoding: .utf8)
        #expect(dot == golden)
        try GraphTinyModelTests.writeForLooking(dot, "tiny-lora-step-collapsed")
    }
}
