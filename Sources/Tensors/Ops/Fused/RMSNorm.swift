/// RMSNorm as one op (`RMSNormKernel`): forward and backward side by side.
extension OpSpec {
    /// `x * rsqrt(mean(x^2, -1) + eps) * weight` over the last axis.
    ///
    /// Inputs: x [..., C], weight [C]. Attribute: `eps` (default 1e-6, HF LlamaRMSNorm's).
    /// Saves rstd [N] (N = the rows of x). Backward: [dx, dweight].
    public static let rmsNorm = OpSpec(
        name: "rms_norm", arity: .exactly(2),
        forward: { inputs, attributes in
            let (x, weight) = try RMSNormOp.operands(inputs)
            let C = weight.count
            let N = x.count / Swift.max(1, C)
            // The kernel writes every element of both.
            let output = try Tensor.uninitialized(x.shape)
            let rstd = try Tensor.uninitialized([N])
            withExtendedLifetime((x, weight)) {
                RMSNormKernel.forward(
                    output: FusedOps.floats(output), rstd: FusedOps.floats(rstd),
                    input: FusedOps.floats(x), weight: FusedOps.floats(weight), N: N, C: C,
                    eps: Float(attributes.float("eps", default: RMSNormOp.defaultEps)))
            }
            return OpResult(output, saved: [rstd])
        },
        backward: { context in
            let (x, weight) = try RMSNormOp.operands(context.inputs)
            let gradient = context.gradOutput.contiguousFloat32()
            let C = weight.count
            let N = x.count / Swift.max(1, C)
            let dx = try Tensor(zeros: x.shape)
            let dweight = try Tensor(zeros: [C])
            withExtendedLifetime((x, weight, gradient, context.saved)) {
                RMSNormKernel.backward(
                    inputGradient: FusedOps.floats(dx), weightGradient: FusedOps.floats(dweight),
                    outputGradient: FusedOps.floats(gradient), input: FusedOps.floats(x),
                    weight: FusedOps.floats(weight), rstd: FusedOps.floats(context.saved[0]),
                    N: N, C: C)
            }
            return [dx, context.inputs[1].requiresGrad ? dweight : nil]
        },
        cost: { inputs, _, _ in
            let elements = OpCost.elements(inputs[0])
            return OpCost(flops: 4 &* elements, bytes: 8 &* elements)
        })
}

/// Shape checks of `OpSpec.rmsNorm`.
enum RMSNormOp {
    /// HF `LlamaRMSNorm`'s default epsilon.
    static let defaultEps = 1e-6

    /// x and weight as contiguous float32, after checking weight is [x.shape.last].
    static func operands(_ inputs: [Tensor]) throws -> (Tensor, Tensor) {
        let (x, weight) = (inputs[0], inputs[1])
        try FusedOps.requireFloat(x, op: "rms_norm")
        try FusedOps.requireFloat(weight, op: "rms_norm")
        guard x.rank >= 1, weight.shape == [x.shape[x.rank - 1]] else {
            throw TensorError.shapeMismatch(op: "rms_norm", lhs: x.shape, rhs: weight.shape)
        }
        return (x.contiguousFloat32(), weight.contiguousFloat32())
    }
}

extension Tensor {
    /// RMSNorm over the last axis: `self * rsqrt(mean(self^2) + eps) * weight`.
    /// - Parameters:
    ///   - weight: [C], C the size of the last axis.
    ///   - eps: added to the mean square (HF `rms_norm_eps`).
    /// - Throws: `TensorError.shapeMismatch` when weight is not [C]; dtype errors.
    public func rmsNorm(weight: Tensor, eps: Float = 1e-6) throws -> Tensor {
        try OpSpec.rmsNorm.apply([self, weight], ["eps": .float(Double(eps))])
    }
}
