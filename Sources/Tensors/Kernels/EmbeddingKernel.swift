/// Embedding lookup: row ids[n] of a [V, C] table for every n.
///
/// HF `nn.Embedding` without padding_idx or max_norm. Shapes: N ids, V table rows
/// (vocabulary), C channels.
public enum EmbeddingKernel {
    /// Copies the table row of every id into `output`.
    /// - Parameters:
    ///   - output: [N, C], written.
    ///   - ids: [N].
    ///   - table: [V, C].
    /// - Throws: `TensorError.indexOutOfRange` when an id is outside 0..<V; nothing is
    ///   written then.
    public static func forward(
        output: UnsafeMutablePointer<Float>, ids: UnsafePointer<Int64>,
        table: UnsafePointer<Float>, N: Int, V: Int, C: Int
    ) throws {
        try validate(ids: ids, N: N, V: V)
        Parallel.forEachChunk(count: N, minimumChunk: 16) { rows in
            for n in rows {
                (output + n * C).update(from: table + Int(ids[n]) * C, count: C)
            }
        }
    }

    /// Scatter-adds `outputGradient` into the rows of `tableGradient` the ids name.
    ///
    /// Threads split the channels, not the ids, so repeated ids never race and every
    /// row sums its contributions in id order, whatever the thread count.
    /// - Parameters:
    ///   - tableGradient: [V, C], accumulated (+=).
    ///   - outputGradient: [N, C].
    ///   - ids: [N], already validated by `forward`.
    public static func backward(
        tableGradient: UnsafeMutablePointer<Float>, outputGradient: UnsafePointer<Float>,
        ids: UnsafePointer<Int64>, N: Int, V: Int, C: Int
    ) throws {
        try validate(ids: ids, N: N, V: V)
        let slices = max(1, min(KernelParallel.threadCount, C / 64))
        KernelParallel.forEach(slices) { slice in
            let columns = KernelParallel.range(slice, of: slices, count: C)
            for n in 0..<N {
                let source = outputGradient + n * C
                let target = tableGradient + Int(ids[n]) * C
                for c in columns { target[c] += source[c] }
            }
        }
    }

    /// Throws for the first id outside 0..<V.
    static func validate(ids: UnsafePointer<Int64>, N: Int, V: Int) throws {
        for n in 0..<N where ids[n] < 0 || ids[n] >= Int64(V) {
            throw TensorError.indexOutOfRange(op: "embedding", index: Int(ids[n]), size: V)
        }
    }
}
