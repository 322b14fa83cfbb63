import Models
import Tensors

/// DoRA (weight-decomposed LoRA) as PEFT's `dora.py` computes it: a magnitude vector m
/// [out] and the row norm n = ||W + scaling B A|| (detached); the output is
/// `base + (m/n - 1) * x W^T + (m/n) * scaling * x A^T B^T`. Without active dropout
/// `Linear` runs it as the fused `dora_linear` (LoRALayer+Fused.swift); the composed
/// forward below serves dropout in training, where PEFT's formula differs.
extension LoRALayer {
    /// The row norms of `W + scaling * B A` [out], without gradient (`dora_weight_norm`:
    /// one pass over W, no [out, in] temporary).
    /// - Throws: tensor errors.
    public func doraWeightNorm(weight: Tensor) throws -> Tensor {
        try weight.doraWeightNorm(a: a, b: b, scaling: Float(scaling))
    }

    /// PEFT's composed DoRA forward (with dropout, the base output is recomputed from
    /// the dropped input and only that part is rescaled).
    func doraForward(input: Tensor, baseOutput: Tensor, layer: Linear, magnitude: Tensor) throws -> Tensor {
        let dropping = isTraining && dropout > 0
        let x = try input.dropout(p: dropout, training: isTraining)
        let lora = try x.matmul(a.transposed()).matmul(b.transposed())
        let scale = try magnitude.div(doraWeightNorm(weight: layer.weight))
        let base: Tensor
        if dropping {
            base = try x.matmul(layer.weight.transposed())
        } else if let bias = layer.bias {
            base = try baseOutput.sub(bias)
        } else {
            base = baseOutput
        }
        let dora = try (scale - 1).mul(base).add(scale.mul(lora) * Float(scaling))
        return try baseOutput.add(dora)
    }

    /// The merged weight: `(m / n)[:, None] * (W + scaling B A)` for DoRA,
    /// `W + scaling B A` for LoRA, in float32.
    /// - Throws: tensor errors.
    public func mergedWeight(_ weight: Tensor) throws -> Tensor {
        try withNoGrad {
            let combined = try weight.add(deltaWeight())
            guard let magnitude else { return combined }
            let factor = try magnitude.div(doraWeightNorm(weight: weight)).unsqueeze(1)
            return try combined.mul(factor)
        }
    }
}
