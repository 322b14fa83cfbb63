import Testing

@testable import Builtins

/// `model.loss(ids, labels)`: the causal-LM loss without the [B, T, vocab] logits, equal
/// to `model(ids).loss(labels)` in value and in the gradients it gives, through the same
/// embedding path (training mode, NEFTune, LoRA).
@Suite struct ModelLossBuiltinTests {
    @Test func lossAndLoRAGradientsMatchTheLogitsPath() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            let lora = model.lora(rank: 4, alpha: 8, init: "gaussian")
            model.train()
            let ids = [[1, 5, 9, 13, 17, 21], [2, 4, 6, 8, 10, 12]]
            let labels = [[1, 5, 9, -100, 17, 21], [2, 4, 6, 8, 10, -100]]
            let params = model.trainable()
            let slow = model(ids).loss(labels)
            slow.backward()
            var slow_grads = []
            for p in params { slow_grads.append(p.grad); p.grad = nil }
            let fast = model.loss(ids, labels)
            fast.backward()
            print(abs(fast.item() - slow.item()) < 1e-5)
            var worst = 0.0
            for i in range(len(params)) {
                worst = max(worst, (params[i].grad - slow_grads[i]).abs().max().item())
            }
            print(worst < 1e-5)
            print(len(params) > 0)
            # labels default to the ids
            print(abs(model.loss(ids).item() - model(ids).loss(ids).item()) < 1e-5)
            """)
        #expect(lines == ["true", "true", "true", "true"])
    }

    @Test func packedPositionsReachTheLoss() {
        // Positions restarting inside a row (packed SFT data) change the loss, and
        // model.loss sees them as the model call does.
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            let ids = [[1, 5, 9, 13, 17, 21, 25, 29]]
            let positions = [[0, 1, 2, 3, 0, 1, 2, 3]]
            let packed = model.loss(ids, attention_mask: [[1, 1, 1, 1, 1, 1, 1, 1]], positions: positions)
            print(abs(packed.item() - model(ids, positions: positions).loss(ids).item()) < 1e-5)
            print(abs(packed.item() - model.loss(ids).item()) > 1e-4)
            """)
        #expect(lines == ["true", "true"])
    }

    @Test func fullFineTuningGradientsMatchIncludingTheHead() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            for p in model.params().values() { p.requires_grad = true }
            let ids = [[3, 1, 4, 1, 5, 9, 2, 6]]
            let slow = model(ids).loss(ids)
            slow.backward()
            # tiny ties lm_head to the embeddings: their gradient holds both uses.
            let names = ["model.embed_tokens.weight", "model.norm.weight", "model.layers.0.self_attn.q_proj.weight"]
            var slow_grads = []
            for n in names { slow_grads.append(model.params()[n].grad) }
            for p in model.params().values() { p.grad = nil }
            model.loss(ids).backward()
            var worst = 0.0
            for i in range(len(names)) {
                worst = max(worst, (model.params()[names[i]].grad - slow_grads[i]).abs().max().item())
            }
            print(worst < 1e-5)
            """)
        #expect(lines == ["true"])
    }

    @Test func neftuneNoiseAppliesInTrainingModeOnly() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            let ids = [[1, 2, 3, 4, 5, 6, 7, 8]]
            let clean = model.loss(ids).item()
            model.neftune(alpha: 1000)
            print(abs(model.loss(ids).item() - clean) < 1e-6)
            model.train()
            print(abs(model.loss(ids).item() - clean) > 1e-3)
            model.eval()
            print(abs(model.loss(ids).item() - clean) < 1e-6)
            """)
        #expect(lines == ["true", "true", "true"])
    }

    @Test func badLabelsAreReported() {
        let outcome = ScriptRunner.run(
            """
            let model = load_model("tiny")
            model.loss([[1, 2, 3]], [[1, 2]])
            """)
        #expect(outcome.error?.contains("labels") == true)
    }
}
