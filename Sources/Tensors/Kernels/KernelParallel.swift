import CBLAS
import Dispatch
import Foundation

/// The loop helper the fused kernels run their rows and heads through.
///
/// Work is split into a fixed number of contiguous ranges that depends only on the
/// problem size, never on the thread count, so that kernels which reduce partial sums
/// (RMSNorm's dweight) give the same bits whatever `LFS_THREADS` says.
enum KernelParallel {
    /// The number of worker threads: `LFS_THREADS` when set to a positive integer,
    /// otherwise every active core.
    static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["LFS_THREADS"],
            let value = Int(text), value > 0
        {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

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
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                // Interleaved assignment: causal attention's later blocks cost more, so
                // striding balances them better than contiguous ranges would.
                var index = worker
                while index < count {
                    body(worker, index)
                    index += threads
                }
            }
        }
    }

    /// Runs `body(range)` over `0..<count` split into contiguous ranges of at least
    /// `grain` items. The split depends only on `count` and `grain`.
    static func forEachRange(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let ranges = rangeCount(count, grain: grain)
        forEach(ranges) { part in body(range(part, of: ranges, count: count)) }
    }

    /// How many ranges `forEachRange` makes for `count` items of at least `grain` each.
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
    static func withSingleThreadedBLAS<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = openblas_get_num_threads()
        guard previous > 1, threadCount > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}
