import Foundation
import Testing

@testable import Builtins

/// The loss functions called from lfs code: values agree with the torch references of
/// Scripts/fixtures/losses.py (first DPO sigmoid, ORPO and SimPO cases, the reward
/// loss), errors name the argument, and a DPO step on the tiny model trains.
@Suite struct LossBuiltinsTests {
    static let inputs = """
        let pc = tensor([-12.5, -30.25, -8.0, -20.0, -15.0], requires_grad: true)
        let pr = tensor([-14.0, -28.5, -9.5, -60.0, -15.5], requires_grad: true)
        let rc = tensor([-13.0, -29.0, -8.25, -21.0, -14.0])
        let rr = tensor([-13.5, -29.5, -9.0, -30.0, -15.25])
        let ca = tensor([-1.25, -0.75, -2.5, -0.4, -1.9])
        let ra = tensor([-1.5, -0.6, -2.75, -1.2, -1.7])

        """

    /// The numbers a script printed, one per line.
    static func numbers(_ source: String) -> [Double] {
        ScriptRunner.lines(inputs + source).compactMap { Double($0) }
    }

    @Test func preferenceLossesFromLfsMatchTheReferences() {
        let values = Self.numbers(
            """
            let d = dpo_loss(pc, pr, rc, rr)
            print(d["loss"].item())
            print(d["accuracy"])
            print(d["chosen_rewards"][0].item())
            d["loss"].backward()
            print(pc.grad[0].item())
            print(orpo_loss(ca, ra)["loss"].item())
            print(simpo_loss(ca, ra)["loss"].item())
            print(dpo_loss(pc, pr, rc, rr, loss: "hinge")["loss"].item())
            print(reward_loss(tensor([0.5, -1.25, 2.0, 0.1, -0.3]), tensor([-0.5, -1.0, 1.5, 0.4, -2.0]))["loss"].item())
            print(dpo_loss(pc, pr, rc, rr, ftx: 0.5, chosen_logps_avg: tensor([-1.25, -1.5, -0.5, -2.0, -1.0]))["loss"].item())
            """)
        let expected = [
            0.5776245823430878, 0.6, 0.05, -0.009500416250421202, 1.4195502748950342, 0.9624457086422987,
            0.825, 0.5270838730863933, 1.2026245823430879,
        ]
        #expect(values.count == expected.count)
        for (value, reference) in zip(values, expected) {
            #expect(abs(value - reference) < 1e-5, "\(value) vs \(reference)")
        }
    }

    @Test func ktoFromLfsSplitsByTagsAndEstimatesKL() {
        let values = Self.numbers(
            """
            let policy = tensor([-10.0, -15.0, -22.5, -9.5, -7.25], requires_grad: true)
            let ref = tensor([-11.0, -14.0, -21.0, -10.0, -7.0])
            let tags = [true, false, true, false, true]
            let good, bad = kto_split(policy, tags)
            let ref_good, ref_bad = kto_split(ref, tags)
            let out = kto_loss(good, bad, tensor([-20.0, -18.0, -25.0, -12.0, -30.0]), ref_good, ref_bad, tensor([-21.0, -18.5, -24.0, -13.0, -31.5]))
            print(out["loss"].item())
            print(out["kl"])
            print(len(out["losses"].tolist()))
            """)
        #expect(values.count == 3)
        #expect(abs((values.first ?? 0) - 0.5042263187876386) < 1e-5)
        #expect(abs((values.dropFirst().first ?? 0) - 0.6) < 1e-5)
        #expect(values.last == 5)
    }

    @Test func sequenceLogpsFromLfs() {
        let lines = ScriptRunner.lines(
            """
            let logits = zeros([2, 3, 4])
            let labels = tensor([[-100, 1, 2], [-100, -100, 3]])
            print(sequence_logps(logits, labels).tolist())
            print(sequence_lengths(labels).tolist())
            print(sequence_logps(logits, labels, average: true).shape)
            """)
        #expect(lines.count == 3)
        let sums = lines.first ?? ""
        #expect(sums.hasPrefix("[-2.77258") && sums.contains(", -1.38629"))
        #expect(lines.dropFirst().first == "[2.0, 1.0]")
        #expect(lines.last == "[2]")
    }

    @Test func errorsNameTheArgument() {
        let unknown = ScriptRunner.run(Self.inputs + "dpo_loss(pc, pr, rc, rr, loss: \"orpo\")")
        #expect(unknown.error?.contains("sigmoid, hinge or ipo expected, got 'orpo'") == true)
        let shapes = ScriptRunner.run(Self.inputs + "dpo_loss(pc, pr[0:2], rc, rr)")
        #expect(shapes.error?.contains("policy_rejected must be a [batch] tensor of shape [5], got [2]") == true)
        let ftx = ScriptRunner.run(Self.inputs + "dpo_loss(pc, pr, rc, rr, ftx: 0.1)")
        #expect(ftx.error?.contains("ftx needs chosen_logps_avg") == true)
        let notTensor = ScriptRunner.run("reward_loss([1.0], tensor([0.0]))")
        #expect(notTensor.error?.contains("bad argument 'chosen_scores' to 'reward_loss' (Tensor expected") == true)
    }

    /// LoRA's B starts at zero, so the policy equals the reference (the adapter disabled)
    /// and the first DPO loss is log 2 with no pair ranked right; a few AdamW steps on the
    /// batch lower it and rank the pairs.
    @Test func dpoStepsOnTheTinyModelTrain() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            let lora = m.lora(rank: 8)
            let data = dataset("preference_demo", template: "chatml", stage: "pairwise", cutoff: 96)
            let batch = data.batches(size: 4)[0]
            let n = batch.chosen_count
            let ref = lora.disabled { no_grad { sequence_logps(m(batch.ids, attention_mask: batch.mask), batch.labels) } }
            let opt = adamw(m.trainable(), lr: 5e-3)
            m.train()
            for step in 0..<4 {
                let logps = sequence_logps(m(batch.ids, attention_mask: batch.mask), batch.labels)
                let out = dpo_loss(logps[0:n], logps[n:2 * n], ref[0:n], ref[n:2 * n], beta: 0.1)
                print("{out["loss"].item()} {out["accuracy"]}")
                out["loss"].backward()
                opt.step()
                opt.zero_grad()
            }
            """)
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let rows = outcome.output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        #expect(rows.count == 4 && rows.allSatisfy { $0.count == 2 && $0[0].isFinite })
        guard let first = rows.first, let last = rows.last, first.count == 2, last.count == 2 else { return }
        // (The first accuracy compares rewards that are 0 up to rounding, so it is not checked.)
        #expect(abs(first[0] - log(2.0)) < 1e-5)
        #expect(last[0] < first[0] - 0.01)
        #expect(last[1] > 0.5)
    }
}
