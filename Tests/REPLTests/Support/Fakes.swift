import Foundation
import REPL

/// A completion provider with fixed tables.
final class FakeProvider: CompletionProvider {
    func globalNames() -> [String] { ["zeros", "zip", "print", "model"] }
    func keywords() -> [String] { ["let", "var", "while"] }
    func memberNames(of receiver: [String]) -> [String] {
        receiver == ["model"] ? ["lora", "layers", "save"] : []
    }
    func labels(of callee: [String]) -> [String] {
        callee == ["model", "lora"] ? ["rank", "alpha"] : []
    }
}

/// An engine that records what it was asked: `name = value` binds, a bare name prints
/// its value, `(` without `)` is incomplete, and `fail` fails.
final class FakeEngine: REPLEngine {
    var bindings: [String: String] = [:]
    var evaluated: [String] = []
    let provider = FakeProvider()

    func globalNames() -> [String] { Array(bindings.keys) }
    func keywords() -> [String] { provider.keywords() }
    func memberNames(of receiver: [String]) -> [String] { [] }
    func labels(of callee: [String]) -> [String] { [] }

    func isIncomplete(_ source: String) -> Bool {
        source.filter { $0 == "(" }.count > source.filter { $0 == ")" }.count
    }

    func evaluate(_ source: String) -> EvaluationResult {
        evaluated.append(source)
        if source == "fail" { return .failed(message: "<input>:1:1: error: failed") }
        let parts = source.split(separator: "=", maxSplits: 1)
        if parts.count == 2 {
            bindings[parts[0].trimmingCharacters(in: .whitespaces)] =
                parts[1].trimmingCharacters(in: .whitespaces)
            return .completed(display: nil)
        }
        return .completed(display: bindings[source] ?? source)
    }

    func load(path: String) -> EvaluationResult { .completed(display: "loaded \(path)") }
    func variableSummaries() -> [String] {
        bindings.keys.sorted().map { "\($0) = \(bindings[$0] ?? "")" }
    }
    func help(_ topic: String?) -> EvaluationResult {
        .completed(display: "help on \(topic ?? "everything")")
    }
    func reset() { bindings = [:] }
}

/// A reader that hands out scripted inputs, then the end.
final class ScriptedReader: LineReader {
    var inputs: [LineInput]
    var prompts: [String] = []
    var history: [String] = []
    let isInteractive: Bool

    init(_ inputs: [LineInput], interactive: Bool = false) {
        self.inputs = inputs
        self.isInteractive = interactive
    }

    func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return inputs.isEmpty ? .end : inputs.removeFirst()
    }

    func addHistory(_ line: String) { history.append(line) }
}
