/// Chat: a conversation laid out by a chat template, answered by generation.
extension CausalLM {
    /// Answers the last user message of `messages`.
    /// - Parameters:
    ///   - messages: user, assistant, ..., user (system prompts go in `system`).
    ///   - template: a template name (`chatml`, `llama3` ...) or `auto` to recognise the
    ///     tokenizer's chat_template.
    ///   - system: the system prompt; nil uses the template's default.
    ///   - options: decoding settings; the template's stop tokens and the model's EOS are
    ///     added to its own, and its stop words to the stop strings.
    ///   - onText: receives each new piece of the answer; return false to stop.
    /// - Returns: the answer text.
    /// - Throws: `TemplateError` (unknown or unrecognised template, misordered messages),
    ///   `ModelError`, `GenerationError`.
    public func chat(
        _ messages: [ChatMessage], template: String = "auto", system: String? = nil,
        options: GenerationOptions = GenerationOptions(), onText: ((String) -> Bool)? = nil
    ) throws -> String {
        let tokenizer = try requireTokenizer()
        let chatTemplate = try TemplateRegistry.resolve(template, tokenizer: tokenizer)
        let prompt = try chatTemplate.encodePrompt(messages, system: system, tokenizer: tokenizer)
        var settings = options
        for id in chatTemplate.stopTokenIDs(tokenizer: tokenizer)
        where !settings.stopTokens.contains(id) {
            settings.stopTokens.append(id)
        }
        for word in chatTemplate.stopWords where tokenizer.tokenID(word) == nil {
            settings.stopStrings.append(word)
        }
        return try generate(ids: prompt, options: settings, onText: onText)
    }

    /// Answers one user message.
    /// - Throws: as `chat(_:template:system:options:onText:)`.
    public func chat(
        _ text: String, template: String = "auto", system: String? = nil,
        options: GenerationOptions = GenerationOptions(), onText: ((String) -> Bool)? = nil
    ) throws -> String {
        try chat(
            [ChatMessage(role: .user, content: text)], template: template, system: system,
            options: options, onText: onText)
    }
}
