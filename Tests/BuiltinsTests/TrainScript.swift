import Builtins
import Foundation
import Language
import Tensors

/// Runs lfs source that imports the project's `stdlib/` (train.lfs) on an interpreter
/// with the whole vocabulary, capturing what it prints.
enum TrainScript {
    /// The repository's `stdlib/` folder, found from this file's path.
    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib").path

    /// A fresh temporary folder for a run's output_dir.
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lfs-train-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `source`; `prepare` may register test builtins first. With `ctrlC`, the
    /// builtin `press_ctrl_c()` does what the SIGINT handler does: it sets the
    /// interpreter's flag and the tensor ops' flag (a private one, so other tests' ops
    /// are not stopped; the code then runs on this thread, where that flag is seen).
    static func run(
        _ source: String, ctrlC: Bool = false, prepare: (Interpreter) -> Void = { _ in }
    ) -> ScriptRunner.Outcome {
        let interpreter = Interpreter(options: Interpreter.Options(useLargeStack: !ctrlC))
        Library.install(into: interpreter)
        interpreter.searchPaths = [stdlib]
        let tensorFlag = Tensors.InterruptFlag()
        if ctrlC {
            interpreter.register(
                Builtin("press_ctrl_c", doc: "sets the interrupt flags, as Ctrl-C does") { arguments in
                    arguments.interpreter.interrupt.request()
                    tensorFlag.request()
                    return .nil
                })
        }
        prepare(interpreter)
        var output = ""
        interpreter.output = { output += $0 }
        do {
            try TensorRuntime.withInterruptFlag(tensorFlag) {
                _ = try interpreter.run(source: source, name: "test.lfs")
            }
            return ScriptRunner.Outcome(output: output, error: nil, located: nil)
        } catch let error as ScriptError {
            return ScriptRunner.Outcome(
                output: output, error: error.diagnostics.first?.message ?? "\(error)",
                located: error.diagnostics.first?.description)
        } catch {
            return ScriptRunner.Outcome(output: output, error: "\(error)", located: nil)
        }
    }

    /// The tiny model with a small LoRA and a few identity examples, as lfs source
    /// (binds `model` and `data`).
    static let setup = """
        import train
        let model = load_model("tiny")
        let data = dataset("sft_demo", template: "chatml", cutoff: 32, max_samples: 8)
        model.lora(rank: 4, dropout: 0.1, targets: ["q_proj", "v_proj"])
        """
}
