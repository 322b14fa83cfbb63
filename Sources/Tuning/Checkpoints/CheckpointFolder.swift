import Foundation

/// Where a training run keeps its checkpoints, as transformers' Trainer does:
/// `output_dir/checkpoint-N` after N optimizer steps. Each checkpoint is written whole
/// into a hidden temporary sibling (`.checkpoint-N.tmp-<pid>-<id>`) and renamed into
/// place, so a write killed half-way leaves the previous checkpoints intact and only a
/// temporary folder behind, which ``list(in:)`` never reports.
public enum CheckpointFolder {
    /// The folder name's prefix: `checkpoint-20`.
    public static let prefix = "checkpoint-"
    /// The file written last into a checkpoint; a folder without it is not a checkpoint.
    public static let stateFileName = "trainer_state.json"

    /// `output_dir/checkpoint-step`.
    public static func path(outputDirectory: String, step: Int) -> String {
        (outputDirectory as NSString).appendingPathComponent("\(prefix)\(step)")
    }

    /// Writes a checkpoint atomically: `fill` writes every file into a fresh temporary
    /// folder, which is then renamed to `checkpoint-step`. An existing checkpoint of the
    /// same step is replaced only once the new one is complete.
    /// - Parameters:
    ///   - outputDirectory: the run's folder (created if missing).
    ///   - step: the optimizer steps done.
    ///   - fill: writes the checkpoint's files into the folder it is given.
    /// - Returns: the checkpoint's path.
    /// - Throws: `CheckpointError.io` for file-system failures; whatever `fill` throws
    ///   (the temporary folder is then removed).
    @discardableResult
    public static func write(
        outputDirectory: String, step: Int, fill: (String) throws -> Void
    ) throws -> String {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.io(path: outputDirectory, reason: "cannot create the folder")
        }
        let final = path(outputDirectory: outputDirectory, step: step)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        let temporary = (outputDirectory as NSString).appendingPathComponent(
            ".\(prefix)\(step).tmp-\(token)")
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw CheckpointError.io(path: temporary, reason: "cannot create the folder")
        }
        do {
            try fill(temporary)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
        // Replace an existing checkpoint of this step only after the new one is whole.
        var displaced: String?
        if manager.fileExists(atPath: final) {
            let old = (outputDirectory as NSString).appendingPathComponent(
                ".\(prefix)\(step).old-\(token)")
            guard rename(final, old) == 0 else {
                try? manager.removeItem(atPath: temporary)
                throw CheckpointError.io(path: final, reason: "cannot move the old checkpoint aside")
            }
            displaced = old
        }
        guard rename(temporary, final) == 0 else {
            if let displaced { _ = rename(displaced, final) }
            try? manager.removeItem(atPath: temporary)
            throw CheckpointError.io(path: final, reason: "cannot rename the checkpoint into place")
        }
        if let displaced { try? manager.removeItem(atPath: displaced) }
        return final
    }

    /// The complete checkpoints in `outputDirectory` (folders named `checkpoint-N` that
    /// hold a `trainer_state.json`), by step; temporary folders are ignored.
    public static func list(in outputDirectory: String) -> [(step: Int, path: String)] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: outputDirectory) else { return [] }
        return names.compactMap { name -> (step: Int, path: String)? in
            guard name.hasPrefix(prefix), let step = Int(name.dropFirst(prefix.count)), step >= 0,
                "\(prefix)\(step)" == name
            else { return nil }
            let folder = (outputDirectory as NSString).appendingPathComponent(name)
            let state = (folder as NSString).appendingPathComponent(stateFileName)
            return manager.fileExists(atPath: state) ? (step, folder) : nil
        }.sorted { $0.step < $1.step }
    }

    /// The checkpoint with the most steps, as transformers' `get_last_checkpoint`.
    public static func latest(in outputDirectory: String) -> (step: Int, path: String)? {
        list(in: outputDirectory).last
    }

    /// Removes temporary folders left by killed writes and every checkpoint (for a run
    /// that starts over).
    /// - Parameter checkpoints: also remove the complete checkpoints.
    public static func clean(_ outputDirectory: String, checkpoints: Bool) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: outputDirectory) else { return }
        for name in names {
            let leftover = name.hasPrefix("." + prefix)
            let complete = name.hasPrefix(prefix) && Int(name.dropFirst(prefix.count)) != nil
            if leftover || (checkpoints && complete) {
                try? manager.removeItem(atPath: (outputDirectory as NSString).appendingPathComponent(name))
            }
        }
    }
}

/// What can go wrong writing or reading a checkpoint.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file-system failure.
    case io(path: String, reason: String)
    /// A checkpoint file that is missing or does not fit the run (named by path and field).
    case invalid(path: String, reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .invalid(let path, let reason): return "\(path): \(reason)"
        }
    }
}
