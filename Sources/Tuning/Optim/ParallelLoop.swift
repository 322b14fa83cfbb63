import Tensors

/// Optimizer loops over cores, on top of Tensors' `Parallel`: element-wise updates split
/// into chunks, and sums whose partial results are added in a fixed order so that a
/// gradient norm does not depend on the thread count.
enum ParallelLoop {
    /// The fewest elements worth a thread of their own.
    static let minimumParallelCount = 1 << 15

    /// Calls `body` with disjoint ranges covering `0..<count`, in parallel for large counts.
    static func forEachChunk(count: Int, _ body: (Range<Int>) -> Void) {
        Parallel.forEachChunk(count: count, minimumChunk: minimumParallelCount, body)
    }

    /// Sums `term(range)` over fixed chunks of `0..<count`, added in chunk order.
    static func sum(count: Int, _ term: (Range<Int>) -> Double) -> Double {
        if count < 2 * minimumParallelCount { return term(0..<count) }
        let chunks = (count + minimumParallelCount - 1) / minimumParallelCount
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { partial in
            Parallel.forEach(count: chunks) { index in
                let start = index * minimumParallelCount
                partial[index] = term(start..<min(count, start + minimumParallelCount))
            }
        }
        return partials.reduce(0, +)
    }
}
