/// Rotary position embedding as one op (`RotaryKernel`): forward and backward side by side.
extension OpSpec {
    /// HF's `q * cos + rotate_half(q) * sin` on every head vector.
    ///
    /// Inputs: x [B, H, T, D] (any strides with the head vector contiguous, so a
    /// [B, T, H, D] projection permuted to [B, H, T, D] is read in place), cos and sin
    /// [T, D/2] (shared by every batch) or [B, T, D/2], from `Tensor.rotaryTables`.
    /// Output: contiguous [B, H, T, D]. Saves nothing. Backward: [dx, nil, nil], the
    /// inverse rotation.
    public static let rotaryEmbedding = OpSpec(
        name: "rotary_embedding", arity: .exactly(3),
        forward: { inputs, _ in
            let operands = try RotaryOp.operands(inputs)
            let s = operands.sizes
            let output = try Tensor.uninitialized([s.B, s.H, s.T, s.D])
            withExtendedLifetime(operands.tensors) {
                RotaryKernel.forward(
                    output: FusedOps.floats(output), input: FusedOps.floats(operands.tensors[0]),
                    cos: FusedOps.floats(operands.tensors[1]), sin: FusedOps.floats(operands.tensors[2]),
                    B: s.B, H: s.H, T: s.T, D: s.D, inputLayout: operands.layout,
                    outputLayout: .headsFirst(heads: s.H, tokens: s.T, headDimension: s.D),
                    tableBatchStride: operands.tableBatchStride)
            }
            return OpResult(output)
        },
        backward: { context in
            let operands = try RotaryOp.operands(context.inputs)
            let s = operands.sizes
            let gradient = context.gradOutput.contiguousFloat32()
            let layout = HeadLayout.headsFirst(heads: s.H, tokens: s.T, headDimension: s.D)
            // dx is laid out as x (usually a permuted [B, T, H, D] projection), so the
            // reshape and permute that made x need no copy in their backward.
            let (dx, inputLayout) = try FusedOps.headGradient(
                laidOutAs: operands.tensors[0], op: "rotary_embedding")
            withExtendedLifetime((operands.tensors, gradient)) {
                RotaryKernel.backward(
                    inputGradient: FusedOps.floats(dx), outputGradient: FusedOps.floats(gradient),
                    cos: FusedOps.floats(operands.tensors[1]), sin: FusedOps.floats(operands.tensors[2]),
                    B: s.B, H: s.H, T: s.T, D: s.D, inputLayout: inputLayout, outputLayout: layout,
                    tableBatchStride: operands.tableBatchStride)
            }
            return [dx, nil, nil]
        },
        cost: OpCost.elementwise(flopsPerElement: 3))
}

/// Operand checks of `OpSpec.rotaryEmbedding`.
struct RotaryOp {
    /// x (possibly a strided view), cos and sin (contiguous float32).
    var tensors: [Tensor]
    /// Where x's head vectors are.
    var layout: HeadLayout
    /// B, H, T, D of x.
    var sizes: (B: Int, H: Int, T: Int, D: Int)
    /// 0 for shared [T, D/2] tables, T * D/2 for per-batch [B, T, D/2] ones.
    var tableBatchStride: Int

    static func operands(_ inputs: [Tensor]) throws -> RotaryOp {
        let (x, layout) = try FusedOps.heads(inputs[0], op: "rotary_embedding")
        let (B, H, T, D) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        guard D % 2 == 0 else {
            throw TensorError.invalidShape(op: "rotary_embedding", shape: x.shape, reason: "the head dimension must be even")
        }
        let cos = inputs[1]
        let sin = inputs[2]
        try FusedOps.requireFloat(cos, op: "rotary_embedding")
        try FusedOps.requireFloat(sin, op: "rotary_embedding")
        guard cos.shape == sin.shape else {
            throw TensorError.shapeMismatch(op: "rotary_embedding", lhs: cos.shape, rhs: sin.shape)
        }
        let tableBatchStride: Int
        switch cos.shape {
        case [T, D / 2], [1, T, D / 2]: tableBatchStride = 0
        case [B, T, D / 2]: tableBatchStride = T * D / 2
        default: throw TensorError.shapeMismatch(op: "rotary_embedding", lhs: x.shape, rhs: cos.shape)
        }
        return RotaryOp(
            tensors: [x, cos.contiguousFloat32(), sin.contiguousFloat32()], layout: layout,
            sizes: (B, H, T, D), tableBatchStride: tableBatchStride)
    }
}

extension Tensor {
    /// Applies rotary position embedding (HF `rotate_half` convention) to [B, H, T, D].
    /// - Parameters:
    ///   - cos: [T, D/2] or [B, T, D/2], from `rotaryTables`.
    ///   - sin: the same shape as `cos`.
    /// - Throws: `TensorError.shapeMismatch` when the tables do not fit; shape errors.
    public func rotaryEmbedding(cos: Tensor, sin: Tensor) throws -> Tensor {
        try OpSpec.rotaryEmbedding.apply([self, cos, sin])
    }

    /// The cos and sin tables of `positions`: angle = position * inverseFrequencies[i].
    ///
    /// Not an op (it has no gradient): compute them once per batch and share them by
    /// every layer's queries and keys.
    /// - Parameters:
    ///   - positions: integer [T] or [B, T] (position ids; per batch for left padding).
    ///   - inverseFrequencies: [D/2], with any RoPE scaling already applied.
    ///   - attentionScaling: multiplies both tables (yarn's mscale; 1 otherwise).
    /// - Returns: cos and sin, each `positions.shape + [D/2]`.
    /// - Throws: dtype errors for float positions or integer frequencies.
    public static func rotaryTables(
        positions: Tensor, inverseFrequencies: Tensor, attentionScaling: Float = 1
    ) throws -> (cos: Tensor, sin: Tensor) {
        let ids = try FusedOps.indices(positions, op: "rotary_tables")
        try FusedOps.requireFloat(inverseFrequencies, op: "rotary_tables")
        let frequencies = inverseFrequencies.contiguousFloat32()
        let half = frequencies.count
        let cos = try Tensor(zeros: positions.shape + [half])
        let sin = try Tensor(zeros: positions.shape + [half])
        withExtendedLifetime(frequencies) {
            RotaryKernel.tables(
                cos: FusedOps.floats(cos), sin: FusedOps.floats(sin), positions: ids,
                inverseFrequencies: FusedOps.floats(frequencies), P: ids.count,
                halfDimension: half, attentionScaling: attentionScaling)
        }
        return (cos, sin)
    }
}
