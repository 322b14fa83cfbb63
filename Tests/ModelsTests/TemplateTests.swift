import Testing
@testable import Models

/// What an encoded stretch should be, spelled independently of the template data.
private enum Expected {
    case text(String)
    case bos
    case eos
}

private func ids(_ pieces: [Expected], _ tokenizer: Tokenizer, eos: Int? = nil) -> [Int] {
    pieces.flatMap { piece -> [Int] in
        switch piece {
        case .text(let text): return tokenizer.encode(text, addSpecialTokens: false)
        case .bos: return tokenizer.bosTokenID.map { [$0] } ?? []
        case .eos: return (eos ?? tokenizer.eosTokenID).map { [$0] } ?? []
        }
    }
}

private func tokenizer(_ name: String) throws -> Tokenizer {
    try Tokenizer.load(directory: formatsFixture("tokenizers/\(name)"))
}

private let conversation = [
    ChatMessage(role: .user, content: "Hi there"), ChatMessage(role: .assistant, content: "Hello!"),
    ChatMessage(role: .user, content: "2+2?"), ChatMessage(role: .assistant, content: "4"),
]

/// Checks the two turns of `conversation` with system prompt "Be brief." against the
/// expected pieces per turn.
private func check(
    _ name: String, _ tok: Tokenizer, eos: Int? = nil,
    _ turns: [(prompt: [Expected], answer: [Expected])], system: String? = "Be brief.",
    template: ChatTemplate? = nil
) throws {
    let template = try template ?? TemplateRegistry.template(named: name)
    let encoded = try template.encode(conversation, system: system, tokenizer: tok)
    #expect(encoded.count == 2, "\(name)")
    for (turn, expected) in zip(encoded, turns) {
        #expect(turn.prompt == ids(expected.prompt, tok, eos: eos), "\(name) prompt")
        #expect(turn.answer == ids(expected.answer, tok, eos: eos), "\(name) answer")
    }
}

@Suite struct TemplateLayoutTests {
    @Test func llama3() throws {
        let tok = try tokenizer("llama3")
        let header = "<|start_header_id|>user<|end_header_id|>\n\n"
        let reply = "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        try check("llama3", tok, [
            ([.bos, .text("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"), .text(header + "Hi there" + reply)],
             [.text("Hello!<|eot_id|>")]),
            ([.text(header + "2+2?" + reply)], [.text("4<|eot_id|>")]),
        ])
        let template = try TemplateRegistry.template(named: "llama3")
        #expect(template.stopTokenIDs(tokenizer: tok) == [try #require(tok.tokenID("<|eot_id|>"))])
        #expect(tok.encode("<|eot_id|>", addSpecialTokens: false).count == 1)
    }

    @Test func chatmlQwenAndQwen3() throws {
        let tok = try tokenizer("qwen2")
        let user = { (text: String) in Expected.text("<|im_start|>user\n\(text)<|im_end|>\n<|im_start|>assistant\n") }
        let system = { (text: String) in Expected.text("<|im_start|>system\n\(text)<|im_end|>\n") }
        let turns: [(prompt: [Expected], answer: [Expected])] = [
            ([system("Be brief."), user("Hi there")], [.text("Hello!<|im_end|>\n")]),
            ([user("2+2?")], [.text("4<|im_end|>\n")]),
        ]
        try check("chatml", tok, turns)
        try check("qwen", tok, turns)
        try check("qwen3_nothink", tok, turns)
        // qwen's default system prompt when none is given.
        try check("qwen", tok, [
            ([system("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."), user("Hi there")],
             [.text("Hello!<|im_end|>\n")]),
            ([user("2+2?")], [.text("4<|im_end|>\n")]),
        ], system: nil)
        // qwen3 with thinking: empty thoughts are part of the answers.
        let thought = Expected.text("<think>\n\n</think>\n\n")
        try check("qwen3", tok, [
            ([system("Be brief."), user("Hi there")], [thought, .text("Hello!<|im_end|>\n")]),
            ([user("2+2?")], [thought, .text("4<|im_end|>\n")]),
        ])
        // Without thinking: they move to the prompts.
        var noThinking = try TemplateRegistry.template(named: "qwen3")
        noThinking.enableThinking = false
        try check("qwen3", tok, [
            ([system("Be brief."), user("Hi there"), thought], [.text("Hello!<|im_end|>\n")]),
            ([user("2+2?"), thought], [.text("4<|im_end|>\n")]),
        ], template: noThinking)
        let withThought = [ChatMessage(role: .user, content: "q"), ChatMessage(role: .assistant, content: "<think>\nhmm\n</think>\n\nA")]
        #expect(try noThinking.encode(withThought, tokenizer: tok)[0].answer == ids([.text("A<|im_end|>\n")], tok))
        let chatml = try TemplateRegistry.template(named: "chatml")
        #expect(chatml.stopTokenIDs(tokenizer: tok) == [try #require(tok.tokenID("<|im_end|>")), try #require(tok.tokenID("<|im_start|>"))])
        // Generation prompt: history plus the new user message, then the assistant header.
        let prompt = try chatml.encodePrompt(Array(conversation.prefix(3)), system: "S", tokenizer: tok)
        #expect(prompt == ids([system("S"), user("Hi there"), .text("Hello!<|im_end|>\n"), user("2+2?")], tok))
    }

    @Test func llama2MistralAndGemmaPutTheSystemInTheFirstUserMessage() throws {
        let tok = try tokenizer("llama2")
        try check("llama2", tok, [
            ([.bos, .text("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi there [/INST]")], [.text("Hello!"), .eos]),
            ([.bos, .text("[INST] 2+2? [/INST]")], [.text("4"), .eos]),
        ])
        try check("mistral", tok, [
            ([.bos, .text("[INST] Be brief.\n\nHi there[/INST]")], [.text(" Hello!"), .eos]),
            ([.text("[INST] 2+2?[/INST]")], [.text(" 4"), .eos]),
        ])
        try check("gemma", tok, [
            ([.bos, .text("<start_of_turn>user\nBe brief.\n\nHi there<end_of_turn>\n<start_of_turn>model\n")],
             [.text("Hello!<end_of_turn>\n")]),
            ([.text("<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n")], [.text("4<end_of_turn>\n")]),
        ])
    }

    @Test func defaultAlpacaAndEmpty() throws {
        let tok = try tokenizer("llama2")
        try check("default", tok, [
            ([.text("System: Be brief."), .eos, .text("\n"), .text("Human: Hi there"), .eos, .text("\nAssistant:")],
             [.text("Hello!"), .eos, .text("\n")]),
            ([.text("Human: 2+2?"), .eos, .text("\nAssistant:")], [.text("4"), .eos, .text("\n")]),
        ])
        try check("alpaca", tok, [
            ([.text("Be brief."), .text("### Instruction:\nHi there\n\n### Response:\n")], [.text("Hello!"), .eos, .text("\n\n")]),
            ([.text("### Instruction:\n2+2?\n\n### Response:\n")], [.text("4"), .eos, .text("\n\n")]),
        ])
        try check("empty", tok, [
            ([.text("Be brief."), .text("Hi there")], [.text("Hello!")]),
            ([.text("2+2?")], [.text("4")]),
        ])
    }

    @Test func malformedConversationsAreErrors() throws {
        let tok = try tokenizer("llama2")
        let template = try TemplateRegistry.template(named: "llama2")
        #expect(throws: TemplateError.self) { try template.encode([ChatMessage(role: .user, content: "x")], tokenizer: tok) }
        #expect(throws: TemplateError.self) {
            try template.encode([ChatMessage(role: .assistant, content: "x"), ChatMessage(role: .user, content: "y")], tokenizer: tok)
        }
    }
}

@Suite struct TemplateRegistryTests {
    @Test func autoRecognisesChatTemplates() throws {
        #expect(try TemplateRegistry.resolve("auto", tokenizer: tokenizer("llama3")).name == "llama3")
        #expect(try TemplateRegistry.resolve("auto", tokenizer: tokenizer("qwen2")).name == "chatml")
        #expect(try TemplateRegistry.resolve("auto", tokenizer: tokenizer("llama2")).name == "llama2")
        #expect(try TemplateRegistry.resolve("auto", tokenizer: tokenizer("mistral")).name == "mistral")
        #expect(TemplateRegistry.detect(chatTemplate: "{{ '<start_of_turn>user\n' }}") == "gemma")
        #expect(TemplateRegistry.detect(chatTemplate: "<|im_start|>{% if enable_thinking %}") == "qwen3")
        #expect(TemplateRegistry.detect(chatTemplate: "<|im_start|>You are Qwen") == "qwen")
        let gpt2 = try tokenizer("gpt2")
        #expect(throws: TemplateError.unrecognised(available: TemplateRegistry.names)) {
            try TemplateRegistry.resolve("auto", tokenizer: gpt2)
        }
    }

    @Test func namesAndRegistration() throws {
        for name in ["default", "empty", "fewshot", "alpaca", "chatml", "llama2", "llama3", "qwen", "qwen3", "qwen3_nothink", "mistral", "gemma"] {
            #expect(TemplateRegistry.names.contains(name), "\(name)")
        }
        #expect(throws: TemplateError.self) { try TemplateRegistry.template(named: "vicuna_test_missing") }
        let custom = ChatTemplate(name: "test_custom", user: [.text("<user>{{content}}\n<model>")], prefix: [.bos])
        TemplateRegistry.register(custom)
        #expect(try TemplateRegistry.template(named: "test_custom") == custom)
        let tok = try tokenizer("llama2")
        let encoded = try custom.encode(Array(conversation.prefix(2)), tokenizer: tok)
        #expect(encoded[0].prompt == ids([.bos, .text("<user>Hi there\n<model>")], tok))
        #expect(encoded[0].answer == ids([.text("Hello!"), .eos], tok))
    }
}
