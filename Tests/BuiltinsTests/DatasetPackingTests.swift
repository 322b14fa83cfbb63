import Foundation
import Testing

@testable import Builtins

/// `dataset(..., packing: true)` for SFT: packed rows of cutoff + 1 tokens with positions,
/// batches carrying them, the model taking them, and the options LLaMA-Factory has that
/// lfs refuses (neat_packing) or that do not apply (packing for preference data).
@Suite struct DatasetPackingTests {
    @Test func packedSFTDataHasPositionsAndKeepsEveryTrainedToken() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let plain = dataset("identity", template: "chatml", cutoff: 63, max_samples: 20)
            let packed = dataset("identity", template: "chatml", cutoff: 63, max_samples: 20, packing: true)
            print(len(packed) < len(plain), str(packed).contains("packed examples"))
            let b = packed.batches(size: 2)[0]
            print(b.ids.shape, b.positions.shape, b.mask.sum().item())
            print(plain.batches(size: 2)[0].positions)
            print(packed[0]["positions"][0], len(packed[0]["ids"]))
            var plain_tokens = 0
            for batch in plain.batches(size: 4) { plain_tokens += batch.tokens }
            var packed_tokens = 0
            for batch in packed.batches(size: 4) { packed_tokens += batch.tokens }
            print(plain_tokens == packed_tokens)
            print(packed.preview(n: 1).startswith("packed ("), packed.preview(n: 1).contains("[["))
            let logits = m(b.ids, attention_mask: b.mask, positions: b.positions)
            let shifted = m(b.ids, attention_mask: b.mask)
            print(logits.shape, (logits - shifted).abs().max().item() > 0.0)
            let train, val = packed.split(val: 4)
            print(train.batches(size: 1)[0].positions.shape)
            """)
        #expect(
            lines == [
                "true true", "[2, 64] [2, 64] 128", "nil", "0 64", "true", "true true",
                "[2, 64, 2048] true", "[1, 64]",
            ])
    }

    @Test func neatPackingAndPackingPreferenceDataAreErrors() {
        let neat = ScriptRunner.run(
            """
            let m = load_model("tiny")
            dataset("identity", template: "chatml", neat_packing: true)
            """)
        #expect(neat.error?.contains("neat_packing") == true && neat.error?.contains("not supported") == true,
                "\(neat.error ?? "no error")")
        let pairs = ScriptRunner.run(
            """
            let m = load_model("tiny")
            dataset("preference_demo", template: "chatml", packing: true)
            """)
        #expect(pairs.error?.contains("packing applies to stage sft and pt") == true, "\(pairs.error ?? "no error")")
    }

    /// Stage pt packs by default (LLaMA-Factory's default there); `packing: false` keeps
    /// one truncated sequence per text.
    @Test func pretrainingPacksUnlessTold() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let blocks = dataset("pretrain_demo", stage: "pt", cutoff: 16)
            let texts = dataset("pretrain_demo", stage: "pt", cutoff: 16, packing: false)
            print(len(blocks[0]["ids"]), len(blocks[len(blocks) - 1]["ids"]), len(blocks) > len(texts))
            print(len(texts[0]["ids"]) <= 16, blocks.batches(size: 1)[0].positions)
            """)
        #expect(lines == ["16 16 true", "true nil"])
    }

    @Test func modelPositionsMustMatchTheInput() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            m([[1, 2, 3]], positions: [[0, 1]])
            """)
        #expect(outcome.error?.contains("positions must be [1][3]") == true, "\(outcome.error ?? "no error")")
    }
}
