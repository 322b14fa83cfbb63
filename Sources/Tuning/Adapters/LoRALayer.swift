import Models
import Tensors

/// One LoRA pair on one `Linear`: `y = base + scaling * dropout(x) A^T B^T`, with A
/// [r, in] and B [out, r] as PEFT's `lora_A` / `lora_B` weights.
public final class LoRALayer: LinearAdapter {
    /// The adapter's name.
    public let name: String
    /// Whether it takes part in the forward pass.
    public var isEnabled = true
    /// Training mode: dropout is applied only then (`model.train()`).
    public var isTraining = false
    /// `lora_A.weight`, [r, in], float32, requires grad.
    public let a: Tensor
    /// `lora_B.weight`, [out, r], float32, requires grad.
    public let b: Tensor
    /// alpha / r, or alpha / sqrt(r) for rsLoRA.
    public let scaling: Double
    /// The dropout probability on the input of A.
    public let dropout: Double
    /// The adapter configuration (shared by all layers of one adapter).
    public let config: LoRAConfig
    /// DoRA's `lora_magnitude_vector` [out], or nil for plain LoRA (see DoRA.swift).
    public let magnitude: Tensor?

    /// A pair over existing tensors.
    public init(name: String, a: Tensor, b: Tensor, config: LoRAConfig, magnitude: Tensor? = nil) {
        self.name = name
        self.magnitude = magnitude
        self.a = a
        self.b = b
        self.config = config
        self.scaling = config.scaling
        self.dropout = config.loraDropout
    }

    /// `scaling * dropout(x) A^T B^T`, [..., out].
    /// - Throws: tensor errors.
    public func delta(_ x: Tensor) throws -> Tensor {
        let dropped = try x.dropout(p: dropout, training: isTraining)
        return try dropped.matmul(a.transposed()).matmul(b.transposed()) * Float(scaling)
    }

    /// The base output plus `delta(input)` (LoRA), or DoRA's output when `magnitude` is set.
    public func forward(input: Tensor, baseOutput: Tensor, layer: Linear) throws -> Tensor {
        if let magnitude { return try doraForward(input: input, baseOutput: baseOutput, layer: layer, magnitude: magnitude) }
        return try baseOutput.add(delta(input))
    }

    /// `scaling * B A`, [out, in]: what merging adds to plain LoRA's weight.
    /// - Throws: tensor errors.
    public func deltaWeight() throws -> Tensor {
        try b.matmul(a) * Float(scaling)
    }
}
