import Foundation
import Synchronization

/// Process-wide settings of the tensor engine: the interrupt flag checked at every op,
/// the thread count (LFS_THREADS) and the op observer a profiler plugs in.
public enum TensorRuntime {
    private static let interruptFlag = Atomic<Bool>(false)
    private static let threads = Atomic<Int>(initialThreadCount())
    private static let observerBox = Mutex<OpObserver?>(nil)
    private static let hasObserver = Atomic<Bool>(false)

    // MARK: Interruption

    /// Asks the running computation to stop at its next op (safe from a signal handler's
    /// thread). The op throws `TensorError.interrupted` and clears the flag.
    public static func requestInterrupt() { interruptFlag.store(true, ordering: .relaxed) }

    /// Whether an interrupt is pending.
    public static var isInterruptRequested: Bool { interruptFlag.load(ordering: .relaxed) }

    /// Clears a pending interrupt (the REPL does this before running a new input).
    public static func clearInterrupt() { interruptFlag.store(false, ordering: .relaxed) }

    /// Throws `TensorError.interrupted` (and clears the flag) when an interrupt is pending.
    /// Long kernels may call this between rows.
    public static func checkInterrupt() throws {
        if interruptFlag.load(ordering: .relaxed) {
            interruptFlag.store(false, ordering: .relaxed)
            throw TensorError.interrupted
        }
    }

    // MARK: Threads

    /// The number of threads for parallel loops and OpenBLAS: LFS_THREADS when set to a
    /// positive integer, otherwise all active cores.
    public static var threadCount: Int { threads.load(ordering: .relaxed) }

    /// Sets the thread count for parallel loops and OpenBLAS (at least 1).
    public static func setThreadCount(_ count: Int) {
        let value = max(1, count)
        threads.store(value, ordering: .relaxed)
        OpenBLASRuntime.setThreadCount(value)
    }

    /// Applies the thread count to OpenBLAS; called before the first GEMM and by `lfs`
    /// at start-up. Idempotent.
    public static func configure() { _ = configured }

    private static let configured: Bool = {
        OpenBLASRuntime.setThreadCount(threads.load(ordering: .relaxed))
        return true
    }()

    static func initialThreadCount() -> Int {
        if let text = ProcessInfo.processInfo.environment["LFS_THREADS"],
            let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0
        {
            return min(value, 1024)
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    // MARK: Observer

    /// Installs (or removes, with nil) the observer called after every op dispatch.
    public static func setOpObserver(_ observer: OpObserver?) {
        observerBox.withLock { $0 = observer }
        hasObserver.store(observer != nil, ordering: .relaxed)
    }

    /// The installed observer, if any (cheap when none is installed).
    static var opObserver: OpObserver? {
        guard hasObserver.load(ordering: .relaxed) else { return nil }
        return observerBox.withLock { $0 }
    }
}

/// What the dispatcher reports about one op, for a profiler.
public struct OpEvent: Sendable {
    /// The op's registry name.
    public let name: String
    /// The op's label with its attributes.
    public let label: String
    /// The module scope the op ran in (`model.layers.3.self_attn`), empty at top level.
    public let scope: String
    /// The input shapes.
    public let inputShapes: [[Int]]
    /// The output shape.
    public let outputShape: [Int]
    /// Wall time of the forward, in seconds.
    public let seconds: Double
    /// The op's declared cost.
    public let cost: OpCost
}

/// A function called after each op's forward (for profiling).
public typealias OpObserver = @Sendable (OpEvent) -> Void
