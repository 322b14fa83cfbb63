/// SwiGLU as one op (`SwiGLUKernel`): forward and backward side by side.
///
/// Two forms, one declaration: with one input, the fused gate/up projection [..., 2F]
/// whose first half is the gate (the layout lfs models use: gate_proj and up_proj
/// weights concatenated into one GEMM); with two inputs, gate [..., F] and up [..., F].
extension OpSpec {
    /// `silu(gate) * up`. Inputs: gateUp [..., 2F], or gate [..., F] and up [..., F].
    /// Output [..., F]. Saves nothing. Backward: [dgateUp] or [dgate, dup].
    public static let swiGLU = OpSpec(
        name: "swiglu", arity: .atLeast(1),
        forward: { inputs, _ in
            let operands = try SwiGLUOp.operands(inputs)
            let output = try Tensor.uninitialized(operands.outputShape)
            withExtendedLifetime(operands.tensors) {
                SwiGLUKernel.forward(
                    output: FusedOps.floats(output), gate: operands.gate, up: operands.up,
                    N: operands.N, F: operands.F, inputRowStride: operands.rowStride)
            }
            return OpResult(output)
        },
        backward: { context in
            let operands = try SwiGLUOp.operands(context.inputs)
            let gradient = context.gradOutput.contiguousFloat32()
            // Written, not accumulated: every element of the gradients gets a value.
            let gradients = try operands.tensors.map { try Tensor.uninitialized($0.shape) }
            let dgate = FusedOps.floats(gradients[0])
            let dup = gradients.count == 2 ? FusedOps.floats(gradients[1]) : dgate + operands.F
            withExtendedLifetime((operands.tensors, gradient)) {
                SwiGLUKernel.backward(
                    gateGradient: dgate, upGradient: dup, outputGradient: FusedOps.floats(gradient),
                    gate: operands.gate, up: operands.up, N: operands.N, F: operands.F,
                    inputRowStride: operands.rowStride, accumulate: false)
            }
            return gradients
        },
        cost: OpCost.elementwise(flopsPerElement: 6))
}

/// Operand plumbing of `OpSpec.swiGLU`.
struct SwiGLUOp {
    /// The contiguous float32 inputs, kept alive while the pointers are used.
    var tensors: [Tensor]
    /// gate: [N, F] at `rowStride`.
    var gate: UnsafeMutablePointer<Float>
    /// up: [N, F] at `rowStride`.
    var up: UnsafeMutablePointer<Float>
    var N: Int
    var F: Int
    var rowStride: Int
    var outputShape: [Int]

    /// Checks shapes (fused last axis even, or gate and up equal) and finds the halves.
    static func operands(_ inputs: [Tensor]) throws -> SwiGLUOp {
        guard inputs.count <= 2 else {
            throw TensorError.arityMismatch(op: "swiglu", expected: 2, got: inputs.count)
        }
        for input in inputs { try FusedOps.requireFloat(input, op: "swiglu") }
        let first = inputs[0]
        guard first.rank >= 1 else {
            throw TensorError.invalidShape(op: "swiglu", shape: first.shape, reason: "needs at least one axis")
        }
        let last = first.shape[first.rank - 1]
        if inputs.count == 2 {
            guard inputs[1].shape == first.shape else {
                throw TensorError.shapeMismatch(op: "swiglu", lhs: first.shape, rhs: inputs[1].shape)
            }
            let gate = first.contiguousFloat32()
            let up = inputs[1].contiguousFloat32()
            return SwiGLUOp(
                tensors: [gate, up], gate: FusedOps.floats(gate), up: FusedOps.floats(up),
                N: first.count / Swift.max(1, last), F: last, rowStride: last,
                outputShape: first.shape)
        }
        guard last % 2 == 0 else {
            throw TensorError.invalidShape(
                op: "swiglu", shape: first.shape, reason: "the fused gate/up axis must be even")
        }
        let fused = first.contiguousFloat32()
        let F = last / 2
        return SwiGLUOp(
            tensors: [fused], gate: FusedOps.floats(fused), up: FusedOps.floats(fused) + F,
            N: first.count / Swift.max(1, last), F: F, rowStride: last,
            outputShape: Array(first.shape.dropLast()) + [F])
    }
}

extension Tensor {
    /// SwiGLU of a fused gate/up projection: `silu(self[..., :F]) * self[..., F:]`.
    /// - Throws: `TensorError.invalidShape` when the last axis is odd.
    public func swiGLU() throws -> Tensor { try OpSpec.swiGLU.apply([self]) }

    /// SwiGLU of separate projections: `silu(self) * up`.
    /// - Parameters:
    ///   - up: the up projection, of this tensor's shape.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public func swiGLU(up: Tensor) throws -> Tensor { try OpSpec.swiGLU.apply([self, up]) }
}
