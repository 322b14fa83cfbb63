import Testing

@testable import Builtins

/// The progress bar's text, with a fake clock: redrawn in place on a terminal, a plain
/// line every `every` steps otherwise.
@Suite struct ProgressBarTests {
    final class Clock {
        var now = 1000.0
    }

    @Test func terminalModeRedrawsOneLine() {
        let clock = Clock()
        let bar = ProgressBar(total: 10, label: "sft", terminal: true, every: 5, clock: { clock.now })
        clock.now += 2
        let first = bar.update(step: 1, loss: 2.5, lr: 1e-3, tokens: 200)
        #expect(
            first == "\r\u{1B}[2Ksft  10% [==>                     ]  1/10  loss 2.5000  lr 1.00e-03  100 tok/s  eta 0:00:18")
        clock.now += 2
        let second = bar.update(step: 2, loss: 2.0, lr: nil, tokens: 200) ?? ""
        #expect(second.hasPrefix("\r\u{1B}[2Ksft  20% [====>"))
        #expect(second.hasSuffix(" 2/10  loss 2.0000  100 tok/s  eta 0:00:16"))
        #expect(bar.message("eval loss 1.5") == "\r\u{1B}[2Keval loss 1.5\n")
        _ = bar.update(step: 10, loss: 1.0, lr: nil, tokens: nil)
        #expect(bar.close() == "\n")
        #expect(bar.close() == nil)
    }

    @Test func plainModePrintsEveryNSteps() {
        let clock = Clock()
        let bar = ProgressBar(total: 7, label: "pt", terminal: false, every: 3, clock: { clock.now })
        var printed: [String] = []
        for step in 1...7 {
            clock.now += 1
            if let text = bar.update(step: step, loss: Double(step), lr: 0.5, tokens: 10) {
                printed.append(text)
            }
        }
        #expect(
            printed == [
                "pt step 3/7  loss 3.0000  lr 5.00e-01  10 tok/s  eta 0:00:04\n",
                "pt step 6/7  loss 6.0000  lr 5.00e-01  10 tok/s  eta 0:00:01\n",
                "pt step 7/7  loss 7.0000  lr 5.00e-01  10 tok/s  elapsed 0:00:07\n",
            ])
        #expect(bar.message("hello") == "hello\n")
        #expect(bar.close() == nil)
    }

    @Test func aResumedBarCountsFromItsFirstStep() {
        let clock = Clock()
        let bar = ProgressBar(total: 20, label: "", terminal: false, every: 1, initial: 10, clock: { clock.now })
        clock.now += 5
        // One step done in 5 s since the resume: 9 more take 45 s.
        #expect(bar.update(step: 11, loss: nil, lr: nil, tokens: nil) == "step 11/20  eta 0:00:45\n")
    }

    @Test func theProgressBuiltinWritesThroughTheOutput() {
        let outcome = ScriptRunner.run(
            """
            let p = progress(3, desc: "demo", every: 2, terminal: false)
            for step in 1...3 { p.update(step, loss: 1.0 / step) }
            p.write("done")
            p.close()
            print(p)
            """)
        #expect(outcome.error == nil)
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("demo step 2/3  loss 0.5000"))
        #expect(lines[1].hasPrefix("demo step 3/3  loss 0.3333"))
        #expect(lines[2] == "done")
        #expect(lines[3] == "Progress(3/3)")
    }
}
