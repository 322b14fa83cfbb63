import Synchronization

/// The op profiler: runs a body with a `ProfileCollector` listening to every op the
/// body dispatches (forward and backward), then hands back a `ProfileReport` of per-op
/// calls, self time, FLOPs from the ops' declared costs and bytes allocated, plus the
/// host time spent outside ops (interpreter and autograd bookkeeping).
///
/// Collectors are task-local: concurrent tasks (tests) each see only their own ops, and
/// nested `run`s each get the events of their own body. The global op observer is
/// installed only while some `run` is active, so unprofiled code pays nothing.
public enum Profiler {
    /// The collectors listening in this task, innermost last.
    @TaskLocal static var active: [ProfileCollector] = []
    /// Collectors listening to every thread (`lfs --profile`, whose interpreter runs on
    /// a thread of its own, where task-locals set outside do not reach).
    private static let processWide = Mutex<[ProfileCollector]>([])
    private static let hasProcessWide = Atomic<Bool>(false)
    private static let installed = Mutex<Int>(0)

    /// Runs `body` under a fresh collector and passes its report to `report`, also
    /// when `body` throws (so `lfs --profile` can show where a failing script spent its
    /// time).
    /// - Returns: what `body` returns.
    /// - Parameters:
    ///   - allThreads: record ops dispatched on any thread, not only in this task.
    ///   - report: receives the report once `body` has returned or thrown.
    ///   - body: the work to profile.
    public static func run<R>(
        allThreads: Bool = false, report: (ProfileReport) -> Void, _ body: () throws -> R
    ) rethrows -> R {
        let collector = ProfileCollector()
        retainObserver()
        if allThreads { addProcessWide(collector) }
        defer {
            if allThreads { removeProcessWide(collector) }
            releaseObserver()
            report(collector.finish())
        }
        return try $active.withValue(active + [collector], operation: body)
    }

    /// Runs `body` under a fresh collector and returns its result with the report.
    /// - Throws: whatever `body` throws (the report is then lost; use `run(report:_:)`).
    public static func measure<R>(_ body: () throws -> R) rethrows -> (result: R, report: ProfileReport) {
        var captured: ProfileReport?
        let result = try run(report: { captured = $0 }, body)
        return (result, captured ?? ProfileReport.empty)
    }

    /// Whether a profiler is listening in this task.
    public static var isActive: Bool { !listening.isEmpty }

    /// The collectors an event in this task goes to: the task's and the process-wide ones.
    static var listening: [ProfileCollector] {
        let local = active
        guard hasProcessWide.load(ordering: .relaxed) else { return local }
        let global = processWide.withLock { $0 }
        return local + global.filter { collector in !local.contains { $0 === collector } }
    }

    /// Times `body` as a named row of host work that is not an op (an optimizer step,
    /// gradient clipping), so the profile does not count it as interpreter overhead. Ops
    /// it dispatches keep their own rows. Free when no profiler is active.
    public static func region<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        let collectors = listening
        guard !collectors.isEmpty else { return try body() }
        let timing = ProfileTiming.begin()
        defer {
            let event = timing.event(name: name, phase: .region)
            for collector in collectors { collector.record(event) }
        }
        return try body()
    }

    // MARK: Observer

    /// Passes an op event to this task's collectors.
    static let observer: OpObserver = { event in
        for collector in listening { collector.record(event) }
    }

    static func addProcessWide(_ collector: ProfileCollector) {
        processWide.withLock { list in
            list.append(collector)
            hasProcessWide.store(true, ordering: .relaxed)
        }
    }

    static func removeProcessWide(_ collector: ProfileCollector) {
        processWide.withLock { list in
            list.removeAll { $0 === collector }
            hasProcessWide.store(!list.isEmpty, ordering: .relaxed)
        }
    }

    static func retainObserver() {
        installed.withLock { count in
            count += 1
            if count == 1 { TensorRuntime.setOpObserver(observer) }
        }
    }

    static func releaseObserver() {
        installed.withLock { count in
            count -= 1
            if count == 0 { TensorRuntime.setOpObserver(nil) }
        }
    }
}
