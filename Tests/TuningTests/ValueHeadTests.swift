import Foundation
import Models
import Tensors
import Testing
@testable import Tuning

/// The reward model's value head against TRL's AutoModelForCausalLMWithValueHead on the
/// embedded tiny model (Scripts/fixtures/losses.py): scores at the last non-pad token,
/// the pairwise loss and its gradients; TRL's file format.
@Suite struct ValueHeadTests {
    struct Case: Decodable {
        let weight: [Float]
        let bias: [Float]
        let ids: [Int]
        let mask: [Int]
        let shape: [Int]
        let scores: [Double]
        let loss: Double
        let accuracy: Double
        let grad_weight: [Double]
        let grad_bias: [Double]
    }

    struct File: Decodable { let value_head: Case }

    static func fixture() throws -> Case {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: LossFixtures.file)).value_head
    }

    @Test func scoresAndRewardLossMatchTRL() throws {
        let item = try Self.fixture()
        let model = try CausalLM.load("tiny")
        let head = try ValueHead(hidden: model.config.hiddenSize)
        try head.weight.copy(from: Tensor(shape: [1, item.weight.count], scalars: item.weight))
        try head.bias.copy(from: Tensor(shape: [1], scalars: item.bias))
        let scores = try head.scores(
            model: model, ids: Tensor(ids: item.ids, shape: item.shape),
            attentionMask: Tensor(ids: item.mask, shape: item.shape))
        LossFixtures.expectClose(scores.toFloatArray(), item.scores, "scores")
        let (loss, accuracy) = try RewardLoss.compute(
            chosen: scores.slice(dim: 0, start: 0, end: 2), rejected: scores.slice(dim: 0, start: 2, end: 4))
        LossFixtures.expectClose([try loss.item()], [item.loss], "loss")
        #expect(abs(Double(accuracy) - item.accuracy) < 1e-6)
        try loss.backward()
        LossFixtures.expectClose(try #require(head.weight.grad).toFloatArray(), item.grad_weight, "d/dweight")
        LossFixtures.expectClose(try #require(head.bias.grad).toFloatArray(), item.grad_bias, "d/dbias")
    }

    @Test func attachesOnceAndSavesWithTRLKeys() throws {
        let model = try CausalLM.load("tiny")
        #expect(ValueHead.head(of: model) == nil && ValueHead.parameters(of: model).isEmpty)
        let head = try ValueHead.attach(to: model)
        #expect(try ValueHead.attach(to: model) === head)
        #expect(head.weight.shape == [1, 256] && head.bias.shape == [1] && head.weight.requiresGrad)
        #expect(ValueHead.parameters(of: model).count == 2)
        let bound = 1 / Float(256).squareRoot()
        #expect(head.weight.toFloatArray().allSatisfy { abs($0) <= bound })

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lfs-vhead-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try head.save(to: directory)
        let file = try SafetensorsFile(path: directory + "/value_head.safetensors")
        #expect(Set(file.names) == ["v_head.summary.weight", "v_head.summary.bias"])
        #expect(try file.info("v_head.summary.weight").shape == [1, 256])

        let other = try ValueHead(hidden: 256)
        try other.load(from: directory)
        #expect(other.weight.toFloatArray() == head.weight.toFloatArray())
        #expect(other.bias.toFloatArray() == head.bias.toFloatArray())

        let small = try ValueHead(hidden: 8)
        #expect(throws: AdapterError.self) { try small.load(from: directory) }
        #expect(throws: AdapterError.self) { try small.load(from: directory + "/missing.safetensors") }
    }

    @Test func aRowWithoutTokensIsAnError() throws {
        let model = try CausalLM.load("tiny")
        let head = try ValueHead(hidden: 256)
        #expect(throws: AdapterError.self) {
            try head.scores(
                model: model, ids: Tensor(ids: [5, 6, 7, 8], shape: [2, 2]),
                attentionMask: Tensor(ids: [1, 1, 0, 0], shape: [2, 2]))
        }
    }
}
