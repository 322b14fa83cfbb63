import Builtins
import Language
import Testing

@testable import REPL

/// `:profile expr` and `:mem`: what they evaluate, and the tables they print on the real
/// vocabulary.
@Suite struct ProfileCommandTests {
    final class Capture {
        var output = ""
        var errors = ""
    }

    func run(_ lines: [String], engine: any REPLEngine) -> Capture {
        let capture = Capture()
        let session = REPLSession(
            engine: engine, reader: ScriptedReader(lines.map { .line($0) }, interactive: false),
            output: { capture.output += $0 }, errors: { capture.errors += $0 })
        _ = session.run()
        return capture
    }

    func realEngine() -> InterpreterEngine {
        func make() -> Interpreter {
            let interpreter = Interpreter()
            Library.install(into: interpreter)
            return interpreter
        }
        return InterpreterEngine(interpreter: make(), ansi: false, makeInterpreter: make)
    }

    @Test func profileEvaluatesTheExpressionInsideAProfileBlock() {
        let engine = FakeEngine()
        _ = run([":profile f(1) # slow"], engine: engine)
        #expect(engine.evaluated == ["profile {\nf(1) # slow\n}"])
    }

    @Test func memEvaluatesMemory() {
        let engine = FakeEngine()
        _ = run([":mem"], engine: engine)
        #expect(engine.evaluated == ["memory()"])
    }

    @Test func profileWithoutAnExpressionPrintsItsUsage() {
        let capture = run([":profile"], engine: FakeEngine())
        #expect(capture.errors == "usage: :profile expr\n")
    }

    @Test func profilePrintsTheOpTableWithTheHostLine() {
        let capture = run(
            [
                "let a = randn([16, 32], seed: 1)", "let b = randn([32, 8], seed: 2)",
                ":profile (a @ b).relu().sum()",
            ], engine: realEngine())
        let lines = capture.output.split(separator: "\n").map(String.init)
        #expect(capture.errors.isEmpty)
        #expect(lines.first?.hasPrefix("op ") == true)
        #expect(lines.contains { $0.hasPrefix("matmul ") && $0.contains(" 1 ") })
        #expect(lines.contains { $0.hasPrefix("relu ") })
        #expect(lines.contains { $0.hasPrefix("host: interpreter + autograd (not in ops)") })
        #expect(lines.last?.hasPrefix("total") == true)
    }

    @Test func memPrintsTheMemoryTable() {
        let capture = run(["let t = zeros([256, 256])", ":mem"], engine: realEngine())
        let names = capture.output.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        #expect(capture.errors.isEmpty)
        #expect(names == ["tensors", "tape", "parameters", "gradients", "optimizer", "mapped", "peak", "rss"])
    }
}
