import Models

/// Encodes data-set conversations with a chat template from `Models` (LLaMA-Factory's
/// layouts) and a tokenizer. Turns with function calls or tool results, and a tools
/// description, are refused: the templates do not format tools yet.
public struct TemplateEncoder: ConversationEncoding {
    /// The chat template.
    public let template: ChatTemplate
    /// The tokenizer.
    public let tokenizer: Tokenizer

    /// Pairs a template with a tokenizer.
    public init(template: ChatTemplate, tokenizer: Tokenizer) {
        self.template = template
        self.tokenizer = tokenizer
    }

    /// Looks a template up by name (`"auto"` detects it from the tokenizer).
    /// - Throws: `TemplateError.unknownTemplate` with the available names.
    public init(templateNamed name: String, tokenizer: Tokenizer) throws {
        self.init(template: try TemplateRegistry.resolve(name, tokenizer: tokenizer), tokenizer: tokenizer)
    }

    /// Whether the template adds EOS once at the end rather than after each answer.
    public var efficientEOS: Bool { template.efficientEOS }

    /// The tokenizer's EOS id.
    public var eosTokenID: Int? { tokenizer.eosTokenID }

    /// LLaMA-Factory's `encode_multiturn` through the template.
    /// - Throws: `DatasetError.unsupported` for tool turns, `TemplateError` from the template.
    public func encodePairs(_ messages: [DataMessage], system: String, tools: String) throws
        -> [(source: [Int], target: [Int])]
    {
        if !tools.isEmpty {
            throw DatasetError.unsupported(feature: "tool descriptions in data sets")
        }
        let chat = try messages.map { message -> ChatMessage in
            switch message.role {
            case .user: return ChatMessage(role: .user, content: message.content)
            case .assistant: return ChatMessage(role: .assistant, content: message.content)
            case .system, .function, .observation:
                throw DatasetError.unsupported(
                    feature: "\(message.role.rawValue) turns in data sets (tool use)")
            }
        }
        return try template.encode(chat, system: system, tokenizer: tokenizer).map {
            (source: $0.prompt, target: $0.answer)
        }
    }
}
