/// `:mem`: prints the bytes held by tensors, the tape, parameters, gradients and
/// optimizer state (the `memory` builtin).
enum MemoryCommand {
    static let command = REPLCommand(
        name: "mem", summary: "show the memory held by tensors, the tape and parameters"
    ) { session, _ in
        session.show(session.engine.evaluate("memory()"))
        return .proceed
    }
}
