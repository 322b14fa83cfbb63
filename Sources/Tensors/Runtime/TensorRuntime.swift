import Foundation
import Synchronization

/// Process-wide settings of the tensor engine: the interrupt flag checked at every op,
/// the thread count (LFS_THREADS) and the op observer a profiler plugs in.
public enum TensorRuntime {
    private static let threads = Atomic<Int>(initialThreadCount())
    private static let observerBox = Mutex<OpObserver?>(nil)
    private static let hasObserver = Atomic<Bool>(false)

    // MARK: Interruption

    /// The flag Ctrl-C sets for the whole process.
    public static let processInterrupt = InterruptFlag()

    /// The flag ops check: the process flag, unless a task installed its own with
    /// `withInterruptFlag` (tests do, so they cannot stop each other's ops).
    @TaskLocal static var activeInterrupt: InterruptFlag = processInterrupt

    /// Asks the running computation to stop at its next op (callable from any thread,
    /// such as a signal-handling one). The op throws `TensorError.interrupted` and
    /// clears the flag.
    public static func requestInterrupt() { processInterrupt.request() }

    /// Whether an interrupt is pending on the active flag.
    public static var isInterruptRequested: Bool { activeInterrupt.isRequested }

    /// Clears a pending interrupt (the REPL does this before running a new input).
    public static func clearInterrupt() { activeInterrupt.clear() }

    /// Throws `TensorError.interrupted` (and clears the flag) when an interrupt is
    /// pending. Every op dispatch calls it; long kernels may call it between rows.
    public static func checkInterrupt() throws {
        let flag = activeInterrupt
        if flag.isRequested {
            flag.clear()
            throw TensorError.interrupted
        }
    }

    /// Runs `body` with ops checking `flag` instead of the process flag.
    public static func withInterruptFlag<R>(_ flag: InterruptFlag, _ body: () throws -> R) rethrows
        -> R
    {
        try $activeInterrupt.withValue(flag, operation: body)
    }

    // MARK: Threads

    /// The number of threads for parallel loops and OpenBLAS: LFS_THREADS when set to a
    /// positive integer, otherwise all active cores.
    public static var threadCount: Int { threads.load(ordering: .relaxed) }

    /// Sets the thread count for parallel loops and OpenBLAS (at least 1).
    public static func setThreadCount(_ count: Int) {
        let value = max(1, count)
        threads.store(value, ordering: .relaxed)
        BLASThreadPolicy.apply(value)
    }

    /// Applies the thread count to OpenBLAS; called before the first GEMM and by `lfs`
    /// at start-up. Idempotent.
    public static func configure() { _ = configured }

    private static let configured: Bool = {
        BLASThreadPolicy.apply(threads.load(ordering: .relaxed))
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
    /// What was timed: the op's forward, its backward, or a named host region.
    public var phase: OpPhase = .forward
    /// When the timed work began and ended (`DispatchTime` uptime, nanoseconds).
    public var startNanoseconds: UInt64 = 0
    /// See `startNanoseconds`.
    public var endNanoseconds: UInt64 = 0
    /// Bytes of tensor storage allocated while it ran (by any thread).
    public var bytesAllocated: Int = 0
}

/// A function called after each op's forward (for profiling).
public typealias OpObserver = @Sendable (OpEvent) -> Void

/// An atomic "please stop" flag checked at every op dispatch.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A cleared flag.
    public init() {}

    /// Sets the flag.
    public func request() { flag.store(true, ordering: .relaxed) }
    /// Clears the flag.
    public func clear() { flag.store(false, ordering: .relaxed) }
    /// Whether the flag is set.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
