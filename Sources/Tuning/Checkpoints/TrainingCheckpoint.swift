import Foundation
import Models
import Tensors

/// Everything a training run needs to continue exactly where it stopped, and how it is
/// laid out in a `checkpoint-N` folder (names after transformers' Trainer):
///
/// | file | contents |
/// |---|---|
/// | `adapter_model.safetensors`, `adapter_config.json` | each adapter in PEFT's format (`default` at the top, others in a subfolder named after them) |
/// | `trainable.safetensors` | every trainable tensor by name, in its dtype |
/// | `optimizer.safetensors` | the optimizer's moments and buffers per slot; its counters, group lrs and weight decays in the metadata |
/// | `scheduler.json` | the scheduler's counters |
/// | `rng_state.json` | the global generator's Philox key and counter offset |
/// | `trainer_state.json` | the loop's own state (step, epoch, batch, losses ...), written last |
public struct TrainingCheckpoint {
    /// The trainable tensors with unique names (see ``uniqueNames(_:)``).
    public var parameters: [(String, Tensor)]
    /// The adapters to save in PEFT's format (for the user; resuming reads `parameters`).
    public var adapters: [any Adapter]
    /// The optimizer, if the run has one.
    public var optimizer: Optimizer?
    /// The scheduler, if the run has one.
    public var scheduler: LRScheduler?
    /// The generator whose state is saved and restored (dropout, NEFTune).
    public var generator: RandomGenerator

    /// File names inside a checkpoint folder.
    public static let parametersName = "trainable.safetensors"
    /// The optimizer's file.
    public static let optimizerName = "optimizer.safetensors"
    /// The scheduler's file.
    public static let schedulerName = "scheduler.json"
    /// The generator's file.
    public static let rngName = "rng_state.json"

    /// Gathers what a checkpoint holds.
    public init(
        parameters: [(String, Tensor)], adapters: [any Adapter] = [], optimizer: Optimizer? = nil,
        scheduler: LRScheduler? = nil, generator: RandomGenerator = .global
    ) {
        self.parameters = parameters
        self.adapters = adapters
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.generator = generator
    }

    /// Names tensors for the parameters file: each tensor's own name, or `param.<i>` when
    /// it has none or the name is taken (two adapters can share PEFT key names).
    public static func uniqueNames(_ tensors: [Tensor]) -> [(String, Tensor)] {
        var seen = Set<String>()
        return tensors.enumerated().map { index, tensor in
            var name = tensor.name ?? "param.\(index)"
            if !seen.insert(name).inserted {
                name = "param.\(index)"
                seen.insert(name)
            }
            return (name, tensor)
        }
    }

    // MARK: Saving

    /// Writes `output_dir/checkpoint-step` atomically (see ``CheckpointFolder``).
    /// - Parameters:
    ///   - outputDirectory: the run's folder.
    ///   - step: the optimizer steps done.
    ///   - state: the loop's state as JSON text, written last as `trainer_state.json`.
    ///   - afterFile: called after each file (tests use it to simulate a killed write).
    /// - Returns: the checkpoint's path.
    /// - Throws: `CheckpointError`, safetensors and adapter errors.
    @discardableResult
    public func save(
        outputDirectory: String, step: Int, state: String, afterFile: (String) throws -> Void = { _ in }
    ) throws -> String {
        try CheckpointFolder.write(outputDirectory: outputDirectory, step: step) { folder in
            func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
            for adapter in adapters {
                try adapter.save(to: adapter.name == "default" ? folder : file(adapter.name))
                try afterFile("adapter \(adapter.name)")
            }
            try SafetensorsWriter.write(
                parameters.map { try SafetensorsEntry(name: $0.0, tensor: $0.1) },
                to: file(Self.parametersName))
            try afterFile(Self.parametersName)
            if let optimizer {
                let saved = optimizer.stateDict()
                let entries = try saved.tensors.map { key, buffer in
                    try SafetensorsEntry(
                        name: key, tensor: Tensor(shape: buffer.shape, scalars: buffer.values))
                }
                try SafetensorsWriter.write(entries, to: file(Self.optimizerName), metadata: saved.metadata)
                try afterFile(Self.optimizerName)
            }
            if let scheduler {
                try Self.writeJSON(
                    scheduler.stateDict().mapValues { "\($0)" }, to: file(Self.schedulerName))
                try afterFile(Self.schedulerName)
            }
            let snapshot = generator.snapshot
            try Self.writeJSON(
                ["seed": "\(snapshot.seed)", "offset": "\(snapshot.offset)"], to: file(Self.rngName))
            try afterFile(Self.rngName)
            try Self.write(Data(state.utf8), to: file(CheckpointFolder.stateFileName))
            try afterFile(CheckpointFolder.stateFileName)
        }
    }

    // MARK: Loading

    /// Restores the parameters, optimizer, scheduler and generator from a checkpoint
    /// folder. Everything is read and checked before anything changes.
    /// - Parameter folder: a `checkpoint-N` folder.
    /// - Returns: the text of its `trainer_state.json`.
    /// - Throws: `CheckpointError.invalid` naming the file and the field that does not fit;
    ///   optimizer and scheduler errors.
    public func load(from folder: String) throws -> String {
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let stateText = try Self.readText(file(CheckpointFolder.stateFileName))
        // Parameters: every tensor of the run must be in the file with its shape.
        let weightsPath = file(Self.parametersName)
        let weights = try Self.open(weightsPath)
        var staged: [(Tensor, Tensor)] = []
        for (name, tensor) in parameters {
            guard weights.contains(name) else {
                throw CheckpointError.invalid(path: weightsPath, reason: "no tensor '\(name)' (was the model set up the same way?)")
            }
            let saved = try weights.tensor(name, copy: true)
            guard saved.shape == tensor.shape else {
                throw CheckpointError.invalid(
                    path: weightsPath, reason: "'\(name)' has shape \(saved.shape), the model's is \(tensor.shape)")
            }
            staged.append((tensor, saved))
        }
        var optimizerState: OptimizerState?
        if optimizer != nil {
            let path = file(Self.optimizerName)
            let stored = try Self.open(path)
            var buffers: [String: OptimizerState.Buffer] = [:]
            for name in stored.names {
                let info = try stored.info(name)
                buffers[name] = OptimizerState.Buffer(shape: info.shape, values: try stored.floats(of: name))
            }
            do {
                optimizerState = try OptimizerState(tensors: buffers, metadata: stored.metadata)
            } catch {
                throw CheckpointError.invalid(path: path, reason: "\(error)")
            }
        }
        var schedulerState: [String: Double]?
        if scheduler != nil {
            let path = file(Self.schedulerName)
            schedulerState = try Self.readJSON(path).mapValues { text in
                guard let value = Double(text) else {
                    throw CheckpointError.invalid(path: path, reason: "'\(text)' is not a number")
                }
                return value
            }
        }
        let rngPath = file(Self.rngName)
        let rng = try Self.readJSON(rngPath)
        guard let seed = rng["seed"].flatMap({ UInt64($0) }), let offset = rng["offset"].flatMap({ UInt64($0) }) else {
            throw CheckpointError.invalid(path: rngPath, reason: "'seed' and 'offset' must be unsigned integers")
        }
        // Everything read: install it. The optimizer checks its own state before changing.
        if let optimizer, let optimizerState { try optimizer.loadStateDict(optimizerState) }
        if let scheduler, let schedulerState { try scheduler.loadStateDict(schedulerState) }
        for (tensor, saved) in staged { try tensor.copy(from: saved) }
        generator.restore(seed: seed, offset: offset)
        return stateText
    }

    // MARK: Files

    static func open(_ path: String) throws -> SafetensorsFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CheckpointError.invalid(path: path, reason: "missing")
        }
        return try SafetensorsFile(path: path)
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CheckpointError.io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func writeJSON(_ values: [String: String], to path: String) throws {
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys, .prettyPrinted])
        } catch {
            throw CheckpointError.io(path: path, reason: "cannot encode: \(error.localizedDescription)")
        }
        try write(data, to: path)
    }

    static func readText(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CheckpointError.invalid(path: path, reason: "missing or unreadable")
        }
        return text
    }

    static func readJSON(_ path: String) throws -> [String: String] {
        let text = try readText(path)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let values = object as? [String: String]
        else {
            throw CheckpointError.invalid(path: path, reason: "not a JSON object of strings")
        }
        return values
    }
}
