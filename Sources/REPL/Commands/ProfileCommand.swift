/// `:profile expr`: runs an expression under the op profiler (the `profile` builtin)
/// and prints the table of ops by self time, with the host time outside ops.
enum ProfileCommand {
    static let command = REPLCommand(
        name: "profile", usage: "expr",
        summary: "run an expression and show its time per op (calls, self time, GFLOP/s)",
        argument: .expression
    ) { session, argument in
        guard !argument.isEmpty else {
            session.writeErrorLine("usage: :profile expr")
            return .proceed
        }
        session.show(session.engine.evaluate(source(for: argument)))
        return .proceed
    }

    /// The code `:profile` evaluates for `argument`; a newline keeps a trailing comment
    /// from swallowing the closing brace.
    static func source(for argument: String) -> String { "profile {\n\(argument)\n}" }
}
