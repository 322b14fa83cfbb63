import Language
import Tensors
import Tuning

/// What the training loops of `stdlib/train.lfs` are built from, beyond tensors,
/// optimizers and data sets: Ctrl-C handling (`interruptible`), seeding, checkpoints,
/// the progress bar and the run logs. One domain; each concern has its own file
/// (`CheckpointBuiltins`, `ProgressBuiltins`, `LogsBuiltins`).
public enum TrainBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] {
        [ProgressBuiltins.progressType, LogsBuiltins.trainerLogType, LogsBuiltins.tensorBoardType]
    }

    /// The functions this domain registers.
    public static var functions: [Builtin] {
        control + CheckpointBuiltins.functions + ProgressBuiltins.functions + LogsBuiltins.functions
    }

    static let control: [Builtin] = [
        Builtin(
            "interruptible", Signature(["body"]),
            doc: "runs a block; true if Ctrl-C stopped it (the interrupt is then cleared so the caller can save and stop), false if it finished"
        ) { arguments in
            let body = try arguments.callable(0)
            do {
                _ = try arguments.call(body)
                return .bool(false)
            } catch where Interpreter.isInterruption(error) {
                // Ctrl-C sets the interpreter's flag and the tensor runtime's; whichever
                // raised cleared only its own, so clear both before the caller goes on.
                arguments.interpreter.interrupt.clear()
                TensorRuntime.clearInterrupt()
                return .bool(true)
            }
        },
        Builtin(
            "uninterrupted", Signature(["body"]),
            doc: "runs a block to its end even if Ctrl-C is pressed meanwhile; the interrupt then stops the program at its next check (an optimizer step and its bookkeeping are never cut in half)"
        ) { arguments in
            let body = try arguments.callable(0)
            // Ops inside check a private flag nobody sets; the process's flag (or the one a
            // test installed) keeps the request for the first op after the block.
            return try TensorRuntime.withInterruptFlag(Tensors.InterruptFlag()) {
                try arguments.interpreter.withInterruptsDeferred { try arguments.call(body) }
            }
        },
        Builtin(
            "manual_seed", Signature(["seed"]),
            doc: "reseeds the global random generator (dropout, NEFTune, randn), as torch.manual_seed"
        ) { arguments in
            RandomGenerator.manualSeed(UInt64(bitPattern: Int64(try arguments.int(0))))
            return .nil
        },
        Builtin(
            "is_finite", Signature(["x"]), doc: "whether a number (or one-element tensor) is neither NaN nor infinite"
        ) { arguments in
            if let tensor = ProgressBuiltins.tensor(arguments[0]) {
                return .bool(try Double(tensor.item()).isFinite)
            }
            return .bool(try arguments.double(0).isFinite)
        },
    ]
}

/// A tensor op that saw Ctrl-C stops the script as an interruption, which `try`/`catch`
/// does not catch, rather than as an ordinary error.
extension TensorError: InterruptionReporting {
    /// True for `.interrupted`.
    public var isInterruption: Bool { self == .interrupted }
}
