import Dispatch

/// What the fused kernels need from a parallel loop beyond `Parallel`: a worker index
/// (so each thread can own a scratch buffer), a split of the work that depends only on
/// the problem size (so partial sums such as RMSNorm's dweight give the same bits
/// whatever `LFS_THREADS` says), and single-threaded BLAS inside parallel regions.
enum KernelParallel {
    /// The number of worker threads (`TensorRuntime.threadCount`, from LFS_THREADS).
    static var threadCount: Int { TensorRuntime.threadCount }

    /// Runs `body(index)` for every index in `0..<count`, on up to `threadCount` threads.
    /// Small counts and single-thread configurations run inline.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        forEachWithWorker(count) { _, index in body(index) }
    }

    /// The number of workers `forEachWithWorker` uses for `count` items.
    static func workerCount(_ count: Int) -> Int { max(1, min(threadCount, count)) }

    /// Runs `body(worker, index)` for every index in `0..<count`, where `worker` is in
    /// `0..<workerCount(count)` and no two calls with the same worker overlap, so a
    /// kernel can give each worker its own scratch buffer.
    static func forEachWithWorker(_ count: Int, _ body: (Int, Int) -> Void) {
        guard count > 0 else { return }
        let threads = workerCount(count)
        if threads == 1 {
            for index in 0..<count { body(0, index) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            // concurrentPerform returns only after every worker ran, so `body` never
            // outlives this call; the kernels give each index disjoint output.
            let box = UncheckedSendableBox(escapable)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                // Interleaved assignment: causal attention's later blocks cost more, so
                // striding balances them better than contiguous ranges would.
                var index = worker
                while index < count {
                    box.value(worker, index)
                    index += threads
                }
            }
        }
    }

    /// How many fixed ranges to cut for `count` items of at least `grain` each.
    static func rangeCount(_ count: Int, grain: Int) -> Int {
        // At most 64 ranges: enough to balance many cores, few enough that per-range
        // partial sums stay small.
        max(1, min(64, count / max(1, grain)))
    }

    /// The `part`-th of `parts` near-equal contiguous ranges of `0..<count`.
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts
        let extra = count % parts
        let start = part * base + min(part, extra)
        return start..<(start + base + (part < extra ? 1 : 0))
    }

    /// Runs `body` with OpenBLAS limited to one thread, for kernels that call sgemm
    /// from several of their own threads at once (nested pools oversubscribe the cores).
    /// Overlapping calls from different threads are counted (`BLASThreadPolicy`), so
    /// the configured count comes back when the last one ends.
    static func withSingleThreadedBLAS<Result>(_ body: () throws -> Result) rethrows -> Result {
        TensorRuntime.configure()
        guard threadCount > 1 else { return try body() }
        return try BLASThreadPolicy.withSingleThreaded(body)
    }
}
