/// What one evaluation gave.
public enum EvaluationResult: Equatable, Sendable {
    /// The input ran; `display` is the value of a final expression statement, as the REPL
    /// prints it (nil when there is nothing to print).
    case completed(display: String?)
    /// The input raised an error; `message` is the rendered diagnostic.
    case failed(message: String)
}

/// The interpreter as the REPL sees it. `InterpreterEngine` implements it over
/// Language's `Interpreter`; tests can implement it with a fake.
public protocol REPLEngine: CompletionProvider {
    /// Whether `source` stops inside an open construct (bracket, block, string), so the
    /// REPL should ask for another line with the continuation prompt.
    func isIncomplete(_ source: String) -> Bool
    /// Runs one REPL input; binds the value of a final expression statement to `_`.
    func evaluate(_ source: String) -> EvaluationResult
    /// Runs a file in the session's global scope (for `:load`).
    func load(path: String) -> EvaluationResult
    /// The user's bindings, one `name = summary` line each (for `:vars`).
    func variableSummaries() -> [String]
    /// Documentation of a name, or an overview when `topic` is nil (for `:help`); a
    /// failure when the name is not bound.
    func help(_ topic: String?) -> EvaluationResult
    /// Drops every user binding, keeping the builtins (for `:reset`).
    func reset()
}
