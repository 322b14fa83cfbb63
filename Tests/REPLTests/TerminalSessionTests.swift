import Foundation
import Testing

/// The REPL driven for real: the built `lfs` in a pseudo-terminal, keystrokes in, screen
/// text out. Every wait is bounded and the child is killed at the end.
@Suite(.serialized) struct TerminalSessionTests {
    /// A fresh history file per test, so sessions never share state with the user's.
    static func temporaryHistory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "lfs-history-\(UUID().uuidString)"
        ).path
    }

    static func start(history: String = temporaryHistory()) throws -> PseudoTerminal {
        let binary = try #require(LFSBinary.path, "build lfs first (swift build --build-tests)")
        let terminal = try PseudoTerminal(executable: binary, environment: ["LFS_HISTORY": history])
        #expect(terminal.waitFor("lfs> "), "no prompt; output: \(terminal.output)")
        return terminal
    }

    @Test func multiLineInputUsesTheContinuationPrompt() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.send("fn twice(x) {\r")
        #expect(terminal.waitFor("...> "))
        terminal.send("x * 2\r")
        terminal.send("}\r")
        let mark = terminal.mark
        terminal.send("twice(21)\r")
        #expect(terminal.waitFor("42", after: mark), "output: \(terminal.tail(from: mark))")
    }

    @Test func completesAMemberAfterADot() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.enter("let t = zeros([2, 3])")
        let mark = terminal.mark
        // `t.sha` + TAB completes to `t.shape`, whose value shows the completion happened.
        terminal.send("t.sha\t\r")
        #expect(terminal.waitFor("[2, 3]", after: mark), "output: \(terminal.tail(from: mark))")
    }

    @Test func completesALabelInsideACall() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.enter("fn scale(x, factor: 1) { x * factor }")
        let mark = terminal.mark
        // `fac` + TAB completes to the label `factor: `.
        terminal.send("scale(7, fac\t6)\r")
        #expect(terminal.waitFor("42", after: mark), "output: \(terminal.tail(from: mark))")
    }

    @Test func historySurvivesIntoTheNextSession() throws {
        let history = Self.temporaryHistory()
        defer { try? FileManager.default.removeItem(atPath: history) }
        let first = try Self.start(history: history)
        let printed = first.mark
        first.send("print(1000 + 234)\r")
        #expect(first.waitFor("1234", after: printed))
        // Ctrl-D once readline has the terminal again (typed ahead, the line
        // discipline would take it as its own end-of-file).
        #expect(first.waitFor("lfs> ", after: first.lastMatchEnd))
        first.send("\u{04}")
        #expect(first.waitForExit() == 0)
        first.close()
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("print(1000 + 234)"))

        let second = try Self.start(history: history)
        defer { second.close() }
        let mark = second.mark
        second.send("\u{1b}[A\r")  // Up arrow recalls the last entry; Enter runs it again.
        #expect(second.waitFor("1234", after: mark), "output: \(second.tail(from: mark))")
    }

    @Test func ctrlCStopsALoopAndKeepsBindings() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.enter("var kept = 41")
        var mark = terminal.mark
        terminal.send("while true { kept = kept }\r")
        #expect(terminal.waitFor("while true", after: mark))
        usleep(300_000)
        terminal.send("\u{03}")
        #expect(
            terminal.waitFor("interrupted", after: mark), "output: \(terminal.tail(from: mark))")
        #expect(terminal.waitFor("lfs> ", after: mark))
        mark = terminal.mark
        terminal.send("kept + 1\r")
        #expect(terminal.waitFor("42", after: mark), "output: \(terminal.tail(from: mark))")
    }

    @Test func ctrlCTypedRightAfterEnterStopsThatInput() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.enter("var n = 1")
        var mark = terminal.mark
        // Ctrl-C as soon as the line is echoed, without waiting for the loop to start.
        // (In one write with the Enter, the terminal driver would flush the typed line.)
        terminal.send("while true { n = n }\r")
        #expect(terminal.waitFor("n = n }", after: mark))
        terminal.send("\u{03}")
        #expect(
            terminal.waitFor("interrupted", after: mark), "output: \(terminal.tail(from: mark))")
        #expect(terminal.waitFor("lfs> ", after: mark))
        mark = terminal.mark
        terminal.send("n + 1\r")
        #expect(terminal.waitFor("2", after: mark))
    }

    @Test func secondCtrlCWithinASecondQuits() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        // Big matmuls: each runs for a good part of a second inside one tensor op, where
        // only the first Ctrl-C's flag is pending, so the second one must end lfs.
        terminal.enter("let a = ones([4000, 4000])")
        let mark = terminal.mark
        terminal.send("a @ a @ a @ a\r")
        #expect(terminal.waitFor("a @ a @ a @ a", after: mark))
        usleep(200_000)
        terminal.send("\u{03}")
        usleep(100_000)
        terminal.send("\u{03}")
        #expect(terminal.waitForExit(timeout: 20) == 130, "output: \(terminal.tail(from: mark))")
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.send("this is not code")
        #expect(terminal.waitFor("not code"))
        var mark = terminal.mark
        terminal.send("\u{03}")
        #expect(terminal.waitFor("^C", after: mark))
        #expect(terminal.waitFor("lfs> ", after: mark))
        mark = terminal.mark
        terminal.send("6 * 7\r")
        #expect(terminal.waitFor("42", after: mark))
        #expect(!terminal.tail(from: mark).contains("error"))
    }

    @Test func ctrlDLeaves() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.send("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func errorsAbortOnlyTheCurrentInput() throws {
        let terminal = try Self.start()
        defer { terminal.close() }
        terminal.enter("let a = 5")
        var mark = terminal.mark
        terminal.send("a + undefined_name\r")
        #expect(terminal.waitFor("error", after: mark))
        #expect(terminal.waitFor("lfs> ", after: mark))
        mark = terminal.mark
        terminal.send("a * 2\r")
        #expect(terminal.waitFor("10", after: mark))
    }
}
