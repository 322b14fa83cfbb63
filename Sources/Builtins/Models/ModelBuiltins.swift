import Language
import Models
import Synchronization
import Tensors

/// The model vocabulary: `load_model`, `tokenizer`, and the members of the `Model` and
/// `Tokenizer` types (in `ModelBuiltins+Model.swift` and `ModelBuiltins+Tokenizer.swift`).
public enum ModelBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] {
        // `logits.loss(labels)` belongs to the model vocabulary but is a Tensor method.
        if TensorBuiltins.type.method(named: "loss") == nil { TensorBuiltins.type.method(tensorLoss) }
        return [modelType, tokenizerType]
    }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        saveFunction, loadFunction, trainTokenizerFunction, newModelFunction,
        Builtin(
            "load_model", Signature(["path"], labelled: [("dtype", .nil)]),
            doc: "loads a Hugging Face model folder, or the embedded model \"tiny\""
        ) { arguments in
            let path = try arguments.string(0)
            let dtype = try TensorConversion.dtype(arguments)
            let model = try CausalLM.load(path, dtype: dtype)
            if let tokenizer = model.tokenizer { lastTokenizer.withLock { $0.tokenizer = tokenizer } }
            return .host(ModelValue(model))
        },
        Builtin(
            "tokenizer", Signature(["path"]),
            doc: "loads tokenizer.json (and tokenizer_config.json) from a folder or file"
        ) { arguments in
            let path = try arguments.string(0)
            let tokenizer: Tokenizer
            if path.hasSuffix(".json") {
                tokenizer = try Tokenizer(path: path)
            } else {
                tokenizer = try Tokenizer.load(directory: path)
            }
            return .host(TokenizerValue(tokenizer))
        },
    ]

    /// Token ids from a tensor or (nested) lists of ints, as a [B, T] int64 tensor.
    /// - Throws: a bad-argument error naming `name`.
    static func ids(_ value: Value, _ name: String, arguments: Arguments) throws -> Tensor {
        if let tensor = TensorConversion.tensor(from: value) {
            guard !tensor.dtype.isFloatingPoint else {
                throw arguments.badArgument(name, expected: "integer ids", got: value)
            }
            return tensor.rank == 1 ? try tensor.reshape([1, tensor.shape[0]]) : tensor
        }
        let tensor = try TensorConversion.tensor(fromNested: value, dtype: .int64, function: arguments.function)
        return tensor.rank == 1 ? try tensor.reshape([1, tensor.shape[0]]) : tensor
    }

    /// A list of ints from a tensor or list value.
    static func intList(_ value: Value, _ name: String, arguments: Arguments) throws -> [Int] {
        if let tensor = TensorConversion.tensor(from: value) {
            return tensor.toFloatArray().map { Int($0) }
        }
        guard case .list(let list) = value else {
            throw arguments.badArgument(name, expected: "list of ints", got: value)
        }
        return try list.items.map { item in
            guard let id = TensorConversion.integer(item) else {
                throw arguments.badArgument(name, expected: "list of ints", got: value)
            }
            return id
        }
    }

    /// The tokenizer of the model loaded last: what `dataset(...)` encodes with when it
    /// is given no `tokenizer:`.
    static let lastTokenizer = Mutex<TokenizerBox>(TokenizerBox())

    /// The tokenizer of the model loaded last, if any.
    public static var latestTokenizer: Tokenizer? { lastTokenizer.withLock { $0.tokenizer } }
}

/// A slot for a tokenizer that can sit in a `Mutex`.
struct TokenizerBox: @unchecked Sendable {
    var tokenizer: Tokenizer?
}
