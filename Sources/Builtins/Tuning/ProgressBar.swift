import Foundation
import Tuning

/// A training progress display: on a terminal one line redrawn in place (step/total, a
/// bar, loss, learning rate, tokens/s, ETA), otherwise a plain log line every `every`
/// steps. It only formats text; the caller writes it where output goes.
final class ProgressBar {
    /// The step count at 100%.
    let total: Int
    /// The label in front (`train`).
    let label: String
    /// Whether to redraw one line in place (a terminal) or print log lines.
    let terminal: Bool
    /// Plain mode prints every this many steps (and the last one).
    let every: Int
    /// The step the bar started at (a resumed run), for the rate and the ETA.
    let initial: Int
    private let clock: () -> Double
    private let start: Double
    private var tokens = 0
    /// The last step drawn.
    private(set) var step: Int
    /// Whether a line is drawn and not ended yet (terminal mode).
    private var drawn = false

    /// - Parameters:
    ///   - total: the planned steps.
    ///   - label: the text in front of the bar.
    ///   - terminal: redraw in place rather than print lines.
    ///   - every: plain mode's interval.
    ///   - initial: the step to start from.
    ///   - clock: seconds since 1970; tests pass a fake one.
    init(
        total: Int, label: String, terminal: Bool, every: Int, initial: Int = 0,
        clock: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.total = max(total, 0)
        self.label = label
        self.terminal = terminal
        self.every = max(every, 1)
        self.initial = initial
        self.step = initial
        self.clock = clock
        self.start = clock()
    }

    /// Records step `step` and returns the text to write, or nil when nothing is due.
    /// - Parameters:
    ///   - step: the steps done.
    ///   - loss: the step's loss.
    ///   - lr: the learning rate.
    ///   - tokens: the tokens the step trained on (for tokens/s).
    func update(step: Int, loss: Double?, lr: Double?, tokens: Int?) -> String? {
        self.step = step
        self.tokens += tokens ?? 0
        let text = line(loss: loss, lr: lr)
        if terminal {
            drawn = true
            return "\r\u{1B}[2K" + text
        }
        guard step % every == 0 || step == total else { return nil }
        return text + "\n"
    }

    /// The text that prints `message` on its own line without breaking the bar.
    func message(_ message: String) -> String {
        guard terminal, drawn else { return message + "\n" }
        drawn = false
        return "\r\u{1B}[2K" + message + "\n"
    }

    /// Ends the bar: a newline after a drawn terminal line, else nothing.
    func close() -> String? {
        guard terminal, drawn else { return nil }
        drawn = false
        return "\n"
    }

    /// The status text for the current step.
    func line(loss: Double?, lr: Double?) -> String {
        let elapsed = max(clock() - start, 0)
        let done = step - initial
        let width = String(total).count
        var parts: [String] = []
        let counter = String(repeating: " ", count: max(0, width - String(step).count)) + "\(step)/\(total)"
        if terminal {
            let fraction = total > 0 ? min(max(Double(step) / Double(total), 0), 1) : 1
            let cells = 24
            let filled = Int((fraction * Double(cells)).rounded(.down))
            let bar = String(repeating: "=", count: filled)
                + (filled < cells ? ">" + String(repeating: " ", count: cells - filled - 1) : "")
            let percent = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
            parts.append((label.isEmpty ? "" : label + " ") + "\(percent) [\(bar)] \(counter)")
        } else {
            parts.append((label.isEmpty ? "" : label + " ") + "step \(counter)")
        }
        if let loss { parts.append("loss " + String(format: "%.4f", loss)) }
        if let lr { parts.append("lr " + String(format: "%.2e", lr)) }
        if tokens > 0, elapsed > 0 { parts.append(String(format: "%.0f tok/s", Double(tokens) / elapsed)) }
        if done > 0, total > step {
            let remaining = elapsed / Double(done) * Double(total - step)
            parts.append("eta " + TrainerLogEntry.timedelta(remaining))
        } else if done > 0 {
            parts.append("elapsed " + TrainerLogEntry.timedelta(elapsed))
        }
        return parts.joined(separator: "  ")
    }
}
