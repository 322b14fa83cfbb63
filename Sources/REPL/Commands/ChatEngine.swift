import Language

/// One message of a `:chat` conversation.
public struct ChatLine: Equatable, Sendable {
    /// `user` or `assistant`.
    public var role: String
    /// The text.
    public var content: String

    /// A message.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What one `:chat` turn gave.
public enum ChatTurnResult: Equatable, Sendable {
    /// The assistant's whole answer (already streamed).
    case answer(String)
    /// The turn failed or was stopped (Ctrl-C); `message` is the rendered diagnostic.
    case failed(message: String)
}

/// What `:chat` needs from an engine beyond ``REPLEngine``: finding the model and
/// running one streamed turn.
public protocol ChatEngine: AnyObject {
    /// The global names bound to a model, in order.
    func modelNames() -> [String]
    /// nil when `expression` evaluates to a model, else the error to show.
    func checkModel(_ expression: String) -> String?
    /// Runs `model.chat(messages, stream: true, options)`, writing `prefix` and then the
    /// answer's text to the output as it is produced.
    /// - Parameters:
    ///   - model: an expression giving the model.
    ///   - options: extra labelled arguments for `chat` (`template: "chatml"`), or "".
    ///   - messages: the conversation so far, ending with the user's new message.
    ///   - prefix: written before the answer (`assistant: `).
    func chatTurn(model: String, options: String, messages: [ChatLine], prefix: String)
        -> ChatTurnResult
}

extension InterpreterEngine: ChatEngine {
    /// Globals holding a `Model` (not `_` or `args`).
    public func modelNames() -> [String] {
        interpreter.globalNames.filter { name in
            guard name != "_", name != "args", case .host(let object)? = interpreter.global(name)
            else { return false }
            return object.hostType.name == "Model"
        }
    }

    /// Evaluates `expression` once (see ``ChatEngine``).
    public func checkModel(_ expression: String) -> String? {
        do {
            let value = try interpreter.evaluate("(\(expression))", name: "<chat>")
            if case .host(let object)? = value, object.hostType.name == "Model" { return nil }
            return ":chat needs a model, got \(value.map(Self.typeName) ?? "nothing") from '\(expression)'"
        } catch {
            return interpreter.render(error, ansi: false)
        }
    }

    /// One streamed turn through the `chat` method (see ``ChatEngine``).
    public func chatTurn(model: String, options: String, messages: [ChatLine], prefix: String)
        -> ChatTurnResult
    {
        let list = messages.map {
            "{\"role\": \(GraphCommand.stringLiteral($0.role)), \"content\": \(GraphCommand.stringLiteral($0.content))}"
        }
        let extra = options.isEmpty ? "" : ", " + options
        let source = "(\(model)).chat([\(list.joined(separator: ", "))], stream: true\(extra))"
        interpreter.output(prefix)
        do {
            guard case .string(let answer)? = try interpreter.evaluate(source, name: "<chat>") else {
                return .failed(message: ":chat: the model's chat did not return text")
            }
            return .answer(answer)
        } catch {
            // The turn's source is generated, so its line is no help: the message alone.
            guard let message = error.diagnostics.first?.message else {
                return .failed(message: interpreter.render(error, ansi: false))
            }
            return .failed(message: message == "interrupted" ? "[generation stopped]" : ":chat: \(message)")
        }
    }

    private static func typeName(_ value: Value) -> String {
        switch value {
        case .host(let object): return object.hostType.name
        case .nil: return "nil"
        case .string: return "string"
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .list: return "list"
        case .dict: return "dict"
        default: return "a \(value.repr.prefix(20))"
        }
    }
}
