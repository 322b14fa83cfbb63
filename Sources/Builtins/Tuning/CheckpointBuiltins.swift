import Language
import Models
import Tensors
import Tuning

/// `save_checkpoint`, `load_checkpoint`, `last_checkpoint`, `remove_checkpoints`: the
/// checkpoints of a training run in `output_dir/checkpoint-N` (see `TrainingCheckpoint`).
enum CheckpointBuiltins {
    static let parts: [(String, Value)] = [
        ("model", .nil), ("params", .nil), ("optimizer", .nil), ("scheduler", .nil),
    ]

    static let functions: [Builtin] = [
        Builtin(
            "save_checkpoint", Signature(["output_dir", "step"], labelled: parts + [("state", .nil)]),
            doc: "writes output_dir/checkpoint-<step> atomically: the model's adapters (PEFT) and trainable tensors (params:, default model.trainable()), optimizer and scheduler state, the RNG state and the state dict; returns its path"
        ) { arguments in
            let checkpoint = try makeCheckpoint(arguments)
            var state = arguments["state"]
            if case .nil = state { state = .dict(DictObject()) }
            guard case .dict = state else {
                throw arguments.badArgument("state", expected: "dict", got: state)
            }
            let path = try checkpoint.save(
                outputDirectory: try arguments.string(0), step: try arguments.int(1),
                state: try JSON.serialize(encodeNonFinite(state)))
            return .string(path)
        },
        Builtin(
            "load_checkpoint", Signature(["path"], labelled: parts),
            doc: "restores trainable tensors, optimizer, scheduler and RNG state from a checkpoint folder; returns its state dict"
        ) { arguments in
            let checkpoint = try makeCheckpoint(arguments)
            let text = try checkpoint.load(from: try arguments.string(0))
            return decodeNonFinite(try JSON.parse(text))
        },
        Builtin(
            "last_checkpoint", Signature(["output_dir"]),
            doc: "the path of the complete checkpoint with the most steps in output_dir, or nil"
        ) { arguments in
            CheckpointFolder.latest(in: try arguments.string(0)).map { .string($0.path) } ?? .nil
        },
        Builtin(
            "remove_checkpoints", Signature(["output_dir"]),
            doc: "deletes the checkpoint-N folders (and leftovers of killed writes) in output_dir"
        ) { arguments in
            CheckpointFolder.clean(try arguments.string(0), checkpoints: true)
            return .nil
        },
    ]

    /// JSON has no NaN or infinity, yet a loss can be either: such floats are stored as
    /// the strings `"<float:nan>"`, `"<float:inf>"`, `"<float:-inf>"`.
    static func encodeNonFinite(_ value: Value) -> Value {
        switch value {
        case .float(let number) where !number.isFinite:
            return .string("<float:\(number.isNaN ? "nan" : number > 0 ? "inf" : "-inf")>")
        case .list(let list): return .list(ListObject(list.items.map(encodeNonFinite)))
        case .tuple(let items): return .list(ListObject(items.map(encodeNonFinite)))
        case .dict(let dict):
            let copy = DictObject()
            for (key, item) in dict.entries { _ = copy.set(key, encodeNonFinite(item)) }
            return .dict(copy)
        default: return value
        }
    }

    /// Undoes ``encodeNonFinite(_:)``.
    static func decodeNonFinite(_ value: Value) -> Value {
        switch value {
        case .string("<float:nan>"): return .float(.nan)
        case .string("<float:inf>"): return .float(.infinity)
        case .string("<float:-inf>"): return .float(-.infinity)
        case .list(let list): return .list(ListObject(list.items.map(decodeNonFinite)))
        case .dict(let dict):
            for (key, item) in dict.entries { _ = dict.set(key, decodeNonFinite(item)) }
            return value
        default: return value
        }
    }

    /// The checkpoint's parts from `model:`, `params:`, `optimizer:`, `scheduler:`.
    static func makeCheckpoint(_ arguments: Arguments) throws -> TrainingCheckpoint {
        var model: CausalLM?
        if case .host = arguments["model"] {
            model = try arguments.host("model", as: ModelValue.self, "Model").model
        }
        var tensors: [Tensor] = []
        if case .nil = arguments["params"] {
            if let model {
                let adapters = AdapterRegistry.adapters(of: model).flatMap { $0.namedParameters.map(\.1) }
                tensors = ModelBuiltins.trainableParameters(of: model) + adapters
            }
        } else {
            tensors = try TensorConversion.tensors(arguments, "params")
        }
        var optimizer: Optimizer?
        if case .host = arguments["optimizer"] {
            optimizer = try arguments.host("optimizer", as: OptimizerValue.self, "Optimizer").optimizer
        }
        var scheduler: LRScheduler?
        if case .host = arguments["scheduler"] {
            scheduler = try arguments.host("scheduler", as: SchedulerValue.self, "Scheduler").scheduler
        }
        return TrainingCheckpoint(
            parameters: TrainingCheckpoint.uniqueNames(tensors),
            adapters: model.map { AdapterRegistry.adapters(of: $0) } ?? [],
            optimizer: optimizer, scheduler: scheduler)
    }
}
