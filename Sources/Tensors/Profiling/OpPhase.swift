/// What an `OpEvent` timed: an op's forward, its backward (run by the tape walker), or a
/// named stretch of host work (`Profiler.region`, the walker's `.grad` accumulation).
public enum OpPhase: Sendable, Equatable {
    /// The op's forward, dispatched by `OpSpec.apply`.
    case forward
    /// The op's backward, run by `Tensor.backward`.
    case backward
    /// Host work outside any op (an optimizer step, gradient accumulation).
    case region
}

extension OpEvent {
    /// The name a profile shows: `matmul`, `matmul (backward)`, or the region's name.
    public var displayName: String {
        phase == .backward ? name + " (backward)" : name
    }
}
