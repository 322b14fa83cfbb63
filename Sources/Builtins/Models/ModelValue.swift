import Language
import Models
import Tensors

/// A loaded model as a value of the language: `load_model("tiny")`. Its table is
/// ``ModelBuiltins/modelType``.
public final class ModelValue: HostObject, LayerHostObject {
    /// The wrapped model.
    public let model: CausalLM

    /// Wraps a model.
    public init(_ model: CausalLM) { self.model = model }

    /// The `Model` table.
    public var hostType: HostType { ModelBuiltins.modelType }

    /// One line: `Model(llama, 3.7M params, 4 layers, hidden 256, vocab 4096)`.
    public var summary: String { model.summary }

    /// The root of the module tree, for `graph(model)`.
    public var graphLayer: any Layer { model }
}

/// A tokenizer as a value of the language: `model.tokenizer` or `tokenizer(path)`.
public final class TokenizerValue: HostObject {
    /// The wrapped tokenizer.
    public let tokenizer: Tokenizer

    /// Wraps a tokenizer.
    public init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The `Tokenizer` table.
    public var hostType: HostType { ModelBuiltins.tokenizerType }

    /// One line: `Tokenizer(4096 tokens, tokenizer.json)`.
    public var summary: String {
        "Tokenizer(\(tokenizer.vocabularySize) tokens, \(tokenizer.file))"
    }
}
