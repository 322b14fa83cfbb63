import Builtins
import Foundation
import Language
import Testing
@testable import Recipes

/// `lfs train` end to end: a recipe translated and run by the interpreter for a few steps
/// on the embedded model, leaving what LLaMA-Factory's output_dir holds. Needs the stdlib
/// loops (stdlib/train.lfs).
@Suite(.serialized) struct RecipeRunTests {
    static let stdlib = RecipeTestSupport.root + "/stdlib"
    static let hasLoops = FileManager.default.fileExists(atPath: stdlib + "/train.lfs")

    /// Runs an example for three steps into a fresh folder; returns the folder and the output.
    static func run(_ name: String, extra: [String] = []) throws -> (folder: String, output: String) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-recipe-\(name)-\(UUID().uuidString)").path
        let root = RecipeTestSupport.root
        let file = root + "/" + RecipeTestSupport.example(name)
        let program = try Recipe.program(
            file: file,
            overrides: [
                "max_steps=3", "logging_steps=1", "save_steps=2", "output_dir=\(folder)",
                "dataset_dir=\(root)/data",
            ] + extra,
            translator: RecipeTestSupport.translator)
        let interpreter = Interpreter()
        Library.install(into: interpreter)
        interpreter.searchPaths = Interpreter.defaultSearchPaths(stdlib: stdlib)
        nonisolated(unsafe) var output = ""
        interpreter.output = { output += $0 }
        interpreter.errorOutput = { output += $0 }
        _ = try interpreter.run(source: program.code, name: file)
        return (folder, output)
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test(.enabled(if: hasLoops)) func loraSFTWritesAPEFTAdapterAndLogs() throws {
        let (folder, output) = try Self.run("tiny_lora_sft")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.exists(folder + "/adapter_config.json"))
        #expect(Self.exists(folder + "/adapter_model.safetensors"))
        #expect(Self.exists(folder + "/checkpoint-2"))
        let log = try String(contentsOfFile: folder + "/trainer_log.jsonl", encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.last?.contains("\"current_steps\": 3") == true || lines.last?.contains("\"current_steps\":3") == true)
        #expect(output.contains("lfs train: 3 steps"))
    }

    /// `packing: true` end to end: 16 identity examples packed into rows of cutoff_len make
    /// fewer batches than the 8 of two unpacked examples each, and the packed batches (with
    /// their positions) train.
    @Test(.enabled(if: hasLoops)) func packedSFTTrainsOnFewerRows() throws {
        let (folder, output) = try Self.run(
            "tiny_lora_sft",
            extra: ["packing=true", "max_samples=16", "max_steps=-1", "num_train_epochs=1",
                    "per_device_train_batch_size=2"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let steps = output.components(separatedBy: "lfs train: ").last?.split(separator: " ").first.flatMap { Int($0) }
        #expect(steps.map { $0 >= 1 && $0 < 8 } == true, "\(output)")
        #expect(Self.exists(folder + "/adapter_model.safetensors"))
    }

    /// `dataset: a,b` end to end: the two sets, max_samples each, make one epoch.
    @Test(.enabled(if: hasLoops)) func twoDataSetsAreConcatenated() throws {
        let (folder, output) = try Self.run(
            "tiny_lora_sft",
            extra: ["dataset=identity,sft_demo", "max_samples=4", "max_steps=-1", "num_train_epochs=1",
                    "per_device_train_batch_size=2"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(output.contains("lfs train: 4 steps"), "\(output)")
    }

    @Test(.enabled(if: hasLoops)) func dpoRecipeRuns() throws {
        let (folder, output) = try Self.run("tiny_dpo")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.exists(folder + "/adapter_model.safetensors"))
        #expect(Self.exists(folder + "/trainer_log.jsonl"))
        #expect(output.contains("lfs train: 3 steps"))
    }

    /// The bundled kto_demo set through a KTO recipe.
    @Test(.enabled(if: hasLoops)) func ktoRecipeRunsOnTheBundledKTOSet() throws {
        let (folder, output) = try Self.run("tiny_kto")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.exists(folder + "/adapter_model.safetensors"))
        #expect(Self.exists(folder + "/trainer_log.jsonl"))
        #expect(output.contains("lfs train: 3 steps"), "\(output)")
    }

    @Test(.enabled(if: hasLoops)) func freezeRecipeWritesTheFullModel() throws {
        let (folder, _) = try Self.run("tiny_freeze")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.exists(folder + "/config.json"))
        #expect(Self.exists(folder + "/model.safetensors"))
        #expect(!Self.exists(folder + "/adapter_config.json"))
        #expect(Self.exists(folder + "/trainer_log.jsonl"))
    }
}
