import Synchronization

/// The one place that sets OpenBLAS's thread count, which is process-wide.
///
/// Outside kernel parallel regions OpenBLAS runs on `TensorRuntime.threadCount`
/// threads. Kernels that call sgemm from several of their own threads at once (causal
/// attention) enter a single-threaded region; regions from concurrent callers (parallel
/// tests, a REPL task beside a script) are counted, so OpenBLAS drops to one thread when
/// the first begins and gets the configured count back only when the last ends. Before,
/// each caller saved and restored the count itself, and two overlapping callers could
/// leave OpenBLAS stuck on one thread.
enum BLASThreadPolicy {
    /// The open single-threaded regions.
    private struct State {
        var singleThreadedDepth = 0
    }

    private static let state = Mutex(State())

    /// Sets OpenBLAS to `count` threads, unless a single-threaded region is open (then
    /// the count applies when the last region ends, as it reads `TensorRuntime`).
    static func apply(_ count: Int) {
        state.withLock { state in
            if state.singleThreadedDepth == 0 { OpenBLASRuntime.setThreadCount(count) }
        }
    }

    /// Whether OpenBLAS's thread count is what the policy says it should be right now:
    /// one inside a region, `TensorRuntime.threadCount` outside (read under the lock,
    /// for tests).
    static var isConsistent: Bool {
        TensorRuntime.configure()
        return state.withLock { state in
            let expected = state.singleThreadedDepth > 0 ? 1 : TensorRuntime.threadCount
            return OpenBLASRuntime.threadCount == expected
        }
    }

    /// Runs `body` with OpenBLAS on one thread; regions nest and overlap across threads.
    static func withSingleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        state.withLock { state in
            if state.singleThreadedDepth == 0 { OpenBLASRuntime.setThreadCount(1) }
            state.singleThreadedDepth += 1
        }
        defer {
            state.withLock { state in
                state.singleThreadedDepth -= 1
                if state.singleThreadedDepth == 0 {
                    OpenBLASRuntime.setThreadCount(TensorRuntime.threadCount)
                }
            }
        }
        return try body()
    }
}
