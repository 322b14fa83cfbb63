import Foundation
import Tensors
import Testing
@testable import Tuning

/// The losses against the torch references of Scripts/fixtures/losses.py (LLaMA-Factory
/// and TRL formulas): values, rewards, accuracy and gradients within 1e-5.
@Suite struct LossFixtureTests {
    let fixtures: LossFixtures.File

    init() throws { fixtures = try LossFixtures.load() }

    @Test func sequenceLogpsMatchGetBatchLogps() throws {
        for item in fixtures.logps {
            let logits = try Tensor(shape: item.shape, scalars: item.logits)
            logits.requiresGrad = true
            let labels = try Tensor(ids: item.labels, shape: Array(item.shape.prefix(2)))
            let sums = try SequenceLogProbs.compute(logits: logits, labels: labels)
            let averages = try SequenceLogProbs.compute(logits: logits, labels: labels, average: true)
            LossFixtures.expectClose(sums.toFloatArray(), item.sums, "sums")
            LossFixtures.expectClose(averages.toFloatArray(), item.averages, "averages")
            #expect(try SequenceLogProbs.lengths(labels: labels) == item.lengths)
            let objective = try sums.mul(LossFixtures.vector(item.weights)).sum()
                .add(averages.mul(LossFixtures.vector(item.weights_avg)).sum())
            try objective.backward()
            LossFixtures.expectClose(try #require(logits.grad).toFloatArray(), item.grad_logits, "grad logits")
        }
    }

    @Test func preferenceLossesMatchTRLAndLLaMAFactory() throws {
        #expect(fixtures.preference.count == 10)
        for item in fixtures.preference {
            let inputs = try item.inputs.mapValues { try LossFixtures.vector($0, grad: true) }
            func input(_ name: String) throws -> Tensor { try #require(inputs[name], "\(item.name): \(name)") }
            var output: PreferenceLossOutput
            switch item.name {
            case "orpo":
                output = try PreferenceLoss.orpo(
                    chosenAverage: input("chosen_logps_avg"), rejectedAverage: input("rejected_logps_avg"),
                    beta: item.beta)
            case "simpo":
                output = try PreferenceLoss.simpo(
                    chosenAverage: input("chosen_logps_avg"), rejectedAverage: input("rejected_logps_avg"),
                    beta: item.beta, gamma: try #require(item.gamma))
            default:
                let kind = try #require(PreferenceLoss.DPOKind(rawValue: item.kind ?? ""))
                output = try PreferenceLoss.dpo(
                    policyChosen: input("policy_chosen"), policyRejected: input("policy_rejected"),
                    referenceChosen: input("ref_chosen"), referenceRejected: input("ref_rejected"),
                    beta: item.beta, kind: kind, labelSmoothing: item.label_smoothing ?? 0)
                if let ftx = item.ftx, ftx > 0 {
                    output = try PreferenceLoss.addingSFT(
                        output, ftx: ftx, chosenLogpsAverage: input("chosen_logps_avg"), function: "test")
                }
            }
            let label = "\(item.name) \(item.kind ?? "") beta \(item.beta)"
            LossFixtures.expectClose(output.losses.toFloatArray(), item.losses, "\(label) losses")
            LossFixtures.expectClose([try output.loss.item()], [item.loss], "\(label) loss")
            LossFixtures.expectClose(output.chosenRewards.toFloatArray(), item.chosen_rewards, "\(label) chosen rewards")
            LossFixtures.expectClose(output.rejectedRewards.toFloatArray(), item.rejected_rewards, "\(label) rejected rewards")
            #expect(abs(Double(output.accuracy) - item.accuracy) < 1e-6, "\(label) accuracy")
            #expect(!output.chosenRewards.requiresGrad && !output.rejectedRewards.requiresGrad)
            try output.loss.backward()
            for (name, expected) in item.grads {
                let gradient = try #require(try input(name).grad, "\(label): no gradient for \(name)")
                LossFixtures.expectClose(gradient.toFloatArray(), expected, "\(label) d/d\(name)")
            }
        }
    }

    @Test func ktoMatchesTRLWithItsKLEstimate() throws {
        for item in fixtures.kto {
            let chosen = try LossFixtures.vector(try #require(item.inputs["policy_chosen"]), grad: true)
            let rejected = try LossFixtures.vector(try #require(item.inputs["policy_rejected"]), grad: true)
            let average = try item.inputs["chosen_logps_avg"].map { try LossFixtures.vector($0, grad: true) }
            let output = try KTOLoss.compute(
                policyChosen: chosen, policyRejected: rejected, policyKL: LossFixtures.vector(item.policy_kl),
                referenceChosen: LossFixtures.vector(item.ref_chosen),
                referenceRejected: LossFixtures.vector(item.ref_rejected),
                referenceKL: LossFixtures.vector(item.ref_kl), beta: item.beta,
                desirableWeight: item.desirable_weight, undesirableWeight: item.undesirable_weight,
                ftx: item.ftx, chosenLogpsAverage: average)
            LossFixtures.expectClose(output.losses.toFloatArray(), item.losses, "\(item.name) losses")
            LossFixtures.expectClose([try output.loss.item()], [item.loss], "\(item.name) loss")
            LossFixtures.expectClose([output.kl], [item.kl], "\(item.name) kl")
            LossFixtures.expectClose(output.chosenRewards.toFloatArray(), item.chosen_rewards, "\(item.name) chosen rewards")
            LossFixtures.expectClose(output.rejectedRewards.toFloatArray(), item.rejected_rewards, "\(item.name) rejected rewards")
            try output.loss.backward()
            let leaves = ["policy_chosen": chosen, "policy_rejected": rejected].merging(
                average.map { ["chosen_logps_avg": $0] } ?? [:]) { a, _ in a }
            for (name, expected) in item.grads where !expected.isEmpty {
                let gradient = try #require(leaves[name]?.grad, "\(item.name): no gradient for \(name)")
                LossFixtures.expectClose(gradient.toFloatArray(), expected, "\(item.name) d/d\(name)")
            }
        }
    }

    @Test func rewardLossMatchesThePairwiseTrainer() throws {
        let item = fixtures.reward
        let chosen = try LossFixtures.vector(item.chosen, grad: true)
        let rejected = try LossFixtures.vector(item.rejected, grad: true)
        let (loss, accuracy) = try RewardLoss.compute(chosen: chosen, rejected: rejected)
        LossFixtures.expectClose([try loss.item()], [item.loss], "loss")
        #expect(abs(Double(accuracy) - item.accuracy) < 1e-6)
        try loss.backward()
        LossFixtures.expectClose(try #require(chosen.grad).toFloatArray(), item.grad_chosen, "d/dchosen")
        LossFixtures.expectClose(try #require(rejected.grad).toFloatArray(), item.grad_rejected, "d/drejected")
    }
}
