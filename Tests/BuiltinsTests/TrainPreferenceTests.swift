import Foundation
import Testing

@testable import Builtins

/// The preference loops of stdlib/train.lfs (train.rm, train.dpo, train.kto) on the tiny
/// model, built on the loss builtins.
@Suite struct TrainPreferenceTests {
    static let pairs = """
        import train
        let model = load_model("tiny")
        let pairs = dataset("preference_demo", template: "chatml", cutoff: 32, max_samples: 4)
        model.lora(rank: 4, targets: ["q_proj", "v_proj"])
        """

    @Test func dpoStartsAtLogTwoAndRuns() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // LoRA's B starts at zero: the policy equals its reference (the adapter disabled),
        // so the first sigmoid loss is -log sigmoid(0) = log 2.
        let outcome = TrainScript.run(
            Self.pairs + """

                let r = train.dpo(model, pairs, output_dir: "\(folder)", max_steps: 2, batch_size: 2,
                                  lr: 1e-2, logging_steps: 1, quiet: true)
                print(r["steps"], abs(r["losses"][0] - 0.6931472) < 1e-4, is_finite(r["losses"][1]))
                """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "2 true true\n")
        let log = try String(contentsOfFile: folder + "/trainer_log.jsonl", encoding: .utf8)
        #expect(log.contains("\"accuracy\": "))
        #expect(FileManager.default.fileExists(atPath: folder + "/adapter_model.safetensors"))
    }

    @Test(arguments: ["hinge", "ipo", "orpo", "simpo"])
    func otherPreferenceLossesRun(loss: String) {
        let outcome = TrainScript.run(
            Self.pairs + """

                let r = train.dpo(model, pairs, loss: "\(loss)", ftx: 0.1, max_steps: 1, batch_size: 2, quiet: true)
                print(r["steps"], is_finite(r["losses"][0]))
                """)
        #expect(outcome.error == nil, "\(loss): \(outcome.located ?? "")")
        #expect(outcome.output == "1 true\n")
    }

    @Test func dpoNeedsAReferenceWithoutAnAdapter() {
        let outcome = TrainScript.run(
            """
            import train
            let model = load_model("tiny")
            let pairs = dataset("preference_demo", template: "chatml", cutoff: 32, max_samples: 2)
            model.freeze(trainable_layers: 1)
            train.dpo(model, pairs, max_steps: 1, batch_size: 2, quiet: true)
            """)
        #expect(outcome.error?.contains("pass ref:") == true, "\(outcome.error ?? "no error")")
    }

    @Test func rewardModelTrainsItsValueHead() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = TrainScript.run(
            Self.pairs + """

                let r = train.rm(model, pairs, output_dir: "\(folder)", max_steps: 2, batch_size: 2,
                                 save_steps: 1, quiet: true)
                print(r["steps"], is_finite(r["loss"]))
                """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "2 true\n")
        let manager = FileManager.default
        #expect(manager.fileExists(atPath: folder + "/value_head.safetensors"))
        #expect(manager.fileExists(atPath: folder + "/checkpoint-1/trainable.safetensors"))
    }

    @Test func ktoRunsOnTaggedData() {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tuning/data/kto.json").path
        let outcome = TrainScript.run(
            """
            import train
            let model = load_model("tiny")
            let data = dataset("\(file)", template: "chatml", stage: "kto", kto_tag: "label")
            model.lora(rank: 4, targets: ["q_proj", "v_proj"])
            let r = train.kto(model, data, max_steps: 2, batch_size: 2, quiet: true)
            print(r["steps"], is_finite(r["losses"][0]), is_finite(r["losses"][1]))
            """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "2 true true\n")
    }
}
