import CKernels

/// Row gathers from bf16 tables: the embedding of a model loaded with `dtype: "bf16"`
/// reads only the rows its ids name, widened to float32, instead of widening the whole
/// [V, C] table on every call (65 MB per decode step for a 32000 x 512 table).
enum BFloat16Rows {
    /// `table[ids]` as float32 [..., C], or nil when `table` is not a contiguous bf16
    /// [V, C] matrix (the caller's float32 path handles those).
    /// - Throws: `TensorError.indexOutOfRange` for an id outside 0..<V,
    ///   `.unsupportedDType` for float ids.
    static func gather(ids: Tensor, table: Tensor) throws -> Tensor? {
        guard table.dtype == .bfloat16, table.rank == 2, table.isContiguous else { return nil }
        let (V, C) = (table.shape[0], table.shape[1])
        let indices = try FusedOps.indices(ids, op: "embedding")
        for id in indices where id < 0 || id >= Int64(V) {
            throw TensorError.indexOutOfRange(op: "embedding", index: Int(id), size: V)
        }
        let output = try Tensor.uninitialized(ids.shape + [C])
        let source = table.storage.baseAddress.assumingMemoryBound(to: UInt16.self) + table.offset
        let target = output.storage.floats
        withExtendedLifetime(table) {
            for (n, id) in indices.enumerated() {
                lfs_bf16_to_f32(source + Int(id) * C, target + n * C, C)
            }
        }
        return output
    }
}
