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
/// the base GEMM and the update as one fused op (`Tensor.loraLinear`); or, for DoRA
/// without active dropout, the weight-decomposed form (`Tensor.doraLinear`).
public protocol LowRankLinearAdapter: LinearAdapter {
    /// A [r, in], B [out, r] and the scaling when the adapter's forward is exactly the
    /// low-rank update now; nil when it does more (dropout in training, DoRA).
    var lowRankFactors: (a: Tensor, b: Tensor, scaling: Float)? { get }
    /// A, B, the scaling and DoRA's magnitude m [out] when the forward is exactly
    /// `(m / n) ⊙ (x Wᵀ + scaling · x Aᵀ Bᵀ) + bias` with n = ||W + scaling · B A||
    /// detached, as PEFT's DoRA without dropout; nil otherwise (the default).
    var decomposedFactors: (a: Tensor, b: Tensor, scaling: Float, magnitude: Tensor)? { get }
}

extension LowRankLinearAdapter {
    /// None: a plain low-rank adapter has no magnitude.
    public var decomposedFactors: (a: Tensor, b: Tensor, scaling: Float, magnitude: Tensor)? { nil }
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
        switch singleFusedAdapter() {
        case .lowRank(let a, let b, let scaling):
            // One LoRA pair and nothing else: base and update in one op.
            var y = try x.loraLinear(weight: weight, a: a, b: b, scaling: scaling)
            if let bias { y = try y.add(bias) }
            return y
        case .decomposed(let a, let b, let scaling, let magnitude):
            // One DoRA adapter without active dropout: norm, GEMMs and scaling fused.
            var y = try x.doraLinear(weight: weight, a: a, b: b, magnitude: magnitude, scaling: scaling)
            if let bias { y = try y.add(bias) }
            return y
        case nil:
            break
        }
        var y = try x.matmul(weight.transposed())
        if let bias { y = try y.add(bias) }
        for adapter in adapters where adapter.isEnabled {
            y = try adapter.forward(input: x, baseOutput: y, layer: self)
        }
        return y
    }

    /// What the one enabled adapter computes when a fused op can compute it.
    private enum FusedAdapter {
        case lowRank(a: Tensor, b: Tensor, scaling: Float)
        case decomposed(a: Tensor, b: Tensor, scaling: Float, magnitude: Tensor)
    }

    /// The one enabled adapter as a fused op's operands, or nil when there are none,
    /// several, or one the fused ops do not cover.
    private func singleFusedAdapter() -> FusedAdapter? {
        guard !adapters.isEmpty else { return nil }
        var found: FusedAdapter? = nil
        for adapter in adapters where adapter.isEnabled {
            guard found == nil, let lowRank = adapter as? any LowRankLinearAdapter else { return nil }
            if let factors = lowRank.lowRankFactors {
                found = .lowRank(a: factors.a, b: factors.b, scaling: factors.scaling)
            } else if let factors = lowRank.decomposedFactors {
                found = .decomposed(a: factors.a, b: factors.b, scaling: factors.scaling, magnitude: factors.magnitude)
            } else {
                return nil
            }
        }
        return found
    }
}
