import Testing

@testable import Models

@Suite("Chat")
struct GenerationChatTests {
    @Test func tinyChatsWithItsChatMLTemplate() throws {
        let model = try CausalLM.load("tiny")
        let options = GenerationOptions(maxTokens: 8, temperature: 0.7, seed: 3)
        let answer = try model.chat("Hello, who are you?", options: options)
        // The same prompt laid out by hand gives the same answer.
        let tokenizer = try model.requireTokenizer()
        let layout = "<|im_start|>user\nHello, who are you?<|im_end|>\n<|im_start|>assistant\n"
        let manual = try model.generate(
            ids: tokenizer.encode(layout, addSpecialTokens: false),
            options: GenerationOptions(maxTokens: 8, temperature: 0.7, stopTokens: [2047], seed: 3))
        #expect(answer == manual)
        #expect(try model.chat("Hello, who are you?", template: "chatml", options: options) == answer)
    }

    @Test func unknownTemplateListsTheNames() throws {
        let model = try CausalLM.load("tiny")
        #expect(throws: TemplateError.self) { try model.chat("hi", template: "nope") }
    }
}
