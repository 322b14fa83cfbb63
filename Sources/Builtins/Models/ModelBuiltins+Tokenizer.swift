import Language
import Models
import Tensors

// MARK: The Tokenizer type, `logits.loss(labels)`, and safetensors through save/load

extension ModelBuiltins {
    /// The `Tokenizer` host type: encode and decode.
    public static let tokenizerType: HostType = {
        let type = HostType(name: "Tokenizer", doc: "a Hugging Face tokenizer.json tokenizer")
        type.property("vocab_size", doc: "the number of tokens") { object in
            .int(Int64(try cast(object, to: TokenizerValue.self).tokenizer.vocabularySize))
        }
        type.property("eos_token_id", doc: "the end-of-sequence id, or nil") { object in
            try cast(object, to: TokenizerValue.self).tokenizer.eosTokenID.map { .int(Int64($0)) } ?? .nil
        }
        type.property("bos_token_id", doc: "the beginning-of-sequence id, or nil") { object in
            try cast(object, to: TokenizerValue.self).tokenizer.bosTokenID.map { .int(Int64($0)) } ?? .nil
        }
        type.method(tokenizerSaveMethod)
        type.method(
            Builtin(
                "encode", Signature(["text"], labelled: [("special", .bool(false))]),
                doc: "the token ids of text; special: true adds BOS/EOS as the tokenizer config says"
            ) { arguments in
                let tokenizer = try arguments.receiver(as: TokenizerValue.self).tokenizer
                let ids = tokenizer.encode(
                    try arguments.string(0), addSpecialTokens: try arguments.bool("special"))
                return .list(ids.map { .int(Int64($0)) })
            })
        type.method(
            Builtin(
                "decode", Signature(["ids"], labelled: [("skip_special", .bool(false))]),
                doc: "the text of token ids (a list or a tensor)"
            ) { arguments in
                let tokenizer = try arguments.receiver(as: TokenizerValue.self).tokenizer
                let ids = try intList(arguments["ids"], "ids", arguments: arguments)
                return .string(
                    try tokenizer.decode(ids, skipSpecialTokens: try arguments.bool("skip_special")))
            })
        type.method(
            Builtin("token", Signature(["id"]), doc: "the token string of an id, or nil") {
                arguments in
                let tokenizer = try arguments.receiver(as: TokenizerValue.self).tokenizer
                return tokenizer.token(try arguments.int(0)).map { .string($0) } ?? .nil
            })
        return type
    }()

    /// `logits.loss(labels)`: the causal-LM loss as transformers computes it, added to
    /// the Tensor type (shifted by one, -100 ignored, mean over counted tokens).
    static let tensorLoss = Builtin(
        "loss", Signature(["labels"]),
        doc: "the causal-LM loss of logits [B, T, V] against labels [B, T] (shifted, -100 ignored)"
    ) { arguments in
        let logits = try arguments.receiver(as: TensorValue.self).tensor
        let labels = try ids(arguments["labels"], "labels", arguments: arguments)
        return .tensor(try CausalLM.loss(logits: logits, labels: labels))
    }

    /// `save(x, "file.safetensors")` for a dict of tensors; other files go to JSON.
    static let saveFunction = Builtin(
        "save", Signature(["value", "path"]),
        doc: "writes a dict of tensors to .safetensors, or a value to .json/.jsonl"
    ) { arguments in
        let path = try arguments.string(1)
        guard path.hasSuffix(".safetensors") else {
            try JSON.save(arguments[0], path: path)
            return .nil
        }
        let dict = try arguments.dict(0)
        var tensors: [String: Tensor] = [:]
        for (key, value) in dict.entries {
            guard case .string(let name) = key, let tensor = TensorConversion.tensor(from: value)
            else {
                throw arguments.badArgument("value", expected: "dict of string to tensor", got: value)
            }
            tensors[name] = tensor
        }
        try SafetensorsWriter.write(tensors: tensors, to: path)
        return .nil
    }

    /// `load("file.safetensors")` gives a dict of tensors; other files are JSON.
    static let loadFunction = Builtin(
        "load", Signature(["path"]),
        doc: "reads a .safetensors file into a dict of tensors, or a .json/.jsonl file into values"
    ) { arguments in
        let path = try arguments.string(0)
        guard path.hasSuffix(".safetensors") else { return try JSON.load(path: path) }
        let file = try SafetensorsFile(path: path)
        let dict = DictObject()
        for name in file.names {
            _ = dict.set(.string(name), .tensor(try file.tensor(name, copy: true)))
        }
        return .dict(dict)
    }
}
