import Foundation
import Tensors
import Testing

@testable import Tuning

/// Checkpoints: what is saved comes back exactly, and a write killed half-way leaves the
/// previous checkpoint intact and is ignored when looking for the last one.
@Suite struct CheckpointTests {
    /// Two parameters with gradients, AdamW over them, a cosine schedule.
    final class Run {
        let weight: Tensor
        let bias: Tensor
        let optimizer: AdamW
        let scheduler: LRScheduler
        let generator = RandomGenerator(seed: 7)

        init() throws {
            weight = try Tensor(shape: [2, 2], scalars: [1, -2, 3, 4])
            weight.name = "layer.q_proj.weight"
            bias = Tensor([0.5, -0.5])
            bias.name = "layer.q_proj.bias"
            optimizer = try AdamW(
                parameters: [NamedParameter(tensor: weight, index: 0), NamedParameter(tensor: bias, index: 1)],
                lr: 0.1, weightDecay: 0.01)
            scheduler = LRScheduler(
                try LRSchedule(.cosine, warmupSteps: 1, totalSteps: 10, baseLR: 0.1), optimizer: optimizer)
        }

        /// One step with gradients drawn from the run's generator.
        func step() throws {
            weight.grad = try Tensor.randn([2, 2], generator: generator)
            bias.grad = try Tensor.randn([2], generator: generator)
            try optimizer.step()
            scheduler.step()
            optimizer.zeroGrad()
        }

        var checkpoint: TrainingCheckpoint {
            TrainingCheckpoint(
                parameters: TrainingCheckpoint.uniqueNames([weight, bias]), optimizer: optimizer,
                scheduler: scheduler, generator: generator)
        }

        var values: [Float] { weight.toFloatArray() + bias.toFloatArray() }
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lfs-checkpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func resumingContinuesBitForBit() throws {
        let output = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let straight = try Run()
        for _ in 0..<5 { try straight.step() }

        let first = try Run()
        for _ in 0..<2 { try first.step() }
        let path = try first.checkpoint.save(outputDirectory: output, step: 2, state: "{\"step\": 2}")
        #expect(path == output + "/checkpoint-2")

        let resumed = try Run()  // fresh state, different generator position
        _ = try Tensor.randn([3], generator: resumed.generator)
        let state = try resumed.checkpoint.load(from: path)
        #expect(state == "{\"step\": 2}")
        #expect(resumed.scheduler.stepCount == 2)
        #expect(resumed.optimizer.stepCount == 2)
        for _ in 0..<3 { try resumed.step() }
        #expect(resumed.values == straight.values)
        #expect(resumed.optimizer.stateDict() == straight.optimizer.stateDict())
        #expect(resumed.generator.snapshot == straight.generator.snapshot)
    }

    @Test func aKilledWriteLeavesThePreviousCheckpointIntact() throws {
        let output = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try Run()
        try run.step()
        try run.checkpoint.save(outputDirectory: output, step: 1, state: "{\"step\": 1}")
        let before = try Data(contentsOf: URL(fileURLWithPath: output + "/checkpoint-1/optimizer.safetensors"))
        try run.step()

        struct Killed: Error {}
        // The write dies after the optimizer file: nothing of step 2 may appear.
        #expect(throws: Killed.self) {
            try run.checkpoint.save(outputDirectory: output, step: 2, state: "{}") { file in
                if file == TrainingCheckpoint.optimizerName { throw Killed() }
            }
        }
        // Rewriting step 1 dies too: the old checkpoint-1 must survive unchanged.
        #expect(throws: Killed.self) {
            try run.checkpoint.save(outputDirectory: output, step: 1, state: "{}") { file in
                if file == CheckpointFolder.stateFileName { throw Killed() }
            }
        }
        #expect(CheckpointFolder.latest(in: output)?.step == 1)
        let after = try Data(contentsOf: URL(fileURLWithPath: output + "/checkpoint-1/optimizer.safetensors"))
        #expect(before == after)
        let names = try FileManager.default.contentsOfDirectory(atPath: output)
        #expect(names == ["checkpoint-1"])
    }

    @Test func leftoversOfAKilledProcessAreIgnored() throws {
        let output = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try Run()
        try run.step()
        try run.checkpoint.save(outputDirectory: output, step: 1, state: "{\"step\": 1}")
        // What a process killed mid-write leaves: a temporary folder with some files, and
        // a hand-made folder without trainer_state.json.
        let manager = FileManager.default
        let temporary = output + "/.checkpoint-2.tmp-4242-deadbeef"
        try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: temporary + "/trainable.safetensors"))
        try manager.createDirectory(atPath: output + "/checkpoint-3", withIntermediateDirectories: false)
        try manager.createDirectory(atPath: output + "/checkpoint-x9", withIntermediateDirectories: false)
        #expect(CheckpointFolder.list(in: output).map(\.step) == [1])
        #expect(CheckpointFolder.latest(in: output)?.path == output + "/checkpoint-1")

        CheckpointFolder.clean(output, checkpoints: false)
        #expect(!manager.fileExists(atPath: temporary))
        #expect(manager.fileExists(atPath: output + "/checkpoint-1"))
        CheckpointFolder.clean(output, checkpoints: true)
        #expect(!manager.fileExists(atPath: output + "/checkpoint-1"))
    }

    @Test func aCheckpointThatDoesNotFitIsAClearError() throws {
        let output = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try Run()
        try run.step()
        let path = try run.checkpoint.save(outputDirectory: output, step: 1, state: "{}")
        let other = try Tensor(zeros: [3])
        other.name = "layer.q_proj.bias"
        let mismatched = TrainingCheckpoint(
            parameters: TrainingCheckpoint.uniqueNames([run.weight, other]))
        #expect(
            throws: CheckpointError.invalid(
                path: path + "/trainable.safetensors",
                reason: "'layer.q_proj.bias' has shape [2], the model's is [3]")
        ) { try mismatched.load(from: path) }
        let missing = try Tensor(zeros: [2])
        missing.name = "other"
        #expect(throws: CheckpointError.self) {
            try TrainingCheckpoint(parameters: TrainingCheckpoint.uniqueNames([missing])).load(from: path)
        }
    }
}
