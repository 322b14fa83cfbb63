import Tensors

/// Something that changes what a `Linear` layer computes, such as a LoRA adapter: it
/// receives the layer's input and its base output and returns the output to use.
///
/// The Tuning module implements it (LoRA adds `scaling * B(A(dropout(x)))`; DoRA also
/// reads `layer.weight`). Adapters are not children in the module tree, so the model's
/// parameters stay exactly the checkpoint's Hugging Face keys.
public protocol LinearAdapter: AnyObject {
    /// The adapter's name (`default`), as PEFT names adapters.
    var name: String { get }
    /// Whether the adapter takes part in the forward pass.
    var isEnabled: Bool { get }
    /// The output with the adapter applied.
    /// - Parameters:
    ///   - input: [..., in], the layer's input.
    ///   - baseOutput: [..., out], `input @ weight^T + bias`.
    ///   - layer: the layer being adapted.
    /// - Throws: tensor errors.
    func forward(input: Tensor, baseOutput: Tensor, layer: Linear) throws -> Tensor
}

/// An adapter that can say it is exactly a low-rank update `y += scaling · x Aᵀ Bᵀ` at
/// this moment (LoRA without active dropout or DoRA's magnitude), so `Linear` can run
/// the base GEMM and the update as one fused op (`Tensor.loraLinear`).
public protocol LowRankLinearAdapter: LinearAdapter {
    /// A [r, in], B [out, r] and the scaling when the adapter's forward is exactly the
    /// low-rank update now; nil when it does more (dropout in training, DoRA).
    var lowRankFactors: (a: Tensor, b: Tensor, scaling: Float)? { get }
}

/// y = x W^T + b with W [out, in] as torch's `nn.Linear` stores it, plus the adapters
/// attached to it, applied in order.
public final class Linear: Layer {
    /// [out, in], in the checkpoint's dtype.
    public var weight: Tensor
    /// [out], or nil.
    public var bias: Tensor?
    /// Adapters attached by the Tuning module, applied in order.
    public var adapters: [any LinearAdapter] = []

    /// A layer over existing parameters.
    public init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }

    /// Input features.
    public var inputFeatures: Int { weight.shape.last ?? 0 }
    /// Output features.
    public var outputFeatures: Int { weight.shape.first ?? 0 }

    /// `Linear`.
    public var kind: String { "Linear" }
    /// `weight` and, if present, `bias`.
    public var localParameters: [(String, Tensor)] {
        var out = [("weight", weight)]
        if let bias { out.append(("bias", bias)) }
        return out
    }
    /// None: adapters are listed in `detail`, not as children.
    public var children: [(String, any Layer)] { [] }
    /// `in 64, out 96, bias, lora:default`.
    public var detail: String {
        var parts = ["in \(inputFeatures)", "out \(outputFeatures)"]
        if bias != nil { parts.append("bias") }
        for adapter in adapters { parts.append("adapter \(adapter.name)") }
        return parts.joined(separator: ", ")
    }

    /// Applies the layer to the last dimension of `x`.
    /// - Parameter x: [..., in].
    /// - Returns: [..., out].
    /// - Throws: `TensorError.shapeMismatch` when the last dimension is not `in`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        if let factors = singleLowRankAdapter() {
            // One LoRA pair and nothing else: base and update in one op.
            var y = try x.loraLinear(weight: weight, a: factors.a, b: factors.b, scaling: factors.scaling)
            if let bias { y = try y.add(bias) }
            return y
        }
        var y = try x.matmul(weight.transposed())
        if let bias { y = try y.add(bias) }
        for adapter in adapters where adapter.isEnabled {
            y = try adapter.forward(input: x, baseOutput: y, layer: self)
        }
        return y
    }

    /// The factors of the one enabled adapter when it is a plain low-rank update.
    private func singleLowRankAdapter() -> (a: Tensor, b: Tensor, scaling: Float)? {
        guard !adapters.isEmpty else { return nil }
        var found: (a: Tensor, b: Tensor, scaling: Float)? = nil
        for adapter in adapters where adapter.isEnabled {
            guard found == nil, let lowRank = adapter as? any LowRankLinearAdapter,
                let factors = lowRank.lowRankFactors
            else { return nil }
            found = factors
        }
        return found
    }
}
