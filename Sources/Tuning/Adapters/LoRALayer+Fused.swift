import Models
import Tensors

/// Plain LoRA is a low-rank update `Linear` can fuse with its base GEMM
/// (`Tensor.loraLinear`), and DoRA without active dropout its weight-decomposed form
/// (`Tensor.doraLinear`); dropout in training keeps the composed forward (PEFT then
/// applies DoRA's scaling to the dropped input's low-rank part only, see DoRA.swift).
extension LoRALayer: LowRankLinearAdapter {
    /// A, B and the scaling when the forward is exactly `base + scaling · x Aᵀ Bᵀ`.
    public var lowRankFactors: (a: Tensor, b: Tensor, scaling: Float)? {
        guard magnitude == nil, !(isTraining && dropout > 0) else { return nil }
        return (a, b, Float(scaling))
    }

    /// A, B, the scaling and m for DoRA without active dropout.
    public var decomposedFactors: (a: Tensor, b: Tensor, scaling: Float, magnitude: Tensor)? {
        guard let magnitude, !(isTraining && dropout > 0) else { return nil }
        return (a, b, Float(scaling), magnitude)
    }
}
