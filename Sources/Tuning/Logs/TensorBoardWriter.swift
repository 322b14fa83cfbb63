import Foundation

/// Writes scalar summaries to a TensorBoard event file,
/// `<directory>/events.out.tfevents.<seconds>.<host>`, starting with the
/// `brain.Event:2` file-version event. Each event is appended and flushed as it comes,
/// so a crashed run keeps every event logged before the crash.
public final class TensorBoardWriter {
    /// The event file's path.
    public let path: String
    private let handle: FileHandle
    private let clock: () -> Double

    /// Creates the directory if needed and the event file with its header event.
    /// - Parameters:
    ///   - directory: the log directory (`output_dir/runs` or any folder TensorBoard reads).
    ///   - hostname: the host part of the file name (the machine's name by default).
    ///   - clock: seconds since 1970; the tests pass a fake one.
    /// - Throws: `TensorBoardError.io` when the folder or file cannot be created.
    public init(
        directory: String, hostname: String = ProcessInfo.processInfo.hostName,
        clock: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.io(path: directory, reason: "cannot create the folder")
        }
        let now = clock()
        let base = (directory as NSString).appendingPathComponent(
            "events.out.tfevents.\(String(format: "%010d", Int(now))).\(hostname)")
        var candidate = base
        var suffix = 1
        while manager.fileExists(atPath: candidate) {
            suffix += 1
            candidate = "\(base).\(suffix)"
        }
        guard manager.createFile(atPath: candidate, contents: nil),
            let handle = FileHandle(forWritingAtPath: candidate)
        else {
            throw TensorBoardError.io(path: candidate, reason: "cannot create the event file")
        }
        self.path = candidate
        self.handle = handle
        self.clock = clock
        try write(TensorBoardEvent(wallTime: now, step: 0, fileVersion: "brain.Event:2"))
    }

    deinit { try? handle.close() }

    /// Appends one scalar.
    /// - Parameters:
    ///   - tag: the series name (`train/loss`).
    ///   - value: the value (stored as a 32-bit float).
    ///   - step: the training step.
    /// - Throws: `TensorBoardError.io` when the write fails.
    public func addScalar(_ tag: String, _ value: Double, step: Int) throws {
        try addScalars([(tag, value)], step: step)
    }

    /// Appends several scalars of one step as one event.
    /// - Parameters:
    ///   - values: tags and values.
    ///   - step: the training step.
    /// - Throws: `TensorBoardError.io` when the write fails.
    public func addScalars(_ values: [(String, Double)], step: Int) throws {
        let scalars = values.map { TensorBoardEvent.Scalar(tag: $0.0, value: Float($0.1)) }
        try write(TensorBoardEvent(wallTime: clock(), step: Int64(step), scalars: scalars))
    }

    private func write(_ event: TensorBoardEvent) throws {
        do {
            try handle.write(contentsOf: Data(TFRecord.frame(event.encoded())))
            try handle.synchronize()
        } catch {
            throw TensorBoardError.io(path: path, reason: "write failed: \(error)")
        }
    }
}
