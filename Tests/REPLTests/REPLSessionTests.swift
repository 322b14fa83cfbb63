import Testing

@testable import REPL

@Suite struct REPLSessionTests {
    final class Capture {
        var output = ""
        var errors = ""
    }

    func session(_ inputs: [LineInput], interactive: Bool = false)
        -> (REPLSession, FakeEngine, ScriptedReader, Capture)
    {
        let engine = FakeEngine()
        let reader = ScriptedReader(inputs, interactive: interactive)
        let capture = Capture()
        let session = REPLSession(
            engine: engine, reader: reader, output: { capture.output += $0 },
            errors: { capture.errors += $0 })
        return (session, engine, reader, capture)
    }

    @Test func printsValuesAndKeepsBindings() {
        let (session, _, _, capture) = session([.line("a = 5"), .line("a")])
        #expect(session.run() == .success)
        #expect(capture.output == "5\n")
    }

    @Test func asksForMoreWhileIncomplete() {
        let (session, engine, reader, _) = session([.line("f(1,"), .line("2)"), .line("x")])
        _ = session.run()
        #expect(engine.evaluated == ["f(1,\n2)", "x"])
        #expect(reader.prompts == ["lfs> ", "...> ", "lfs> ", "lfs> "])
        #expect(reader.history == ["f(1,", "2)", "x"])
    }

    @Test func ctrlCDropsTheUnfinishedInput() {
        let (session, engine, _, _) = session([.line("f(1,"), .cancelled, .line("y")])
        _ = session.run()
        #expect(engine.evaluated == ["y"])
    }

    @Test func errorsGoToTheErrorSinkAndSetTheStatus() {
        let (session, _, _, capture) = session([.line("fail"), .line("ok")])
        #expect(session.run() == .programError)
        #expect(capture.errors == "<input>:1:1: error: failed\n")
        #expect(capture.output == "ok\n")
        let (interactive, _, _, _) = self.session([.line("fail")], interactive: true)
        #expect(interactive.run() == .success)
    }

    @Test func commands() {
        let (session, engine, _, capture) = session([
            .line("a = 1"), .line(":vars"), .line(":reset"), .line(":vars"),
            .line(":help zeros"), .line(":load x.lfs"), .line(":q"), .line("never"),
        ])
        #expect(session.run() == .success)
        #expect(!engine.evaluated.contains("never"))
        #expect(
            capture.output
                == "a = 1\n(bindings cleared)\n(no bindings)\nhelp on zeros\nloaded x.lfs\n")
    }

    @Test func timeShowsTheValueAndADuration() {
        let (session, _, _, capture) = session([.line(":time 42")])
        _ = session.run()
        #expect(capture.output.hasPrefix("42\ntime: "))
    }

    @Test func unknownCommand() {
        let (session, _, _, capture) = session([.line(":nope")])
        #expect(session.run() == .programError)
        #expect(capture.errors == "unknown command ':nope' (try :help)\n")
    }

    @Test func helpListsEveryCommand() {
        let (session, _, _, capture) = session([.line(":help")])
        _ = session.run()
        for name in ["help", "load", "time", "vars", "reset", "quit"] {
            #expect(capture.output.contains(":\(name)"))
        }
    }

    @Test func laterCommandsAreOneEntry() {
        let (session, _, _, capture) = session([.line(":graph x")])
        session.commands.register(
            REPLCommand(name: "graph", usage: "expr", summary: "draw", argument: .expression) {
                session, argument in
                session.writeLine("graph of \(argument)")
                return .proceed
            })
        _ = session.run()
        #expect(capture.output == "graph of x\n")
    }
}
