import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C handling for lfs, after Lua's `laction`: the SIGINT handler only sets atomic
/// flags; the interpreter and the tensor ops check theirs between steps and raise an
/// `interrupted` error that unwinds normally, so every binding survives.
///
/// Targets (the interpreter's and the tensor runtime's flags) are only set while a
/// computation runs, between ``beginComputation()`` and ``endComputation()``; a Ctrl-C
/// that lands just before the start is forwarded by ``beginComputation()``, and the flags
/// are cleared at the end, so a stale one never stops the next input. While a computation
/// runs, a second Ctrl-C within one second quits the process with status
/// ``ExitStatus/interrupted``. At the prompt, the line reader reads ``takePending()`` to
/// cancel the line being typed.
public enum InterruptController {
    /// A C function the handler calls on every Ctrl-C; it must be async-signal-safe
    /// (an atomic store, nothing else), such as setting an interpreter's interrupt flag.
    public typealias Target = @convention(c) () -> Void

    /// The most targets that can be registered.
    static let capacity = 8

    /// Registers a flag to set on Ctrl-C during a computation and to clear after it.
    /// Register before ``install()``.
    /// - Parameters:
    ///   - request: sets the flag; called from the signal handler.
    ///   - clear: clears it; called by ``endComputation()``.
    /// - Returns: false when ``capacity`` targets are already registered.
    @discardableResult
    public static func register(request: @escaping Target, clear: @escaping Target) -> Bool {
        let index = state.targetCount.load(ordering: .acquiring)
        guard index < capacity else { return false }
        state.targets[index] = request
        state.clears[index] = clear
        state.targetCount.store(index + 1, ordering: .releasing)
        return true
    }

    /// Installs the SIGINT handler (without `SA_RESTART`, so a blocking `read` at the
    /// prompt returns `EINTR` and the line reader sees the flag). Safe to call twice.
    public static func install() {
        _ = state  // initialise the globals outside signal context
        guard !state.installed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = interruptHandler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started lfs with SIGINT blocked; Ctrl-C must reach it.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }

    /// Marks the start of a computation and arms the "second Ctrl-C within a second
    /// quits" rule. A Ctrl-C that came after the prompt returned (still pending) is
    /// passed on to the targets, so typing Ctrl-C right after Enter is never lost.
    public static func beginComputation() {
        state.busy.store(true, ordering: .releasing)
        if state.pending.load(ordering: .acquiring) { requestTargets() }
    }

    /// Marks the end of a computation (back at the prompt) and clears the targets' flags.
    public static func endComputation() {
        state.busy.store(false, ordering: .releasing)
        let count = state.targetCount.load(ordering: .acquiring)
        for index in 0..<count { state.clears[index]?() }
    }

    /// Calls every request target (from the handler, or from `beginComputation`).
    fileprivate static func requestTargets() {
        let count = state.targetCount.load(ordering: .acquiring)
        for index in 0..<count { state.targets[index]?() }
    }

    /// Whether a Ctrl-C is pending (without clearing it).
    public static var isPending: Bool { state.pending.load(ordering: .acquiring) }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func takePending() -> Bool {
        state.pending.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Whether a computation is running (between begin and end).
    public static var isComputing: Bool { state.busy.load(ordering: .acquiring) }
}

/// The handler's state; created once, before the handler is installed.
private final class InterruptState: Sendable {
    let pending = Atomic<Bool>(false)
    let busy = Atomic<Bool>(false)
    let installed = Atomic<Bool>(false)
    /// Monotonic time of the previous Ctrl-C in nanoseconds; 0 before the first.
    let lastNanoseconds = Atomic<Int>(0)
    let targetCount = Atomic<Int>(0)
    /// Written only by `register` before the handler runs; read by the handler.
    nonisolated(unsafe) let targets: UnsafeMutablePointer<InterruptController.Target?>
    /// The matching clear functions.
    nonisolated(unsafe) let clears: UnsafeMutablePointer<InterruptController.Target?>

    init() {
        targets = .allocate(capacity: InterruptController.capacity)
        targets.initialize(repeating: nil, count: InterruptController.capacity)
        clears = .allocate(capacity: InterruptController.capacity)
        clears.initialize(repeating: nil, count: InterruptController.capacity)
    }
}

private let state = InterruptState()

/// The SIGINT handler: atomic loads and stores, `clock_gettime`, `write` and `_exit`
/// only, all async-signal-safe.
private func interruptHandler(_ signal: Int32) {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let nanoseconds = Int(now.tv_sec) * 1_000_000_000 + Int(now.tv_nsec)
    let previous = state.lastNanoseconds.exchange(nanoseconds, ordering: .relaxed)
    if state.busy.load(ordering: .acquiring), previous != 0,
        nanoseconds - previous < 1_000_000_000
    {
        var newline: UInt8 = 10
        _ = write(2, &newline, 1)
        _exit(ExitStatus.interrupted.rawValue)
    }
    state.pending.store(true, ordering: .releasing)
    if state.busy.load(ordering: .acquiring) { InterruptController.requestTargets() }
}
