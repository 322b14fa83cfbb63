import Foundation
import Models
import Testing

@testable import Tuning

/// Encoding through real chat templates and tokenizers from Tests/Fixtures/tokenizers.
struct DatasetTemplateTests {
    static func tokenizer(_ name: String) throws -> Tokenizer {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/tokenizers/\(name)").path
        return try Tokenizer.load(directory: folder)
    }

    @Test func chatmlSupervisedEncodingTrainsOnTheAnswerOnly() throws {
        let tokenizer = try Self.tokenizer("qwen2")
        let encoder = try TemplateEncoder(templateNamed: "chatml", tokenizer: tokenizer)
        let example = DataExample(
            prompt: [DataMessage(.user, "Who are you?")],
            response: [DataMessage(.assistant, "I am lfs.")], system: "Be brief.")
        let encoded = try DatasetProcessors.supervised(
            example, encoder: encoder, options: .init(cutoff: 1024))
        let text = try tokenizer.decode(encoded.ids)
        #expect(text == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWho are you?<|im_end|>\n<|im_start|>assistant\nI am lfs.<|im_end|>\n")
        let trained = encoded.labels.filter { $0 != EncodedSequence.ignoreIndex }
        #expect(try tokenizer.decode(trained) == "I am lfs.<|im_end|>\n")
        // Truncation keeps the sum within the cutoff.
        let short = try DatasetProcessors.supervised(example, encoder: encoder, options: .init(cutoff: 8))
        #expect(short.ids.count == 8)
    }

    @Test func bundledIdentityEncodesEndToEnd() throws {
        let tokenizer = try Self.tokenizer("qwen2")
        let encoder = try TemplateEncoder(templateNamed: "chatml", tokenizer: tokenizer)
        let identity = try BundledData.identity(name: "Ada", author: "the lab")
        let encoded = try EncodedDataset.supervised(
            identity, encoder: encoder, options: .init(cutoff: 256))
        #expect(encoded.count == 100)
        let batch = try #require(try encoded.batches(size: 4, padID: tokenizer.eosTokenID ?? 0).first)
        #expect(batch.rows == 4)
        #expect(batch.attentionMask.allSatisfy { $0.count == batch.length })
        let preference = try BundledData.dataset(named: "preference_demo")
        let pairs = try EncodedDataset.pairwise(preference, encoder: encoder, cutoff: 256)
        #expect(pairs.count == 30)
        let text = try BundledData.dataset(named: "pretrain_demo")
        let blocks = try EncodedDataset.pretrain(text, tokenizer: tokenizer, cutoff: 64)
        #expect(blocks.count > 5)
        #expect(blocks.items.allSatisfy { $0.length == 64 })
    }

    @Test func toolTurnsAreRefusedByName() throws {
        let tokenizer = try Self.tokenizer("qwen2")
        let encoder = try TemplateEncoder(templateNamed: "chatml", tokenizer: tokenizer)
        #expect(throws: DatasetError.unsupported(feature: "observation turns in data sets (tool use)")) {
            try encoder.encodePairs(
                [DataMessage(.observation, "x"), DataMessage(.assistant, "y")], system: "", tools: "")
        }
    }
}
