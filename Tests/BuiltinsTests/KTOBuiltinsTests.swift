import Foundation
import Testing

@testable import Builtins

/// KTO from lfs code: `dataset(..., stage: "kto")` with the tag column, batches with tags
/// and KL rows, and one KTO step on the tiny model with a LoRA adapter (reference: the
/// adapter disabled).
@Suite struct KTOBuiltinsTests {
    static var file: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tuning/data/kto.json").path
    }

    @Test func ktoDatasetHasTagsAndKLRows() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let data = dataset("\(Self.file)", template: "chatml", stage: "kto", kto_tag: "label")
            print(data)
            let batch = data.batches(size: 2)[0]
            print(batch.tags)
            print(batch.kl_ids.shape[0], batch.kl_labels.shape == batch.kl_mask.shape)
            print(data[1]["kto_tag"])
            print(data.preview(n: 1).split("\\n")[0].startswith("desirable: "))
            print(dataset("preference_demo", template: "chatml", stage: "pairwise").batches(size: 2)[0].tags)
            """)
        #expect(
            lines == [
                "Dataset(kto.json, 2 examples, kto, chatml)", "[true, false]", "2 true", "false", "true", "nil",
            ])
    }

    @Test func ktoStageNeedsTheTagColumn() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            dataset("\(Self.file)", template: "chatml", stage: "kto", kto_tag: "missing")
            """)
        #expect(outcome.error?.contains("kto_tag") == true, "\(outcome.error ?? "no error")")
    }

    /// With LoRA's B at zero the policy equals the reference, so every log-ratio is 0
    /// (up to rounding), the KL estimate is 0 and each loss is 1 - sigmoid(0) = 0.5.
    @Test func aKTOStepOnTheTinyModel() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            let lora = m.lora(rank: 8)
            let data = dataset("\(Self.file)", template: "chatml", stage: "kto", kto_tag: "label")
            let batch = data.batches(size: 2)[0]
            fn logps(ids, mask, labels) { sequence_logps(m(ids, attention_mask: mask), labels) }
            let policy = logps(batch.ids, batch.mask, batch.labels)
            let policy_kl = no_grad { logps(batch.kl_ids, batch.kl_mask, batch.kl_labels) }
            let ref = lora.disabled { no_grad { logps(batch.ids, batch.mask, batch.labels) } }
            let ref_kl = lora.disabled { no_grad { logps(batch.kl_ids, batch.kl_mask, batch.kl_labels) } }
            let pc, pr = kto_split(policy, batch.tags)
            let rc, rr = kto_split(ref, batch.tags)
            let out = kto_loss(pc, pr, policy_kl, rc, rr, ref_kl, beta: 0.1)
            print(out["loss"].item())
            print(out["kl"])
            out["loss"].backward()
            print(len(lora.grads()) > 0)
            """)
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // Equal up to the rounding of the adapter's fused GEMM (enabled with B = 0 vs disabled).
        #expect(abs((Double(lines.first ?? "") ?? 0) - 0.5) < 1e-5)
        #expect(abs((Double(lines.dropFirst().first ?? "") ?? 1) - 0) < 1e-4)
        #expect(lines.last == "true")
    }
}
