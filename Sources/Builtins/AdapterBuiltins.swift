import Language
import Models
import Tensors
import Tuning

/// The adapter vocabulary: `model.lora(...)`, `load_adapter`, `neftune`, the `Adapter`
/// type, and the Model members `lora`, `adapters`, `train`, `eval`, `freeze`,
/// `trainable` (which includes adapter parameters), added to ``ModelBuiltins/modelType``
/// when the domain registers.
public enum AdapterBuiltins: BuiltinDomain {
    /// The `Adapter` type; registering it also adds the Model members.
    public static var types: [HostType] {
        for method in modelMethods { ModelBuiltins.modelType.method(method) }
        ModelBuiltins.modelType.call = modelCall
        ModelBuiltins.modelType.property("adapters", doc: "the adapters attached to the model") { object in
            let model = try cast(object, to: ModelValue.self).model
            return .list(ListObject(AdapterRegistry.adapters(of: model).map { .host(AdapterValue($0)) }))
        }
        return [adapterType]
    }

    /// `load_adapter`, `neftune`.
    public static let functions: [Builtin] = [
        Builtin(
            "load_adapter", Signature(["model", "dir"], labelled: [("name", .string("default"))]),
            doc: "attaches an adapter folder written by PEFT or adapter.save (adapter_config.json, adapter_model.safetensors)"
        ) { arguments in
            let model = try arguments.host(0, as: ModelValue.self, "Model").model
            let adapter = try AdapterRegistry.load(
                into: model, from: try arguments.string(1), name: try arguments.string("name"))
            return .host(AdapterValue(adapter))
        },
        Builtin(
            "neftune", Signature(["x"], labelled: [("alpha", .float(5)), ("training", .bool(true))]),
            doc: "NEFTune: embeddings [B, L, d] plus uniform noise in [-m, m], m = alpha/sqrt(L*d); x itself when training is false"
        ) { arguments in
            guard let x = TensorConversion.tensor(from: arguments["x"]) else {
                throw arguments.badArgument("x", expected: "Tensor", got: arguments["x"])
            }
            return .tensor(
                try NEFTune.noise(x, alpha: try arguments.double("alpha"), training: try arguments.bool("training")))
        },
    ]

    static let loraLabels: [(String, Value)] = [
        ("rank", .int(8)), ("alpha", .nil), ("dropout", .float(0)), ("targets", .string("all")),
        ("name", .string("default")), ("rslora", .bool(false)), ("dora", .bool(false)),
        ("init", .string("default")),
    ]

    static let modelMethods: [Builtin] = [
        ModelBuiltins.modelMethod(
            "lora", Signature([], labelled: loraLabels),
            doc: "attaches a LoRA adapter (alpha defaults to 2*rank; targets \"all\" = every linear but lm_head, or a list such as [\"q_proj\", \"v_proj\"]; init default|gaussian|none) and freezes the base"
        ) { model, arguments in
            let rank = try arguments.int("rank")
            let alpha = try TensorConversion.optionalDouble(arguments, "alpha") ?? Double(2 * rank)
            var config = LoRAConfig(
                r: rank, alpha: alpha, dropout: try arguments.double("dropout"),
                targets: try targets(arguments))
            config.useRSLoRA = try arguments.bool("rslora")
            config.useDoRA = try arguments.bool("dora")
            config.initialization = try arguments.choice("init", LoRAInit.self)
            let adapter = try LoRAAdapter.attach(to: model, config: config, name: try arguments.string("name"))
            return .host(AdapterValue(adapter))
        },
        ModelBuiltins.modelMethod("train", doc: "training mode: adapter dropout is applied") { model, _ in
            TrainingMode.set(model, training: true)
            return .nil
        },
        ModelBuiltins.modelMethod("eval", doc: "evaluation mode: no adapter dropout") { model, _ in
            TrainingMode.set(model, training: false)
            return .nil
        },
        ModelBuiltins.modelMethod(
            "trainable", doc: "the list of parameters that require grad, adapter and value-head parameters included"
        ) { model, _ in
            let adapters =
                AdapterRegistry.adapters(of: model).flatMap { $0.namedParameters.map(\.1) }
                + MixtureOfDepths.routers(of: model).map(\.1)
            let head = ValueHead.parameters(of: model)
            return .list(
                ListObject((ModelBuiltins.trainableParameters(of: model) + adapters + head).map { .tensor($0) }))
        },
        ModelBuiltins.modelMethod(
            "freeze",
            Signature([], labelled: [("trainable_layers", .int(2)), ("modules", .string("all")), ("extra", .nil)]),
            doc: "freeze-tuning as LLaMA-Factory: trains the last n layers (first |n| if negative), their modules (\"all\" or a list such as [\"mlp\"]) and extra modules; returns the trainable names"
        ) { model, arguments in
            let names = try FreezeTuning.apply(
                to: model, trainableLayers: try arguments.int("trainable_layers"),
                modules: try strings(arguments, "modules"), extra: try strings(arguments, "extra"))
            return .list(ListObject(names.map { .string($0) }))
        },
        ModelBuiltins.modelMethod(
            "neftune", Signature([], labelled: [("alpha", .float(5))]),
            doc: "NEFTune: model(ids) adds uniform noise (m = alpha/sqrt(L*d)) to the embeddings in training mode; alpha 0 or nil turns it off"
        ) { model, arguments in
            try TrainingMode.setNEFTune(model, alpha: try TensorConversion.optionalDouble(arguments, "alpha"))
            return .nil
        },
        ModelBuiltins.modelMethod(
            "expand", Signature([], labelled: [("blocks", .int(1))]),
            doc: "LLaMA Pro: inserts n copies of layers (after every L/n layers, o_proj and down_proj zeroed, so the output is unchanged), renumbers the layers, freezes everything else; returns the trainable names"
        ) { model, arguments in
            let names = try LlamaPro.expand(model, blocks: try arguments.int("blocks"))
            return .list(ListObject(names.map { .string($0) }))
        },
        ModelBuiltins.modelMethod(
            "mod", Signature([], labelled: [("capacity", .float(0.125)), ("every", .int(2))]),
            doc: "Mixture-of-Depths: every n-th layer (odd ones for 2) gets a zero-initialised scalar router; "
                + "the top max(1, floor(capacity*T)) real tokens of each sequence pass through it, output x + (1+r)*(f(x)-x), "
                + "the others skip it; cached generation routes the prompt by top-k and each new token when it is in the top-k "
                + "of its prefix (see docs). Returns the routers (trainable)"
        ) { model, arguments in
            let converted = try MixtureOfDepths.apply(
                to: model, capacity: try arguments.double("capacity"), every: try arguments.int("every"))
            return .list(ListObject(converted.map { .tensor($0.1.router) }))
        },
    ]

    /// The model call of ``ModelBuiltins/modelType`` with NEFTune: ids are embedded with
    /// `TrainingMode.embed` (noise only in training mode with NEFTune on); embeddings given
    /// directly pass through, as with transformers' embedding hook.
    static let modelCall = Builtin(
        "model", Signature(["input"], labelled: [("attention_mask", .nil), ("positions", .nil)]),
        doc: "logits [B, T, vocab] from ids [B, T] (tensor or lists) or embeddings [B, T, hidden]; "
            + "positions: [B, T] rotary positions (packed batches), default 0..T-1"
    ) { arguments in
        let model = try arguments.receiver(as: ModelValue.self).model
        let mask = try ModelBuiltins.optionalTensor(arguments, "attention_mask")
        let positions = try ModelBuiltins.optionalTensor(arguments, "positions").map(ModelBuiltins.positionRows)
        let input = arguments["input"]
        if let tensor = TensorConversion.tensor(from: input), tensor.dtype.isFloatingPoint {
            return .tensor(try model(embeddings: inputEmbeddings(tensor, model), attentionMask: mask, positions: positions))
        }
        let ids = try ModelBuiltins.ids(input, "input", arguments: arguments)
        let embeddings = try inputEmbeddings(TrainingMode.embed(model, ids: ids), model)
        return .tensor(try model(embeddings: embeddings, attentionMask: mask, positions: positions))
    }

    /// In training mode, embeddings that need no gradient (a frozen embedding table) are
    /// passed as a leaf named `inputs_embeds` that asks for one, as transformers'
    /// `enable_input_require_grads` does for PEFT: the first layer's frozen ops are then
    /// on the tape like every other layer's, so graphs show (and collapse) all layers
    /// alike. Costs the first layer's input gradient, 1/L of the base backward. Not when
    /// the first layer cannot train (freeze-tuning): the gradient would cross frozen layers.
    static func inputEmbeddings(_ embeddings: Tensor, _ model: CausalLM) -> Tensor {
        guard TrainingMode.isTraining(model), !embeddings.requiresGrad, GradMode.isEnabled,
            model.firstLayerMayTrain
        else {
            return embeddings
        }
        let leaf = embeddings.detach()
        leaf.requiresGrad = true
        leaf.name = "inputs_embeds"
        return leaf
    }

    /// A string or a list of strings (nil gives an empty list).
    static func strings(_ arguments: Arguments, _ name: String) throws -> [String] {
        let value = arguments[name]
        switch value {
        case .nil: return []
        case .string(let text): return [text]
        case .list(let list):
            return try list.items.map { item in
                guard case .string(let text) = item else {
                    throw arguments.badArgument(name, expected: "string or list of strings", got: value)
                }
                return text
            }
        default: throw arguments.badArgument(name, expected: "string or list of strings", got: value)
        }
    }

    static func targets(_ arguments: Arguments) throws -> [String] {
        let names = try strings(arguments, "targets")
        guard !names.isEmpty else {
            throw arguments.badArgument("targets", expected: "\"all\" or a list of module names", got: arguments["targets"])
        }
        return names
    }
}
