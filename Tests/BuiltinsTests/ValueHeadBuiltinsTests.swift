import Foundation
import Testing

@testable import Builtins

/// The reward model from lfs code: `model.value_head()` attached once and counted in
/// `model.trainable()`, `model.scores` at the last token, a reward-loss step reaching the
/// head, and `value_head.safetensors` saved and loaded back.
@Suite struct ValueHeadBuiltinsTests {
    @Test func rewardModelStepSaveAndLoad() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lfs-vhead-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            print(len(m.value_head_params()))
            let lora = m.lora(rank: 4)
            let head = m.value_head()
            print(head)
            print(m.value_head() == head)
            print(len(m.trainable()) == len(lora.params) + 2, len(m.value_head_params()))
            let data = dataset("preference_demo", template: "chatml", stage: "rm", cutoff: 64)
            let batch = data.batches(size: 3)[0]
            let n = batch.chosen_count
            let scores = m.scores(batch.ids, attention_mask: batch.mask)
            print(scores.shape)
            let out = reward_loss(scores[0:n], scores[n:2 * n])
            print(out["loss"].item() > 0, type(out["accuracy"]))
            out["loss"].backward()
            print(head.weight.grad.shape)
            head.save("\(directory)")
            let other = load_model("tiny")
            let loaded = other.value_head(path: "\(directory)")
            print((loaded.weight - head.weight).abs().max().item(), (loaded.bias - head.bias).abs().max().item())
            """)
        #expect(
            lines == [
                "0", "ValueHead(hidden 256)", "true", "true 2", "[6]", "true float", "[1, 256]", "0.0 0.0",
            ])
    }

    @Test func scoresWithoutAHeadIsAnError() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            m.scores([[1, 2, 3]])
            """)
        #expect(outcome.error?.contains("the model has no value head") == true)
    }
}
