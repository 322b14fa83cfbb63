import Language
import Models
import Tensors

// MARK: The Model type

extension ModelBuiltins {
    /// The `Model` host type: calling, embedding, generation, chat, saving.
    public static let modelType: HostType = {
        let type = HostType(name: "Model", doc: "a causal language model of the LLaMA family")
        type.call = Builtin(
            "model", Signature(["input"], labelled: [("attention_mask", .nil), ("positions", .nil)]),
            doc: "logits [B, T, vocab] from ids [B, T] (tensor or lists) or embeddings [B, T, hidden]; "
                + "positions: [B, T] rotary positions (packed batches), default 0..T-1"
        ) { arguments in
            let model = try arguments.receiver(as: ModelValue.self).model
            let mask = try optionalTensor(arguments, "attention_mask")
            let positions = try optionalTensor(arguments, "positions").map(positionRows)
            let input = arguments["input"]
            if let tensor = TensorConversion.tensor(from: input), tensor.dtype.isFloatingPoint {
                return .tensor(try model(embeddings: tensor, attentionMask: mask, positions: positions))
            }
            return .tensor(
                try model(ids(input, "input", arguments: arguments), attentionMask: mask, positions: positions))
        }
        installProperties(on: type)
        for method in modelMethods { type.method(method) }
        return type
    }()

    /// Declares a method whose receiver is a model.
    static func modelMethod(
        _ name: String, _ signature: Signature = Signature(), doc: String,
        _ body: @escaping (CausalLM, Arguments) throws -> Value
    ) -> Builtin {
        Builtin(name, signature, doc: doc) { arguments in
            try body(try arguments.receiver(as: ModelValue.self).model, arguments)
        }
    }

    static func installProperties(on type: HostType) {
        type.property("config", doc: "config.json as a dict") { object in
            let model = try cast(object, to: ModelValue.self).model
            return try JSON.parse(model.config.jsonText)
        }
        type.property("tokenizer", doc: "the model's tokenizer, or nil") { object in
            let model = try cast(object, to: ModelValue.self).model
            return model.tokenizer.map { .host(TokenizerValue($0)) } ?? .nil
        }
        type.property("type", doc: "the architecture (llama, mistral, qwen2, qwen3, gemma)") {
            object in
            .string(try cast(object, to: ModelValue.self).model.config.modelType.rawValue)
        }
        type.property("num_params", doc: "the number of parameter elements") { object in
            .int(Int64(try cast(object, to: ModelValue.self).model.parameterCount))
        }
    }

    static let modelMethods: [Builtin] = [
        lossMethod,
        modelMethod("embed", Signature(["ids"]), doc: "token embeddings [B, T, hidden] of ids") {
            model, arguments in
            .tensor(try model.embed(ids(arguments["ids"], "ids", arguments: arguments)))
        },
        modelMethod("params", doc: "a dict from HF key names to parameter tensors") { model, _ in
            let dict = DictObject()
            for (name, tensor) in model.namedParameters() {
                _ = dict.set(.string(name), .tensor(tensor))
            }
            return .dict(dict)
        },
        modelMethod("trainable", doc: "the list of parameters that require grad") { model, _ in
            .list(trainableParameters(of: model).map { .tensor($0) })
        },
        modelMethod("tree", doc: "the module tree as text, one module per line") { model, _ in
            .string(model.tree())
        },
        modelMethod(
            "save", Signature(["dir"], labelled: [("max_shard_size", .nil)]),
            doc: "writes config.json, model.safetensors, generation_config.json and the tokenizer"
        ) { model, arguments in
            let directory = try arguments.string(0)
            let shard = try arguments.optionalInt("max_shard_size")
            try model.save(to: directory, maximumShardBytes: shard)
            return .nil
        },
        modelMethod(
            "generate",
            Signature(["prompt"], labelled: generationLabels),
            doc: "continues a prompt (text or ids) and returns the new text"
        ) { model, arguments in
            let options = try generationOptions(arguments)
            let stream = try streamSink(arguments)
            let prompt = arguments["prompt"]
            if case .string(let text) = prompt {
                return .string(try model.generate(text, options: options, onText: stream))
            }
            let ids = try intList(prompt, "prompt", arguments: arguments)
            return .string(try model.generate(ids: ids, options: options, onText: stream))
        },
        modelMethod(
            "chat",
            Signature(
                ["messages"],
                labelled: [("template", .string("auto")), ("system", .nil)] + generationLabels),
            doc: "answers a message (or a list of {role, content} dicts) through a chat template"
        ) { model, arguments in
            let options = try generationOptions(arguments)
            let stream = try streamSink(arguments)
            let template = try arguments.string("template")
            let system = try arguments.optionalString("system")
            let messages = try chatMessages(arguments["messages"], arguments: arguments)
            return .string(
                try model.chat(
                    messages, template: template, system: system, options: options,
                    onText: stream))
        },
    ]

    /// Every parameter of `model` that requires grad, each once, in module order.
    public static func trainableParameters(of model: CausalLM) -> [Tensor] {
        var seen = Set<ObjectIdentifier>()
        return model.namedParameters().map(\.1).filter {
            $0.requiresGrad && seen.insert(ObjectIdentifier($0)).inserted
        }
    }

    /// The rows of a [B, T] positions tensor ([T] is one row).
    static func positionRows(_ tensor: Tensor) throws -> [[Int]] {
        let values = tensor.toIntArray()
        let width = tensor.shape.last ?? 0
        guard tensor.rank <= 2, width > 0 else {
            throw HostError("bad argument 'positions' to 'model' ([B, T] expected, got \(tensor.shape))")
        }
        return stride(from: 0, to: values.count, by: width).map { Array(values[$0..<$0 + width]) }
    }

    static func optionalTensor(_ arguments: Arguments, _ name: String) throws -> Tensor? {
        let value = arguments[name]
        if case .nil = value { return nil }
        if let tensor = TensorConversion.tensor(from: value) { return tensor }
        return try TensorConversion.tensor(fromNested: value, dtype: .int64, function: arguments.function)
    }
}
