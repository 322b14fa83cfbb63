import Language
import Models

// MARK: Generation settings and chat messages from arguments

extension ModelBuiltins {
    /// The labels `generate` and `chat` share, with transformers' defaults except greedy
    /// decoding (temperature 0).
    static let generationLabels: [(String, Value)] = [
        ("max_tokens", .int(64)), ("temperature", .float(0)), ("top_k", .int(0)),
        ("top_p", .float(1)), ("repetition_penalty", .float(1)), ("seed", .int(0)),
        ("stop", .nil), ("stream", .bool(false)),
    ]

    /// Generation options from the shared labels.
    /// - Throws: bad-argument errors; `GenerationError` for values out of range.
    static func generationOptions(_ arguments: Arguments) throws -> GenerationOptions {
        var stopStrings: [String] = []
        switch arguments["stop"] {
        case .nil: break
        case .string(let text): stopStrings = [text]
        case .list(let list):
            stopStrings = try list.items.map {
                guard case .string(let text) = $0 else {
                    throw arguments.badArgument("stop", expected: "string or list of strings", got: $0)
                }
                return text
            }
        case let other:
            throw arguments.badArgument("stop", expected: "string or list of strings", got: other)
        }
        let options = GenerationOptions(
            maxTokens: try arguments.int("max_tokens"),
            temperature: try arguments.double("temperature"),
            topK: try arguments.int("top_k"),
            topP: try arguments.double("top_p"),
            repetitionPenalty: try arguments.double("repetition_penalty"),
            stopStrings: stopStrings,
            seed: UInt64(bitPattern: Int64(try arguments.int("seed"))))
        try options.validate()
        return options
    }

    /// With `stream: true`, a sink that prints each new piece of text as it comes.
    static func streamSink(_ arguments: Arguments) throws -> ((String) -> Bool)? {
        guard try arguments.bool("stream") else { return nil }
        let interpreter = arguments.interpreter
        return { piece in
            interpreter.output(piece)
            return true
        }
    }

    /// Chat messages from a string (one user message) or a list of
    /// `{"role": "user"|"assistant", "content": "..."}` dicts.
    static func chatMessages(_ value: Value, arguments: Arguments) throws -> [ChatMessage] {
        if case .string(let text) = value { return [ChatMessage(role: .user, content: text)] }
        guard case .list(let list) = value else {
            throw arguments.badArgument("messages", expected: "string or list of dicts", got: value)
        }
        return try list.items.map { item in
            guard case .dict(let dict) = item, case .string(let roleName)? = dict["role"],
                case .string(let content)? = dict["content"]
            else {
                throw arguments.badArgument(
                    "messages", expected: "dicts with string 'role' and 'content'", got: item)
            }
            guard let role = ChatRole(rawValue: roleName) else {
                throw HostError(
                    "bad argument 'messages' to '\(arguments.function)' (role must be 'user' or 'assistant', got '\(roleName)')",
                    hint: "put a system prompt in system:")
            }
            return ChatMessage(role: role, content: content)
        }
    }
}
