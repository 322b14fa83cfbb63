import Synchronization

/// A flag the host sets to stop a running program (Ctrl-C). Setting it is one atomic
/// store, safe from a signal handler; the interpreter polls it at every loop iteration
/// and call, and raises an `interrupted` error that unwinds normally, so every binding
/// survives (Lua's `laction`). Keep one in a global if a C signal handler must reach it.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Creates a cleared flag.
    public init() {}
    /// Asks the running program to stop. Async-signal-safe.
    public func request() { flag.store(true, ordering: .relaxed) }
    /// Clears a pending request.
    public func clear() { flag.store(false, ordering: .relaxed) }
    /// True while a request is pending.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}

/// A Swift error a host throws when it saw a stop request (a tensor op seeing Ctrl-C):
/// the interpreter raises it as `interrupted`, which `try`/`catch` in scripts does not catch.
public protocol InterruptionReporting: Error {
    /// True when this error reports an interruption.
    var isInterruption: Bool { get }
}

extension Interpreter {
    /// True when `error` (thrown by ``call(_:_:labelled:)`` or by code a builtin ran) is an
    /// interruption, so a host can stop cleanly (save, then return) instead of failing.
    public static func isInterruption(_ error: any Error) -> Bool {
        if let error = error as? RuntimeError { return error.kind == .interrupted }
        if let error = error as? ScriptError { return error.kind == .interrupted }
        return (error as? any InterruptionReporting)?.isInterruption ?? false
    }

    /// What a Swift error thrown by host code (a builtin, an operator, a property) becomes
    /// in the script at `span`: runtime errors and control flow pass through, an
    /// interruption stays an interruption (which `try`/`catch` does not catch), anything
    /// else is an ordinary, catchable error with the host's message.
    static func raised(_ error: any Error, at span: SourceSpan?) -> any Error {
        switch error {
        case is RuntimeError, is ControlFlow:
            return error
        case let error as HostError:
            return RuntimeError(.hostError(error.message, span, hint: error.hint))
        case let error as any InterruptionReporting where error.isInterruption:
            return RuntimeError(.interrupted(span ?? Interpreter.noSpan), kind: .interrupted)
        default:
            return RuntimeError(.hostError(Interpreter.message(of: error), span, hint: nil))
        }
    }
}

/// Counters checked at every loop iteration and call: the step limit, the interrupt
/// flag and the call depth. The fast path is one decrement and one compare.
final class ExecutionState {
    let interrupt: InterruptFlag
    /// Steps left before the next slow check.
    var budget = 1024
    /// Steps left under the limit, or nil for no limit.
    var stepsLeft: Int?
    var depth = 0
    var maxDepth: Int
    /// How many `withInterruptsDeferred` blocks are running; while above 0 a pending
    /// interrupt waits.
    var deferredInterrupts = 0

    init(interrupt: InterruptFlag, maxDepth: Int) {
        self.interrupt = interrupt
        self.maxDepth = maxDepth
    }

    func reset(stepLimit: Int?) {
        stepsLeft = stepLimit
        budget = min(stepLimit ?? 1024, 1024)
        depth = 0
    }

    @inline(__always)
    func tick(_ span: SourceSpan) throws {
        budget &-= 1
        if budget <= 0 { try slowCheck(span) }
    }

    private func slowCheck(_ span: SourceSpan) throws {
        if interrupt.isRequested && deferredInterrupts == 0 {
            interrupt.clear()
            budget = 1024
            throw RuntimeError(.interrupted(span), kind: .interrupted)
        }
        if let left = stepsLeft {
            let consumed = 1024
            let remaining = left - consumed
            stepsLeft = remaining
            if remaining <= 0 {
                budget = 1024
                throw RuntimeError(.stepLimitReached(span), kind: .stepLimit)
            }
            budget = min(remaining, 1024)
        } else {
            budget = 1024
        }
    }
}

/// An error raised while running, with the trace built as it unwinds.
struct RuntimeError: Error {
    enum Kind { case error, interrupted, stepLimit }
    var diagnostic: Diagnostic
    var kind: Kind
    /// The span in the function being unwound; becomes a trace entry at the next call boundary.
    var pendingSpan: SourceSpan?
    /// Trace entries collected so far, innermost first.
    var entries: [TraceEntry] = []

    init(_ diagnostic: Diagnostic, kind: Kind = .error) {
        self.diagnostic = diagnostic
        self.kind = kind
        self.pendingSpan = diagnostic.span
    }

    /// Records that the error left function `name`, which was called at `callSpan`.
    mutating func leaving(_ name: String, calledAt callSpan: SourceSpan) {
        if let pendingSpan { entries.append(TraceEntry(function: name, span: pendingSpan)) }
        pendingSpan = callSpan
    }

    /// The finished diagnostic, with `outermost` naming the top-level code.
    func finished(outermost: String = "<main>") -> Diagnostic {
        var result = diagnostic
        var all = entries
        if let pendingSpan { all.append(TraceEntry(function: outermost, span: pendingSpan)) }
        result.trace = all.reversed()
        return result
    }

    var isCatchable: Bool { kind == .error }
}

/// `break`, `continue` and `return` used inside an expression (not at statement level):
/// thrown to the enclosing loop or call instead of signalled through the frame.
struct ControlFlow: Error {
    let signal: Signal
    let value: Value
}
