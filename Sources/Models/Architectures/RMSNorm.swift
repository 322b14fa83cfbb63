import Tensors

/// Root-mean-square normalisation over the last dimension (Zhang and Sennrich 2019):
/// y = x / sqrt(mean(x^2) + eps) * w, or * (1 + w) when the weight is stored as an offset
/// (Gemma's `GemmaRMSNorm`).
public final class RMSNorm: Layer {
    /// [features], in the checkpoint's dtype.
    public var weight: Tensor
    /// The epsilon inside the square root (`rms_norm_eps`).
    public let eps: Float
    /// Whether the effective weight is 1 + `weight`.
    public let weightIsOffset: Bool

    /// A norm over an existing weight.
    public init(weight: Tensor, eps: Float, weightIsOffset: Bool = false) {
        self.weight = weight
        self.eps = eps
        self.weightIsOffset = weightIsOffset
    }

    /// `RMSNorm`.
    public var kind: String { "RMSNorm" }
    /// `weight`.
    public var localParameters: [(String, Tensor)] { [("weight", weight)] }
    /// None.
    public var children: [(String, any Layer)] { [] }
    /// `64, eps 1e-05` (and `1 + w` for offsets).
    public var detail: String {
        "\(weight.shape.first ?? 0), eps \(eps)" + (weightIsOffset ? ", 1 + w" : "")
    }

    /// Normalises the last dimension of `x`.
    /// - Parameter x: [..., features].
    /// - Returns: the same shape.
    /// - Throws: `TensorError.shapeMismatch` when the last dimension differs.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let effective = weightIsOffset ? try weight.add(Tensor(Float(1))) : weight
        return try ModelOps.rmsNorm(x, weight: effective, eps: eps)
    }
}
