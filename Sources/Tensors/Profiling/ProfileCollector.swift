import Dispatch
import Synchronization

/// Accumulates op events into per-row totals, turning inclusive times into self times.
///
/// Events arrive when their work ends, so an op that dispatches other ops (a backward
/// calling `mul`) is reported after them. The collector keeps the intervals reported so
/// far on a stack; an event whose start precedes the top entries encloses them, so their
/// time (and the allocations and profiler time inside them) is taken off its own.
public final class ProfileCollector: Sendable {
    private let state: Mutex<State>

    /// A collector whose wall clock starts now.
    public init() {
        state = Mutex(State(start: DispatchTime.now().uptimeNanoseconds))
    }

    /// Adds one event (called by the op observer, in the dispatching task).
    public func record(_ event: OpEvent) {
        state.withLock { $0.record(event, now: { DispatchTime.now().uptimeNanoseconds }) }
    }

    /// Adds one event with the profiler's own time measured by `now` (tests pass a fixed
    /// clock).
    func record(_ event: OpEvent, now: () -> UInt64) {
        state.withLock { $0.record(event, now: now) }
    }

    /// Stops the wall clock and returns the report.
    public func finish() -> ProfileReport {
        state.withLock { $0.report(end: DispatchTime.now().uptimeNanoseconds) }
    }

    /// Totals of one row (an op's forward, its backward, or a region).
    struct Totals {
        var phase: OpPhase
        var calls = 0
        var selfNanoseconds: UInt64 = 0
        var flops = 0
        var bytesMoved = 0
        var bytesAllocated = 0
    }

    /// A reported interval that a later event may turn out to enclose.
    struct Interval {
        var start: UInt64
        /// Its duration plus the profiler's time right after it.
        var span: UInt64
        var bytesAllocated: Int
    }

    struct State {
        let start: UInt64
        var rows: [String: Totals] = [:]
        var order: [String] = []
        var stack: [Interval] = []
        var profilerNanoseconds: UInt64 = 0

        /// Beyond this many top-level intervals the oldest are dropped: only an op that
        /// encloses that many others would have needed them.
        static let stackLimit = 65_536

        mutating func record(_ event: OpEvent, now clock: () -> UInt64) {
            let start = event.startNanoseconds
            let end = Swift.max(event.endNanoseconds, start)
            var childSpan: UInt64 = 0
            var childBytes = 0
            while let top = stack.last, top.start >= start {
                childSpan &+= top.span
                childBytes &+= top.bytesAllocated
                stack.removeLast()
            }
            let duration = end &- start
            let key = event.displayName
            var totals = rows[key] ?? Totals(phase: event.phase)
            if rows[key] == nil { order.append(key) }
            totals.calls += 1
            totals.selfNanoseconds &+= duration > childSpan ? duration &- childSpan : 0
            totals.flops &+= event.cost.flops
            totals.bytesMoved &+= event.cost.bytes
            totals.bytesAllocated &+= Swift.max(0, event.bytesAllocated &- childBytes)
            rows[key] = totals
            if stack.count >= Self.stackLimit { stack.removeFirst(Self.stackLimit / 2) }
            let now = clock()
            let overhead = now > end ? now &- end : 0
            profilerNanoseconds &+= overhead
            stack.append(
                Interval(
                    start: start, span: duration &+ overhead,
                    bytesAllocated: Swift.max(0, event.bytesAllocated)))
        }

        func report(end: UInt64) -> ProfileReport {
            let rowList = order.compactMap { key -> ProfileReport.Row? in
                guard let totals = rows[key] else { return nil }
                return ProfileReport.Row(
                    name: key, phase: totals.phase, calls: totals.calls,
                    selfSeconds: Double(totals.selfNanoseconds) / 1e9, flops: totals.flops,
                    bytesMoved: totals.bytesMoved, bytesAllocated: totals.bytesAllocated)
            }
            return ProfileReport(
                rows: rowList, wallSeconds: Double(end > start ? end &- start : 0) / 1e9,
                profilerSeconds: Double(profilerNanoseconds) / 1e9)
        }
    }
}
