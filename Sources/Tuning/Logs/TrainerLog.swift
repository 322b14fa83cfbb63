import Foundation

/// One line of LLaMA-Factory's `trainer_log.jsonl` (llamafactory/train/callbacks.py
/// `LogCallback.on_log`), with its keys in its order; absent values are left out.
public struct TrainerLogEntry: Equatable, Sendable {
    /// The optimizer steps done.
    public var currentSteps: Int
    /// The planned steps.
    public var totalSteps: Int
    /// The training loss of the logging interval.
    public var loss: Double?
    /// The evaluation loss, on evaluation lines.
    public var evalLoss: Double?
    /// The reward (reward-model and preference training).
    public var reward: Double?
    /// The preference accuracy.
    public var accuracy: Double?
    /// The learning rate.
    public var lr: Double?
    /// The fractional epoch.
    public var epoch: Double?
    /// `round(current / total * 100, 2)`, or 100 without a total.
    public var percentage: Double
    /// Elapsed time as Python's `str(timedelta)`: `0:01:05`.
    public var elapsedTime: String
    /// Remaining time at the average step time so far, same format.
    public var remainingTime: String
    /// Tokens per second, when tokens are counted.
    public var throughput: Double?
    /// Tokens seen, when counted.
    public var totalTokens: Int?

    /// The JSON object on one line, as Python's `json.dumps` writes it (`", "` and `": "`
    /// separators, shortest float representations).
    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("current_steps", "\(currentSteps)"), ("total_steps", "\(totalSteps)"),
        ]
        func add(_ key: String, _ value: Double?) {
            if let value { fields.append((key, Self.pythonFloat(value))) }
        }
        add("loss", loss)
        add("eval_loss", evalLoss)
        add("reward", reward)
        add("accuracy", accuracy)
        add("lr", lr)
        add("epoch", epoch)
        add("percentage", percentage)
        fields.append(("elapsed_time", "\"\(elapsedTime)\""))
        fields.append(("remaining_time", "\"\(remainingTime)\""))
        add("throughput", throughput)
        if let totalTokens { fields.append(("total_tokens", "\(totalTokens)")) }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// Python's float repr: shortest round-trip digits, `NaN` and `Infinity` as json.dumps.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }

    /// Python's `str(timedelta(seconds=int(seconds)))`: `H:MM:SS`, with `N day(s), `
    /// in front past a day.
    public static func timedelta(_ seconds: Double) -> String {
        let total = Int(seconds.isFinite ? seconds : 0)
        let days = total / 86_400
        let rest = total % 86_400
        let clock = String(format: "%d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60)
        if days == 0 { return clock }
        return "\(days) day\(days == 1 ? "" : "s"), \(clock)"
    }
}

/// Appends `TrainerLogEntry` lines to `<directory>/trainer_log.jsonl`, timing the run
/// from its creation as LLaMA-Factory's `LogCallback` does.
public final class TrainerLog {
    /// The log file's path.
    public let path: String
    /// The planned number of steps.
    public let totalSteps: Int
    private let start: Double
    private let clock: () -> Double

    /// Opens the log, creating the directory.
    /// - Parameters:
    ///   - directory: the output directory.
    ///   - totalSteps: the planned steps (for percentage and remaining time).
    ///   - overwrite: remove an existing log first (`overwrite_output_dir`); otherwise new
    ///     lines are appended, as on resume.
    ///   - clock: seconds since 1970; the tests pass a fake one.
    /// - Throws: `TensorBoardError.io` when the folder cannot be created.
    public init(
        directory: String, totalSteps: Int, overwrite: Bool = false,
        clock: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.io(path: directory, reason: "cannot create the folder")
        }
        path = (directory as NSString).appendingPathComponent("trainer_log.jsonl")
        if overwrite && manager.fileExists(atPath: path) {
            try? manager.removeItem(atPath: path)
        }
        self.totalSteps = totalSteps
        self.clock = clock
        self.start = clock()
    }

    /// Makes the entry for `step` with the timing fields filled in, and appends it.
    /// - Parameters:
    ///   - step: the optimizer steps done.
    ///   - loss, evalLoss, reward, accuracy, lr, epoch: the values to log, where known.
    ///   - totalTokens: tokens seen so far, giving `throughput`.
    /// - Returns: the entry written.
    /// - Throws: `TensorBoardError.io` when the append fails.
    @discardableResult
    public func log(
        step: Int, loss: Double? = nil, evalLoss: Double? = nil, reward: Double? = nil,
        accuracy: Double? = nil, lr: Double? = nil, epoch: Double? = nil, totalTokens: Int? = nil
    ) throws -> TrainerLogEntry {
        let elapsed = clock() - start
        let perStep = step != 0 ? elapsed / Double(step) : 0
        let remaining = Double(totalSteps - step) * perStep
        let percentage =
            totalSteps != 0 ? (Double(step) / Double(totalSteps) * 100 * 100).rounded() / 100 : 100
        let entry = TrainerLogEntry(
            currentSteps: step, totalSteps: totalSteps, loss: loss, evalLoss: evalLoss,
            reward: reward, accuracy: accuracy, lr: lr, epoch: epoch, percentage: percentage,
            elapsedTime: TrainerLogEntry.timedelta(elapsed),
            remainingTime: TrainerLogEntry.timedelta(remaining),
            throughput: totalTokens.map {
                elapsed > 0 ? (Double($0) / elapsed * 100).rounded() / 100 : 0
            }, totalTokens: totalTokens)
        try append(entry.jsonLine + "\n")
        return entry
    }

    private func append(_ line: String) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) && !manager.createFile(atPath: path, contents: nil) {
            throw TensorBoardError.io(path: path, reason: "cannot create the log")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TensorBoardError.io(path: path, reason: "cannot open the log")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } catch {
            throw TensorBoardError.io(path: path, reason: "write failed: \(error)")
        }
    }
}
