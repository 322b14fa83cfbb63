import Builtins
import Language

/// Runs lfs source on an interpreter with the whole vocabulary and captures what it
/// prints, or the error it raised (the message of its first diagnostic).
enum ScriptRunner {
    struct Outcome {
        var output: String
        var error: String?
        /// `line:col: message` of the first diagnostic.
        var located: String?
    }

    static func run(_ source: String) -> Outcome {
        let interpreter = Interpreter()
        Library.install(into: interpreter)
        var output = ""
        interpreter.output = { output += $0 }
        do {
            try interpreter.run(source: source, name: "test.lfs")
            return Outcome(output: output, error: nil, located: nil)
        } catch {
            return Outcome(
                output: output, error: error.diagnostics.first?.message ?? "\(error)",
                located: error.diagnostics.first?.description)
        }
    }

    /// The printed lines of a script that must not fail.
    static func lines(_ source: String) -> [String] {
        let outcome = run(source)
        if let error = outcome.error { return ["error: \(error)"] }
        return outcome.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map(String.init)
    }
}
