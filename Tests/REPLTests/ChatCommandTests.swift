import Builtins
import Language
import Testing

@testable import REPL

/// `:chat [model][, options]`: the loop, its history, /clear and /exit, the model it
/// picks, and one real streamed turn with the embedded model.
@Suite struct ChatCommandTests {
    /// A fake engine that answers each turn with the number of messages it was given.
    final class FakeChatEngine: REPLEngine, ChatEngine {
        let base = FakeEngine()
        var models = ["m"]
        var turns: [(model: String, options: String, messages: [ChatLine])] = []
        var output = ""

        func globalNames() -> [String] { base.globalNames() }
        func keywords() -> [String] { base.keywords() }
        func memberNames(of receiver: [String]) -> [String] { [] }
        func labels(of callee: [String]) -> [String] { [] }
        func isIncomplete(_ source: String) -> Bool { base.isIncomplete(source) }
        func evaluate(_ source: String) -> EvaluationResult { base.evaluate(source) }
        func load(path: String) -> EvaluationResult { base.load(path: path) }
        func variableSummaries() -> [String] { [] }
        func help(_ topic: String?) -> EvaluationResult { base.help(topic) }
        func reset() {}

        func modelNames() -> [String] { models }
        func checkModel(_ expression: String) -> String? {
            expression == "bad" ? ":chat needs a model, got int from 'bad'" : nil
        }
        func chatTurn(model: String, options: String, messages: [ChatLine], prefix: String)
            -> ChatTurnResult
        {
            turns.append((model, options, messages))
            if messages.last?.content == "fail" { return .failed(message: "error: interrupted") }
            output += prefix + "answer \(messages.count)"
            return .answer("answer \(messages.count)")
        }
    }

    final class Capture {
        var output = ""
        var errors = ""
    }

    func run(_ lines: [String], engine: FakeChatEngine) -> Capture {
        let capture = Capture()
        let session = REPLSession(
            engine: engine, reader: ScriptedReader(lines.map { .line($0) }),
            output: { capture.output += $0 }, errors: { capture.errors += $0 })
        _ = session.run()
        return capture
    }

    @Test func keepsHistoryClearsAndExits() {
        let engine = FakeChatEngine()
        let capture = run([":chat", "hello", "fail", "again", "/clear", "after", "/exit", "x"], engine: engine)
        #expect(engine.turns.map(\.model) == ["m", "m", "m", "m"])
        #expect(engine.turns.map { $0.messages.map(\.content) } == [
            ["hello"],
            ["hello", "answer 1", "fail"],
            ["hello", "answer 1", "again"],  // the failed turn was dropped
            ["after"],
        ])
        #expect(engine.turns[1].messages.map(\.role) == ["user", "assistant", "user"])
        #expect(engine.output == "assistant: answer 1assistant: answer 3assistant: answer 1")
        #expect(capture.output.contains("chatting with m"))
        #expect(capture.output.contains("history cleared"))
        #expect(capture.errors == "error: interrupted\n")
        #expect(engine.base.evaluated == ["x"])  // back at the lfs prompt after /exit
    }

    @Test func picksTheOnlyModelOrSaysWhy() {
        let none = FakeChatEngine()
        none.models = []
        #expect(run([":chat"], engine: none).errors.contains("no model is bound"))
        let two = FakeChatEngine()
        two.models = ["a", "b"]
        #expect(run([":chat"], engine: two).errors.contains("several models are bound (a, b)"))
        let bad = FakeChatEngine()
        #expect(run([":chat bad", "hi"], engine: bad).errors.contains("needs a model"))
        #expect(bad.turns.isEmpty)
        let named = FakeChatEngine()
        named.models = ["a", "b"]
        _ = run([":chat b, template: \"chatml\", max_tokens: 4", "hi"], engine: named)
        #expect(named.turns.first?.model == "b")
        #expect(named.turns.first?.options == "template: \"chatml\", max_tokens: 4")
    }

    @Test(arguments: [
        ("", nil as String?, ""),
        ("model", "model", ""),
        (", max_tokens: 8", nil, "max_tokens: 8"),
        ("pick(a, b), system: \"x, y\"", "pick(a, b)", "system: \"x, y\""),
    ])
    func splitsTheModelFromTheOptions(argument: String, model: String?, options: String) {
        let split = ChatCommand.split(argument)
        #expect(split.expression == model)
        #expect(split.options == options)
    }

    @Test func streamsARealTurnOfTheEmbeddedModel() throws {
        let interpreter = Interpreter()
        Library.install(into: interpreter)
        var streamed = ""
        interpreter.output = { streamed += $0 }
        let engine = InterpreterEngine(interpreter: interpreter, ansi: false) { Interpreter() }
        let capture = Capture()
        let session = REPLSession(
            engine: engine,
            reader: ScriptedReader([
                .line("let model = load_model(\"tiny\")"), .line(":chat , max_tokens: 8"),
                .line("Who are you?"), .line("/exit"),
                .line("model.chat(\"Who are you?\", max_tokens: 8)"),
            ]),
            output: { capture.output += $0 }, errors: { capture.errors += $0 })
        _ = session.run()
        #expect(capture.errors.isEmpty, "\(capture.errors)")
        #expect(engine.modelNames() == ["model"])
        guard case .string(let expected)? = interpreter.global("_") else {
            Issue.record("no answer bound to _")
            return
        }
        #expect(!expected.isEmpty)
        #expect(streamed == "assistant: " + expected)
    }

    @Test func aFailedRealTurnShowsTheMessageAndStaysInTheChat() {
        let interpreter = Interpreter()
        Library.install(into: interpreter)
        interpreter.output = { _ in }
        let engine = InterpreterEngine(interpreter: interpreter, ansi: false) { Interpreter() }
        let capture = Capture()
        let session = REPLSession(
            engine: engine,
            reader: ScriptedReader([
                .line("let model = load_model(\"tiny\")"), .line(":chat model, max_tokens: -1"),
                .line("hi"), .line("/clear"), .line("/exit"),
            ]),
            output: { capture.output += $0 }, errors: { capture.errors += $0 })
        _ = session.run()
        #expect(capture.errors.hasPrefix(":chat: "), "\(capture.errors)")
        #expect(capture.errors.contains("max_tokens"))
        #expect(capture.output.contains("history cleared"))
    }
}
