extension Interpreter {
    /// Runs `body` with Ctrl-C held back: a request made meanwhile stays pending and
    /// stops the program at its first check after `body` returns. For work that must
    /// finish once started, such as an optimizer step and the bookkeeping that goes with it.
    /// (Tensor ops check their own flag; `uninterrupted` in the Builtins module defers both.)
    public func withInterruptsDeferred<R>(_ body: () throws -> R) rethrows -> R {
        state.deferredInterrupts += 1
        defer { state.deferredInterrupts -= 1 }
        return try body()
    }
}
