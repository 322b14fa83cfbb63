import Foundation
import Tensors
import Testing
@testable import Tuning

/// Bad inputs to the losses are clear errors, and the edge cases behave as torch does.
@Suite struct LossValidationTests {
    @Test func shapesAndParametersAreChecked() throws {
        let four = try Tensor(shape: [4], scalars: [-1, -2, -3, -4])
        let three = try Tensor(shape: [3], scalars: [-1, -2, -3])
        #expect(throws: LossError.self) {
            try PreferenceLoss.dpo(policyChosen: four, policyRejected: three, referenceChosen: four, referenceRejected: four)
        }
        #expect(throws: LossError.invalidArgument(function: "dpo_loss", name: "beta", reason: "must be positive, got 0.0")) {
            try PreferenceLoss.dpo(
                policyChosen: four, policyRejected: four, referenceChosen: four, referenceRejected: four, beta: 0,
                kind: .ipo)
        }
        #expect(throws: LossError.self) {
            try PreferenceLoss.dpo(
                policyChosen: four, policyRejected: four, referenceChosen: four, referenceRejected: four,
                labelSmoothing: 0.7)
        }
        #expect(throws: LossError.self) { try PreferenceLoss.simpo(chosenAverage: four, rejectedAverage: four, beta: -1) }
        #expect(throws: LossError.self) { try RewardLoss.compute(chosen: four, rejected: three) }
        #expect(throws: LossError.self) { try KTOLoss.split(four, tags: [true, false]) }
    }

    @Test func sequenceLogpsRejectsBadLabels() throws {
        let logits = try Tensor.zeros([1, 3, 5])
        #expect(throws: LossError.self) {
            try SequenceLogProbs.compute(logits: logits, labels: try Tensor(ids: [0, 7, 1], shape: [1, 3]))
        }
        #expect(throws: LossError.self) {
            try SequenceLogProbs.compute(logits: logits, labels: try Tensor(ids: [0, 1], shape: [1, 2]))
        }
        // Uniform logits: each counted token has log-probability -log 5.
        let value = try SequenceLogProbs.compute(logits: logits, labels: try Tensor(ids: [-100, 4, 2], shape: [1, 3]))
        #expect(abs(try value.item() - 2 * -log(5)) < 1e-5)
        let none = try SequenceLogProbs.compute(
            logits: logits, labels: try Tensor(ids: [3, -100, -100], shape: [1, 3]), average: true)
        #expect(try none.item().isNaN)
    }

    @Test func ktoSplitKeepsOrderAndGradients() throws {
        let values = try Tensor(shape: [4], scalars: [1, 2, 3, 4])
        values.requiresGrad = true
        let (good, bad) = try KTOLoss.split(values, tags: [false, true, true, false])
        #expect(good.toFloatArray() == [2, 3])
        #expect(bad.toFloatArray() == [1, 4])
        try good.sum().add(bad.mul(Tensor(Float(2))).sum()).backward()
        #expect(try #require(values.grad).toFloatArray() == [2, 1, 1, 2])
        let empty = try KTOLoss.compute(
            policyChosen: Tensor.zeros([0]), policyRejected: Tensor.zeros([0]), policyKL: Tensor.zeros([0]),
            referenceChosen: Tensor.zeros([0]), referenceRejected: Tensor.zeros([0]), referenceKL: Tensor.zeros([0]))
        #expect(try empty.loss.item().isNaN)
    }
}
