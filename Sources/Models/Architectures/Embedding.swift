import Tensors

/// A lookup table of token vectors (torch's `nn.Embedding`), optionally scaled (Gemma
/// multiplies by sqrt(hidden_size)).
public final class Embedding: Layer {
    /// [vocab, hidden], in the checkpoint's dtype.
    public var weight: Tensor
    /// The factor on every looked-up vector; 1 for most models.
    public let scale: Float

    /// A table over an existing weight.
    public init(weight: Tensor, scale: Float = 1) {
        self.weight = weight
        self.scale = scale
    }

    /// `Embedding`.
    public var kind: String { "Embedding" }
    /// `weight`.
    public var localParameters: [(String, Tensor)] { [("weight", weight)] }
    /// None.
    public var children: [(String, any Layer)] { [] }
    /// `vocab 300, hidden 64` (and the scale when not 1).
    public var detail: String {
        let base = "vocab \(weight.shape.first ?? 0), hidden \(weight.shape.last ?? 0)"
        return scale == 1 ? base : base + ", scale \(scale)"
    }

    /// Looks up `ids`.
    /// - Parameter ids: [B, T] integer ids.
    /// - Returns: [B, T, hidden] float32.
    /// - Throws: `TensorError.indexOutOfRange` for an id outside the vocabulary.
    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        let vectors = try ModelOps.embedding(weight: weight, ids: ids)
        return scale == 1 ? vectors : try vectors.mul(Tensor(scale))
    }
}
