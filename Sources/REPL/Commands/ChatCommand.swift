import Foundation

/// `:chat [model][, options]`: a chat loop with a model, like LLaMA-Factory's chat CLI.
/// Reads user lines, streams each answer as it is produced, keeps the history; `/clear`
/// clears it, `/exit` (or the end of input) returns to the lfs prompt. Ctrl-C stops a
/// generation and drops that turn. Without an argument it uses the only model bound to a
/// global; options after a comma go to `model.chat` (`:chat model, template: "chatml"`).
enum ChatCommand {
    /// The prompt for the user's lines.
    static let userPrompt = "user> "
    /// Written before each answer.
    static let assistantPrefix = "assistant: "

    static let command = REPLCommand(
        name: "chat", usage: "[model][, options]",
        summary: "chat with a model (/clear clears the history, /exit returns); options go to model.chat",
        argument: .expression
    ) { session, argument in
        // Reading the user's lines is no computation: Ctrl-C there cancels the line.
        InterruptController.endComputation()
        defer { InterruptController.beginComputation() }  // runCommand ends it again
        guard let engine = session.engine as? any ChatEngine else {
            session.writeErrorLine(":chat needs the lfs interpreter")
            return .proceed
        }
        let (expression, options) = split(argument)
        let model: String
        if let expression {
            model = expression
        } else {
            let names = engine.modelNames()
            guard names.count == 1, let only = names.first else {
                session.writeErrorLine(
                    names.isEmpty
                        ? ":chat: no model is bound; load one (let model = load_model(\"tiny\")) or name it: :chat expr"
                        : ":chat: several models are bound (\(names.joined(separator: ", "))); name one: :chat \(names[0])")
                return .proceed
            }
            model = only
        }
        if let problem = engine.checkModel(model) {
            session.writeErrorLine(problem.hasSuffix("\n") ? String(problem.dropLast()) : problem)
            return .proceed
        }
        session.writeLine("chatting with \(model): /clear clears the history, /exit returns to lfs")
        var history: [ChatLine] = []
        while true {
            switch session.reader.readLine(prompt: userPrompt) {
            case .end:
                if session.reader.isInteractive { session.writeLine("") }
                return .proceed
            case .cancelled:
                continue
            case .line(let line):
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                if text == "/exit" { return .proceed }
                if text == "/clear" {
                    history = []
                    session.writeLine("history cleared")
                    continue
                }
                history.append(ChatLine(role: "user", content: line))
                _ = InterruptController.takePending()
                InterruptController.beginComputation()
                let result = engine.chatTurn(
                    model: model, options: options, messages: history, prefix: assistantPrefix)
                InterruptController.endComputation()
                _ = InterruptController.takePending()
                session.writeLine("")
                switch result {
                case .answer(let answer):
                    history.append(ChatLine(role: "assistant", content: answer))
                case .failed(let message):
                    history.removeLast()
                    session.show(.failed(message: message))
                }
            }
        }
    }

    /// The model expression (nil when empty) and the options after the first top-level
    /// comma: `m, template: "chatml"` → ("m", "template: \"chatml\"").
    static func split(_ argument: String) -> (expression: String?, options: String) {
        var depth = 0
        var quote: Character?
        var escaped = false
        for index in argument.indices {
            let character = argument[index]
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "," where depth == 0:
                let head = argument[..<index].trimmingCharacters(in: .whitespaces)
                let tail = argument[argument.index(after: index)...].trimmingCharacters(in: .whitespaces)
                return (head.isEmpty ? nil : head, tail)
            default: break
            }
        }
        let head = argument.trimmingCharacters(in: .whitespaces)
        return (head.isEmpty ? nil : head, "")
    }
}
