import Tensors
import Testing

@testable import Models

@Suite("Embedded default model")
struct EmbeddedModelTests {
    @Test func tinyLoadsByName() throws {
        let model = try CausalLM.load("tiny")
        #expect(model.config.modelType == .llama)
        #expect(model.summary == "Model(llama, 3.7M params, 4 layers, hidden 256, vocab 2048)")
        #expect(model.isTied)
        let directory = try #require(EmbeddedModels.directory(named: "tiny"))
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            #expect(TextFile.exists(directory + "/" + file), "\(file)")
        }
    }

    @Test func tinyGeneratesDeterministically() throws {
        let model = try CausalLM.load("tiny")
        let generator = Generator(model: model)
        let options = GenerationOptions(maxTokens: 6, temperature: 0.8, topK: 50, seed: 11)
        let first = try generator.generate(prompts: [[10, 20, 30]], options: options)
        let second = try generator.generate(prompts: [[10, 20, 30]], options: options)
        #expect(first == second)
        #expect(first[0].count == 6)
    }

    @Test func unknownNamesListTheEmbeddedModels() {
        #expect(throws: ModelError.unknownModel(name: "huge", embedded: ["tiny"])) {
            try CausalLM.load("huge")
        }
    }
}
