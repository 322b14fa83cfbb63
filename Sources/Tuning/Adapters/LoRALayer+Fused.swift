import Models
import Tensors

/// Plain LoRA is a low-rank update `Linear` can fuse with its base GEMM
/// (`Tensor.loraLinear`); DoRA and dropout in training keep the composed forward.
extension LoRALayer: LowRankLinearAdapter {
    /// A, B and the scaling when the forward is exactly `base + scaling · x Aᵀ Bᵀ`.
    public var lowRankFactors: (a: Tensor, b: Tensor, scaling: Float)? {
        guard magnitude == nil, !(isTraining && dropout > 0) else { return nil }
        return (a, b, Float(scaling))
    }
}
