import Testing

@testable import Builtins

/// In training mode the input embeddings ask for a gradient (the `inputs_embeds` leaf)
/// only when the first layer may train: freeze-tuning of the last layers does not carry a
/// gradient back through the frozen ones.
@Suite struct FrozenInputGradientTests {
    static func step(_ setup: String) -> String {
        """
        let model = load_model("tiny")
        \(setup)
        model.train()
        let ids = [[1, 5, 9, 14, 3, 7]]
        let loss = model.loss(ids)
        loss.backward()
        let dot = graph(loss).dot
        print(dot.contains("inputs_embeds"))
        print(dot.contains("model.layers.0"))
        print(model.params()["model.layers.3.mlp.down_proj.weight"].grad != nil)
        """
    }

    @Test func freezeTuningOfTheLastLayerLeavesTheFrozenOnesOffTheTape() {
        let lines = ScriptRunner.lines(Self.step("model.freeze(trainable_layers: 1)"))
        #expect(lines == ["false", "false", "true"])
    }

    @Test func freezeTuningOfTheFirstLayerKeepsTheLeaf() {
        let lines = ScriptRunner.lines(Self.step("model.freeze(trainable_layers: -1)"))
        #expect(lines == ["true", "true", "false"])
    }

    @Test func loraOnEveryLayerKeepsTheLeaf() {
        let lines = ScriptRunner.lines(Self.step("let lora = model.lora(rank: 4)"))
        #expect(lines == ["true", "true", "false"])
    }
}
