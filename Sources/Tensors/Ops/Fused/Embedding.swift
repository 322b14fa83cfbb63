/// Embedding lookup as one op (`EmbeddingKernel`): forward and backward side by side.
extension OpSpec {
    /// Rows of a table picked by integer ids, as `F.embedding(ids, table)`.
    ///
    /// Inputs: ids [...] (int64 or int32), table [V, C]. Output [..., C]. Saves nothing.
    /// Backward: [nil, dtable], a scatter-add of the output gradient.
    public static let embedding = OpSpec(
        name: "embedding", arity: .exactly(2),
        forward: { inputs, _ in
            // A bf16 table (dtype: "bf16"): widen only the rows asked for.
            if let rows = try BFloat16Rows.gather(ids: inputs[0], table: inputs[1]) { return OpResult(rows) }
            let (ids, table) = try EmbeddingOp.operands(inputs)
            let (V, C) = (table.shape[0], table.shape[1])
            let output = try Tensor(zeros: inputs[0].shape + [C])
            try withExtendedLifetime(table) {
                try EmbeddingKernel.forward(
                    output: FusedOps.floats(output), ids: ids, table: FusedOps.floats(table),
                    N: ids.count, V: V, C: C)
            }
            return OpResult(output)
        },
        backward: { context in
            guard context.inputs[1].requiresGrad else { return [nil, nil] }
            let (ids, table) = try EmbeddingOp.operands(context.inputs)
            let (V, C) = (table.shape[0], table.shape[1])
            let gradient = context.gradOutput.contiguousFloat32()
            let dtable = try Tensor(zeros: [V, C])
            try withExtendedLifetime(gradient) {
                try EmbeddingKernel.backward(
                    tableGradient: FusedOps.floats(dtable), outputGradient: FusedOps.floats(gradient),
                    ids: ids, N: ids.count, V: V, C: C)
            }
            return [nil, dtable]
        },
        cost: { _, output, _ in OpCost(flops: 0, bytes: 8 &* OpCost.elements(output)) })
}

/// Operand checks of `OpSpec.embedding`.
enum EmbeddingOp {
    /// The ids as Int64 and the table as contiguous float32 [V, C].
    static func operands(_ inputs: [Tensor]) throws -> ([Int64], Tensor) {
        let table = inputs[1]
        try FusedOps.requireFloat(table, op: "embedding")
        guard table.rank == 2 else {
            throw TensorError.invalidShape(op: "embedding", shape: table.shape, reason: "the table must be [V, C]")
        }
        return (try FusedOps.indices(inputs[0], op: "embedding"), table.contiguousFloat32())
    }
}

extension Tensor {
    /// The rows of `table` picked by the ids in this integer tensor: [...] -> [..., C].
    /// - Parameters:
    ///   - table: [V, C].
    /// - Throws: `TensorError.indexOutOfRange` for an id outside 0..<V,
    ///   `.unsupportedDType` when the ids are floats.
    public func embedding(in table: Tensor) throws -> Tensor {
        try OpSpec.embedding.apply([self, table])
    }
}
