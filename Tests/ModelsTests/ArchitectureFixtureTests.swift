import Tensors
import Testing

@testable import Models

/// Every fixture model against what transformers computed for it
/// (Scripts/fixtures/models.py).
@Suite("Architectures against transformers")
struct ArchitectureFixtureTests {
    static func load(_ fixture: ModelFixture) throws -> (CausalLM, Tensor, Tensor) {
        let model = try CausalLM.load(directory: fixture.directory)
        let shape = try fixture.shape("input_ids")
        let ids = try Tensor(ids: fixture.ints("input_ids"), shape: shape)
        let mask = try Tensor(shape: shape, scalars: fixture.ints("attention_mask").map { Float($0) })
        return (model, ids, mask)
    }

    @Test(arguments: ModelFixture.names)
    func logitsMatch(name: String) throws {
        let fixture = try ModelFixture(name)
        let (model, ids, mask) = try Self.load(fixture)
        let logits = try withNoGrad { try model(ids, attentionMask: mask) }
        let expected = try fixture.floats("logits")
        #expect(logits.shape == (try fixture.shape("logits")))
        let actual = logits.toFloatArray()
        let maskValues = try fixture.ints("attention_mask")
        let vocabulary = model.config.vocabSize
        var worst: Float = 0
        for (position, real) in maskValues.enumerated() where real != 0 {
            for i in (position * vocabulary)..<((position + 1) * vocabulary) {
                worst = max(worst, abs(actual[i] - expected[i]))
            }
        }
        #expect(worst < 1e-4, "\(name): largest logit difference \(worst)")
    }

    @Test(arguments: ModelFixture.names)
    func lossMatches(name: String) throws {
        let fixture = try ModelFixture(name)
        let (model, ids, mask) = try Self.load(fixture)
        let labels = try Tensor(ids: fixture.ints("labels"), shape: fixture.shape("labels"))
        let loss = try withNoGrad {
            try CausalLM.loss(logits: model(ids, attentionMask: mask), labels: labels).item()
        }
        let expected = try fixture.floats("loss")[0]
        #expect(abs(loss - expected) < 1e-5, "\(name): \(loss) vs \(expected)")
    }

    @Test(arguments: ModelFixture.names)
    func greedyGenerationMatches(name: String) throws {
        let fixture = try ModelFixture(name)
        let (model, _, _) = try Self.load(fixture)
        let shape = try fixture.shape("input_ids")
        let ids = try fixture.ints("input_ids")
        let mask = try fixture.ints("attention_mask")
        let prompts = (0..<shape[0]).map { row in
            (0..<shape[1]).compactMap { column in
                mask[row * shape[1] + column] != 0 ? ids[row * shape[1] + column] : nil
            }
        }
        let generated = try fixture.ints("generated")
        let width = generated.count / shape[0]
        let tokens = try Generator(model: model).generate(
            prompts: prompts, options: GenerationOptions(maxTokens: width - shape[1]))
        for row in 0..<shape[0] {
            let expected = Array(generated[(row * width + shape[1])..<((row + 1) * width)])
            #expect(tokens[row] == expected, "\(name) row \(row)")
        }
    }
}
