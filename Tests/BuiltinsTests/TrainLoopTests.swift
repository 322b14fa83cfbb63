import Foundation
import Language
import Testing

@testable import Builtins

/// The loops of stdlib/train.lfs on the embedded tiny model: loss falls, on_step stops,
/// a non-finite gradient skips its step, Ctrl-C stops after a checkpoint, logs are written.
@Suite struct TrainLoopTests {
    @Test func sftLossFallsAndWritesTheRun() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = TrainScript.run(
            TrainScript.setup + """

                let small = dataset("sft_demo", template: "chatml", cutoff: 40, max_samples: 4)
                let r = train.sft(model, small, output_dir: "\(folder)", epochs: 4.0, batch_size: 2,
                                  lr: 3e-3, logging_steps: 2, save_steps: 4, quiet: true)
                print(r["steps"])
                print(r["losses"][0] > r["losses"][-1] + 0.3)
                print(r["stopped"])
                """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "8\ntrue\nnil\n")
        let manager = FileManager.default
        for name in [
            "adapter_model.safetensors", "adapter_config.json", "trainer_log.jsonl", "training_loss.svg",
            "checkpoint-4/trainer_state.json", "checkpoint-8/optimizer.safetensors", "runs",
        ] {
            #expect(manager.fileExists(atPath: folder + "/" + name), "missing \(name)")
        }
        let log = try String(contentsOfFile: folder + "/trainer_log.jsonl", encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("{\"current_steps\": 2, \"total_steps\": 8, \"loss\": ") == true)
        for key in ["lr", "epoch", "percentage", "elapsed_time", "remaining_time"] {
            #expect(lines.first?.contains("\"\(key)\": ") == true, "no \(key)")
        }
        let events = try manager.contentsOfDirectory(atPath: folder + "/runs")
        #expect(events.contains { $0.hasPrefix("events.out.tfevents.") })
    }

    @Test func ptRunsOnPackedText() {
        let outcome = TrainScript.run(
            """
            import train
            let model = load_model("tiny")
            let data = dataset("pretrain_demo", stage: "pt", cutoff: 32, max_samples: 4)
            model.lora(rank: 4, targets: ["q_proj"])
            let r = train.pt(model, data, max_steps: 2, batch_size: 2, quiet: true)
            print(r["steps"], len(r["losses"]), r["output_dir"])
            """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "2 2 nil\n")
    }

    @Test func onStepReturningFalseStopsAfterACheckpoint() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = TrainScript.run(
            TrainScript.setup + """

                var seen = []
                let r = train.sft(model, data, output_dir: "\(folder)", max_steps: 6, batch_size: 4,
                                  save_steps: 100, quiet: true,
                                  on_step: fn(info) { seen.append(info["step"]); info["step"] < 2 })
                print(seen, r["steps"], r["stopped"], len(r["losses"]))
                print(last_checkpoint("\(folder)") == "\(folder)/checkpoint-2")
                """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "[1, 2] 2 on_step 2\ntrue\n")
    }

    @Test func aNonFiniteGradientSkipsTheStep() {
        // A task whose loss is infinite at step 2: its gradients are not finite, so the
        // parameters must not move in that step, with a warning.
        let outcome = TrainScript.run(
            TrainScript.setup + """

                var calls = 0
                let task = {
                    "name": "sft",
                    "weight": fn(batch) { batch.tokens },
                    "loss": fn(batch) {
                        calls += 1
                        let loss = model(batch.ids, attention_mask: batch.mask).loss(batch.labels)
                        {"loss": if calls == 2 { loss * 1e30 * 1e30 } else { loss }}
                    },
                }
                let p = model.trainable()[1]
                var sums = [p.sum().item()]
                let r = train.fit(model, data, task, max_steps: 3, batch_size: 4, lr: 1e-2,
                                  on_step: fn(info) { sums.append(p.sum().item()); true })
                print(sums[0] != sums[1], sums[1] == sums[2], sums[2] != sums[3])
                print(is_finite(r["losses"][0]), is_finite(r["losses"][1]), r["steps"])
                """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output.contains("warning: step 2: gradient norm is"))
        #expect(outcome.output.hasSuffix("true true true\ntrue false 3\n"))
    }

    @Test func ctrlCStopsCleanlyAfterSavingACheckpoint() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // `press_ctrl_c()` sets the interrupt flags, as the SIGINT handler does: the next
        // tensor op stops, inside step 3.
        let outcome = TrainScript.run(
            TrainScript.setup + """

                let r = train.sft(model, data, output_dir: "\(folder)", max_steps: 40, batch_size: 4,
                                  save_steps: 100, quiet: true,
                                  on_step: fn(info) { if info["step"] == 2 { press_ctrl_c() }; true })
                print(r["stopped"], r["steps"])
                let path = last_checkpoint("\(folder)")
                print(path == "\(folder)/checkpoint-{r["steps"]}")
                print(load("\(folder)/checkpoint-{r["steps"]}/trainer_state.json")["step"] == r["steps"])
                """,
            ctrlC: true)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output.contains("stopped at step "))
        #expect(outcome.output.hasSuffix("interrupted 2\ntrue\ntrue\n"))
    }

    @Test func uninterruptedRunsItsBlockToTheEndAndTheInterruptLandsAfter() throws {
        // Inside the block neither tensor ops nor the interpreter's own checks (every 1024
        // steps: the loop below runs past that) stop; the first op after the block does.
        let outcome = TrainScript.run(
            """
            var count = 0
            let stopped = interruptible {
                uninterrupted {
                    press_ctrl_c()
                    let x = randn([4, 4], seed: 0) @ randn([4, 4], seed: 1)
                    for i in range(5000) { count += 1 }
                    print("block finished", count, x.shape)
                }
                let y = randn([2], seed: 0) + 1
                print("not reached")
            }
            print(stopped)
            """,
            ctrlC: true)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "block finished 5000 [4, 4]\ntrue\n")
    }

    @Test func logBuiltinsKeepNumbersAsTheyAre() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = TrainScript.run(
            """
            let log = trainer_log("\(folder)", total_steps: 6)
            log.log(1, loss: tensor(2.5), lr: 1e-4 / 3, epoch: 1 / 6)
            print(is_finite(1e300), is_finite(1e300 * 1e300), is_finite(tensor(1.0)))
            loss_curve([3.0, 2.0, [4, 1.5]], "\(folder)/curve.svg", title: "demo")
            """)
        #expect(outcome.error == nil, "\(outcome.located ?? "")")
        #expect(outcome.output == "true false true\n")
        let line = try String(contentsOfFile: folder + "/trainer_log.jsonl", encoding: .utf8)
        #expect(line.hasPrefix("{\"current_steps\": 1, \"total_steps\": 6, \"loss\": 2.5, \"lr\": 3.3333333333333335e-05, \"epoch\": 0.16666666666666666, \"percentage\": 16.67, "))
        let svg = try String(contentsOfFile: folder + "/curve.svg", encoding: .utf8)
        #expect(svg.contains("demo") && svg.contains("class=\"smoothed\""))
    }

    @Test func badOptionsAreClearErrors() {
        let outcome = TrainScript.run(
            TrainScript.setup + """

                train.sft(model, data, optimizer: "adam", max_steps: 1, quiet: true)
                """)
        #expect(outcome.error?.contains("optimizer must be \"adamw\" or \"sgd\", got 'adam'") == true)
    }
}
