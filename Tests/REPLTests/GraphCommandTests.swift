import Testing

@testable import REPL

/// `:graph expr [file]`: what it asks the engine to evaluate and what it prints.
@Suite struct GraphCommandTests {
    final class Capture {
        var output = ""
        var errors = ""
    }

    func run(_ line: String, interactive: Bool) -> (FakeEngine, Capture) {
        let engine = FakeEngine()
        let capture = Capture()
        let session = REPLSession(
            engine: engine, reader: ScriptedReader([.line(line)], interactive: interactive),
            output: { capture.output += $0 }, errors: { capture.errors += $0 })
        _ = session.run()
        return (engine, capture)
    }

    @Test func rendersToTheNamedFileAndPrintsItOnATerminal() {
        let (engine, capture) = run(":graph loss out/step.png", interactive: true)
        #expect(engine.evaluated == ["graph((loss), \"out/step.png\")"])
        #expect(capture.output.hasPrefix("out/step.png\n"))
    }

    @Test func withoutAFileWritesATemporarySVG() {
        let (engine, capture) = run(":graph model", interactive: false)
        let source = try? #require(engine.evaluated.first)
        #expect(source?.hasPrefix("graph((model), \"") == true)
        #expect(source?.hasSuffix(".svg\")") == true)
        #expect(capture.output.isEmpty)  // not a terminal: nothing printed
    }

    @Test(arguments: [
        ("a + b", "a + b", nil as String?),
        ("x out.svg", "x", "out.svg"),
        ("x \"my graph.pdf\"", "x", "my graph.pdf"),
        ("f(a, b)", "f(a, b)", nil),
        ("x.svg", "x.svg", nil),
        ("t.sum() g.DOT", "t.sum()", "g.DOT"),
    ])
    func splitsTheFileFromTheExpression(argument: String, expression: String, file: String?) {
        let split = GraphCommand.split(argument)
        #expect(split.expression == expression)
        #expect(split.file == file)
    }

    @Test func usageWithoutAnExpression() {
        let (_, capture) = run(":graph", interactive: true)
        #expect(capture.errors == "usage: :graph expr [file]\n")
    }

    @Test func pathsWithBracesAndQuotesStayLiteral() {
        #expect(GraphCommand.stringLiteral("a{b}\"c\\") == "\"a{{b}}\\\"c\\\\\"")
    }
}
