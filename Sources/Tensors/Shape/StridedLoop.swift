/// Iteration over the elements of strided tensors that share an output shape.
///
/// The innermost dimension is handed to the body as a run (`count` elements with
/// per-operand strides), so elementwise kernels loop tightly over it.
enum StridedLoop {
    /// Calls `body(offsets, count, innerStrides)` once per innermost run of `shape`,
    /// where `offsets[k]` is the element offset of operand `k` at the run's start.
    /// - Parameters:
    ///   - shape: the iteration shape (already broadcast).
    ///   - strides: one stride array per operand, each of `shape.count` entries.
    ///   - offsets: the starting offset of each operand.
    static func forEachRun(
        shape: [Int], strides: [[Int]], offsets: [Int],
        _ body: (_ offsets: [Int], _ count: Int, _ innerStrides: [Int]) -> Void
    ) {
        let rank = shape.count
        if shape.contains(0) { return }
        if rank == 0 {
            body(offsets, 1, strides.map { _ in 0 })
            return
        }
        let inner = shape[rank - 1]
        let innerStrides = strides.map { $0[rank - 1] }
        var index = [Int](repeating: 0, count: rank - 1)
        var current = offsets
        let operands = strides.count
        while true {
            body(current, inner, innerStrides)
            // Advance the outer index like an odometer.
            var dim = rank - 2
            while dim >= 0 {
                index[dim] += 1
                for k in 0..<operands { current[k] += strides[k][dim] }
                if index[dim] < shape[dim] { break }
                for k in 0..<operands { current[k] -= strides[k][dim] * shape[dim] }
                index[dim] = 0
                dim -= 1
            }
            if dim < 0 { return }
        }
    }
}
