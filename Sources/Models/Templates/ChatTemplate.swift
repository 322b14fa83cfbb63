import Foundation

/// One element of a template format: literal text (with `{{content}}` filled in), the
/// tokenizer's BOS or EOS, or a token looked up by name.
///
/// As LLaMA-Factory's formatter slots: each text element is tokenized on its own
/// (`encode(text, add_special_tokens=False)`), so no BPE merge crosses two elements.
public enum TemplateSlot: Equatable, Sendable {
    case text(String)
    case bos
    case eos
    case token(String)
}

/// Who speaks a message.
public enum ChatRole: String, Equatable, Sendable {
    case user, assistant
}

/// One message of a conversation.
public struct ChatMessage: Equatable, Sendable {
    public var role: ChatRole
    public var content: String

    /// A message.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// Why a conversation could not be encoded, or a template not found.
public enum TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No template has this name.
    case unknownTemplate(name: String, available: [String])
    /// `template: "auto"` did not recognise the tokenizer's chat_template.
    case unrecognised(available: [String])
    /// Messages must alternate user, assistant, starting with user.
    case invalidMessages(String)

    public var description: String {
        switch self {
        case .unknownTemplate(let name, let available):
            return "unknown template '\(name)'; available: \(available.joined(separator: ", "))"
        case .unrecognised(let available):
            return "cannot recognise the tokenizer's chat_template; name one of: \(available.joined(separator: ", "))"
        case .invalidMessages(let detail): return "invalid messages: \(detail)"
        }
    }
}

/// A chat template as data, laid out as LLaMA-Factory's template of the same name
/// (src/llamafactory/data/template.py): the format of each role, the prefix before the
/// first turn, the default system prompt and the stop words.
public struct ChatTemplate: Equatable, Sendable {
    public var name: String
    public var user: [TemplateSlot]
    public var assistant: [TemplateSlot]
    public var system: [TemplateSlot]
    /// Before the first turn (often `[.bos]`).
    public var prefix: [TemplateSlot]
    /// Used when the caller gives no system prompt ("" for none).
    public var defaultSystem: String
    /// Extra tokens that end an answer.
    public var stopWords: [String]
    /// The assistant format carries no EOS (the default assistant format is then just
    /// `{{content}}`).
    public var efficientEOS: Bool
    /// The first stop word stands in for the tokenizer's EOS.
    public var replaceEOS: Bool
    /// LLaMA-Factory's `Llama2Template`: the system text goes inside the first user message.
    public var systemInFirstUser: Bool
    /// LLaMA-Factory's `ReasoningTemplate`: empty thoughts are added to answers without them.
    public var reasoning: Bool
    /// With `reasoning`: keep thoughts and learn the empty ones (true), or strip thoughts
    /// and put the empty thought in the prompt (false).
    public var enableThinking: Bool
    /// The thought delimiters.
    public var thoughtWords: [String]

    /// A template; unspecified parts default as LLaMA-Factory's `register_template`.
    public init(
        name: String, user: [TemplateSlot] = [.text("{{content}}")], assistant: [TemplateSlot]? = nil,
        system: [TemplateSlot]? = nil, prefix: [TemplateSlot] = [], defaultSystem: String = "",
        stopWords: [String] = [], efficientEOS: Bool = false, replaceEOS: Bool = false,
        systemInFirstUser: Bool = false, reasoning: Bool = false, enableThinking: Bool = true,
        thoughtWords: [String] = ["<think>\n", "\n</think>\n\n"]
    ) {
        self.name = name
        self.user = user
        self.assistant = assistant ?? (efficientEOS ? [.text("{{content}}")] : [.text("{{content}}"), .eos])
        // As register_template: the system format defaults to the plain `{{content}}`.
        self.system = system ?? [.text("{{content}}")]
        self.prefix = prefix
        self.defaultSystem = defaultSystem
        self.stopWords = stopWords
        self.efficientEOS = efficientEOS
        self.replaceEOS = replaceEOS
        self.systemInFirstUser = systemInFirstUser
        self.reasoning = reasoning
        self.enableThinking = enableThinking
        self.thoughtWords = thoughtWords
    }

    // MARK: - Encoding

    /// (prompt ids, answer ids) for each user/assistant pair, as `encode_multiturn`.
    /// - Parameters:
    ///   - messages: user, assistant, user, assistant ... (an even count).
    ///   - system: the system prompt; nil or "" uses `defaultSystem`.
    /// - Throws: `TemplateError.invalidMessages`.
    public func encode(_ messages: [ChatMessage], system: String? = nil, tokenizer: Tokenizer) throws -> [(prompt: [Int], answer: [Int])] {
        try validate(messages)
        var messages = messages
        if reasoning && !enableThinking {
            for i in stride(from: 1, to: messages.count, by: 2) { messages[i].content = removeThought(messages[i].content) }
        }
        var encoded = encodeMessages(messages, system: system, tokenizer: tokenizer)
        if reasoning {
            let thought = tokenizer.encode(thoughtWords.joined(), addSpecialTokens: false)
            for i in stride(from: 0, to: messages.count, by: 2) where !hasThought(messages[i + 1].content) {
                if enableThinking { encoded[i + 1] = thought + encoded[i + 1] } else { encoded[i] += thought }
            }
        }
        return stride(from: 0, to: encoded.count, by: 2).map { (encoded[$0], encoded[$0 + 1]) }
    }

    /// The prompt ids for generating the next answer to a conversation ending with a user
    /// message, as LLaMA-Factory's chat (`encode_oneturn` with an empty answer appended).
    /// - Throws: `TemplateError.invalidMessages`.
    public func encodePrompt(_ messages: [ChatMessage], system: String? = nil, tokenizer: Tokenizer) throws -> [Int] {
        var messages = messages + [ChatMessage(role: .assistant, content: "")]
        try validate(messages)
        if reasoning {
            for i in stride(from: 1, to: messages.count - 2, by: 2) { messages[i].content = removeThought(messages[i].content) }
        }
        let encoded = encodeMessages(messages, system: system, tokenizer: tokenizer)
        var prompt = encoded.dropLast().flatMap { $0 }
        if reasoning && !enableThinking {
            prompt += tokenizer.encode(thoughtWords.joined(), addSpecialTokens: false)
        }
        return prompt
    }

    /// The ids that end an answer: the tokenizer's EOS (the first stop word when
    /// `replaceEOS`) and every stop word the tokenizer knows, as `get_stop_token_ids`.
    public func stopTokenIDs(tokenizer: Tokenizer) -> [Int] {
        var ids: [Int] = []
        let eos = replaceEOS ? stopWords.first.flatMap(tokenizer.tokenID) ?? tokenizer.eosTokenID : tokenizer.eosTokenID
        if let eos { ids.append(eos) }
        for word in stopWords {
            if let id = tokenizer.tokenID(word), !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// The EOS id this template writes for `.eos` slots.
    func eosID(_ tokenizer: Tokenizer) -> Int? {
        replaceEOS ? stopWords.first.flatMap(tokenizer.tokenID) ?? tokenizer.eosTokenID : tokenizer.eosTokenID
    }

    private func validate(_ messages: [ChatMessage]) throws {
        guard !messages.isEmpty, messages.count % 2 == 0 else {
            throw TemplateError.invalidMessages("expected user/assistant pairs, got \(messages.count) messages")
        }
        for (i, message) in messages.enumerated() where message.role != (i % 2 == 0 ? .user : .assistant) {
            throw TemplateError.invalidMessages("message \(i) should be from the \(i % 2 == 0 ? "user" : "assistant")")
        }
    }

    /// `Template._encode` (and `Llama2Template._encode`): one id list per message.
    private func encodeMessages(_ messages: [ChatMessage], system: String?, tokenizer: Tokenizer) -> [[Int]] {
        let systemText = (system?.isEmpty == false ? system : nil) ?? defaultSystem
        var result: [[Int]] = []
        for (i, message) in messages.enumerated() {
            var slots: [TemplateSlot] = []
            var content = message.content
            if i == 0 {
                slots += prefix
                if !systemText.isEmpty {
                    let filled = Self.fill(self.system, content: systemText, index: 0)
                    if systemInFirstUser {
                        // Llama2Template takes the first element of the formatted system.
                        if case .text(let text)? = filled.first { content = text + content }
                    } else {
                        slots += filled
                    }
                }
            }
            switch message.role {
            case .user: slots += Self.fill(user, content: content, index: i / 2)
            case .assistant: slots += Self.fill(assistant, content: content, index: i / 2)
            }
            result.append(ids(of: slots, tokenizer: tokenizer))
        }
        return result
    }

    private static func fill(_ slots: [TemplateSlot], content: String, index: Int) -> [TemplateSlot] {
        slots.map { slot in
            guard case .text(let text) = slot else { return slot }
            return .text(text.replacingFirst("{{content}}", with: content).replacingFirst("{{idx}}", with: String(index)))
        }
    }

    private func ids(of slots: [TemplateSlot], tokenizer: Tokenizer) -> [Int] {
        var ids: [Int] = []
        for slot in slots {
            switch slot {
            case .text(let text): if !text.isEmpty { ids += tokenizer.encode(text, addSpecialTokens: false) }
            case .bos: if let bos = tokenizer.bosTokenID { ids.append(bos) }
            case .eos: if let eos = eosID(tokenizer) { ids.append(eos) }
            case .token(let name): if let id = tokenizer.tokenID(name) { ids.append(id) }
            }
        }
        return ids
    }

    private func hasThought(_ content: String) -> Bool {
        let open = thoughtWords.first?.trimmingWhitespace ?? ""
        let close = thoughtWords.last?.trimmingWhitespace ?? ""
        return (!open.isEmpty && content.contains(open)) || (!close.isEmpty && content.contains(close))
    }

    /// Removes `<think>...</think>` spans and the newlines after them (`remove_thought`).
    private func removeThought(_ content: String) -> String {
        guard let open = thoughtWords.first, let close = thoughtWords.last else { return content }
        var text = content
        while let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        return String(text.drop { $0 == "\n" })
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    var trimmingWhitespace: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
